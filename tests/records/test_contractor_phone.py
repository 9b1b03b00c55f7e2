"""The contractor's phone is stored in its canonical form (R4), so it is
masked the same way as every phone (R16) and found however it was typed."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from records.models import Renovation

from .factories import REQUESTS_NOW, applied, front_desk, occupied_dossier, renovation_form_data

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(REQUESTS_NOW)]


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("+86 138-1234-5678", "13812345678"),
        ("１３８ １２３４ ５６７８", "13812345678"),
        ("（0755）8765-4321", "0755-87654321"),
        ("400-820-8820", "400-820-8820"),  # a service number: kept as typed, not refused
    ],
)
def test_the_application_form_stores_the_contractor_phone_canonical__R4(client, typed, canonical):
    dossier, _section = occupied_dossier()
    client.force_login(front_desk())
    response = client.post(
        reverse("records:renovation_add", args=[dossier.pk]),
        renovation_form_data(contractor_phone=typed),
    )
    assert response.status_code == 302
    assert Renovation.objects.values_list("contractor_phone", flat=True).get() == canonical


def test_the_data_migration_normalises_stored_contractor_phones__R4():
    renovation = applied()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE records_renovation SET contractor_phone = %s WHERE id = %s",
            ["+86 139 0000 1111", renovation.pk],
        )
    migration = importlib.import_module("records.migrations.0004_canonical_contractor_phone")
    migration.normalize_stored_values(apps, None)
    renovation.refresh_from_db()
    assert renovation.contractor_phone == "13900001111"
