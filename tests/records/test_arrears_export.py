"""The arrears CSV neutralises formulas: a payer's name or a room number
typed as ``=HYPERLINK(…)`` reaches the spreadsheet as text; the amounts stay numbers."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import Customer, Dossier, Estate
from records.finance import services as finance
from records.models import Charge

from .factories import front_desk, occupied_dossier

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(datetime.datetime(2026, 11, 16, 10, 0))]

FORMULA = '=HYPERLINK("http://x","点此")'


def test_the_arrears_csv_writes_formulas_as_text_and_amounts_as_numbers(client):
    actor = front_desk()
    dossier, section = occupied_dossier()
    Customer.objects.filter(pk=section.customer_id).update(name=FORMULA)
    Estate.objects.filter(pk=dossier.unit.building.estate_id).update(name="@SUM(1+1)")
    Dossier.objects.filter(pk=dossier.pk).update(archive_number="-2+3+cmd|' /C calc'!A0")
    for amount in (Decimal("100.50"), Decimal("20")):
        finance.charge_add(
            dossier=dossier,
            data={
                "item": Charge.Item.MANAGEMENT,
                "period": f"2026-{9 if amount == 20 else 10}",
                "amount": amount,
                "due_on": datetime.date(2026, 10, 31),
            },
            actor=actor,
        )
    client.force_login(actor)
    response = client.get(reverse("records:arrears_list"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, row = rows
    assert len(header) == len(row) == 7
    number, unit, occupants, total = row[0], row[1], row[2], row[6]
    assert number == "'-2+3+cmd|' /C calc'!A0"
    assert unit.startswith("'@SUM(1+1) ")
    assert occupants == "'" + FORMULA
    assert total == "120.50"  # a number we write: not quoted
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
