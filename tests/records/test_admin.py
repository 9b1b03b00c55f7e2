"""The records in the admin: read-only, with history, only for visible dossiers (R17), and
the dossier page's records panel."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib import admin as django_admin
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from customers.models import DossierEvent
from records import models
from tests.customers.factories import dossier_for, moved_in
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _repair(dossier, actor, description="水龙头漏水"):
    return models.Repair.objects.create(
        dossier=dossier,
        recorded_by=actor,
        reported_by_name="张伟",
        reported_at=timezone.now(),
        location="厨房",
        description=description,
    )


def test_every_record_model_is_in_the_admin_read_only():
    for model in (
        models.Lease,
        models.Deposit,
        models.Charge,
        models.Payment,
        models.Renovation,
        models.RenovationInspection,
        models.Violation,
        models.Complaint,
        models.Repair,
        models.Visit,
        models.Correspondence,
        models.Application,
    ):
        model_admin = django_admin.site._registry[model]
        assert not model_admin.has_add_permission(None), model
        assert not model_admin.has_delete_permission(None), model
    assert DossierEvent in django_admin.site._registry


def test_admin_lists_only_the_records_of_visible_dossiers__R17(client):
    admin_user = user_with_role(Role.ADMIN)
    actor = user_with_role(Role.FRONT_DESK)
    open_one = _repair(dossier_for(), actor, "公开档案的报修")
    secret = _repair(dossier_for(secrecy="B"), actor, "保密档案的报修")
    client.force_login(admin_user)
    listing = client.get(reverse("admin:records_repair_changelist")).content.decode()
    assert open_one.dossier.archive_number in listing
    assert secret.dossier.archive_number not in listing
    assert (
        client.get(reverse("admin:records_repair_change", args=[secret.pk])).status_code == 302
    )  # the admin's "does not exist" redirect
    assert client.get(reverse("admin:records_repair_history", args=[secret.pk])).status_code == 404
    assert (
        client.get(reverse("admin:records_repair_history", args=[open_one.pk])).status_code == 200
    )


# the December charge must still be ahead: the panel counts what is due before today
@time_machine.travel(datetime.datetime(2026, 11, 23, 4, 0, tzinfo=datetime.UTC), tick=False)
def test_records_panel_shows_deposits_held_and_arrears_due(client):
    dossier = dossier_for()
    moved_in(dossier)
    actor = user_with_role(Role.FRONT_DESK)
    common = {"dossier": dossier, "recorded_by": actor}
    models.Deposit.objects.create(
        **common,
        kind="keys",
        payer="张伟",
        amount=Decimal("500"),
        received_on=datetime.date(2026, 1, 5),
        receipt_number="YJ-1",
    )
    models.Deposit.objects.create(
        **common,
        kind="renovation",
        payer="张伟",
        amount=Decimal("3000"),
        received_on=datetime.date(2026, 2, 5),
        receipt_number="YJ-2",
        status="refunded",
        refund_amount=Decimal("3000"),
    )
    models.Charge.objects.create(
        **common,
        item="management",
        period="2026-09",
        amount=Decimal("320.50"),
        due_on=datetime.date(2026, 9, 30),
        paid_amount=Decimal("100"),
    )
    models.Charge.objects.create(
        **common,
        item="management",
        period="2026-12",
        amount=Decimal("320.50"),
        due_on=datetime.date(2026, 12, 31),
    )  # not yet due
    client.force_login(user_with_role(Role.MANAGER))
    page = client.get(reverse("customers:dossier_detail", args=[dossier.pk]))
    panel = next(p for p in page.context["panels"] if "deposits_held" in p)
    assert panel["deposits_held"] == Decimal("500")
    assert panel["arrears"] == Decimal("220.50")
    body = page.content.decode()
    assert "¥500.00" in body and "¥220.50" in body
    client.force_login(user_with_role(Role.WITNESS))
    assert client.get(reverse("customers:dossier_detail", args=[dossier.pk])).status_code == 404


def test_records_panel_counts_own_and_collective_open_complaints(client):
    from tests.records.factories import record_complaint

    dossier, neighbour, third = dossier_for(), dossier_for(), dossier_for()
    for each in (dossier, neighbour, third):
        moved_in(each)
    desk = user_with_role(Role.FRONT_DESK)
    record_complaint(dossier, desk)
    closed = record_complaint(dossier, desk, subject="已办结")
    models.Complaint.objects.filter(pk=closed.pk).update(status=models.Complaint.Status.CLOSED)
    # filed in the neighbour's dossier, naming this one as well (R42)
    record_complaint(neighbour, desk, households=3, other_dossiers=[dossier, third])
    client.force_login(user_with_role(Role.MANAGER))
    page = client.get(reverse("customers:dossier_detail", args=[dossier.pk]))
    panel = next(p for p in page.context["panels"] if "deposits_held" in p)
    assert panel["open_counts"]["complaints"] == 2
    page = client.get(reverse("customers:dossier_detail", args=[neighbour.pk]))
    panel = next(p for p in page.context["panels"] if "deposits_held" in p)
    assert panel["open_counts"]["complaints"] == 1


@time_machine.travel(datetime.datetime(2026, 5, 20, 2, 0, tzinfo=datetime.UTC), tick=False)
def test_records_panel_counts_what_is_open_in_one_query(django_assert_num_queries):
    from records.panels import panel_figures
    from tests.records.factories import (
        closed,
        completed,
        ordered,
        reported,
        submitted,
        waiting_renovation,
    )

    dossier = dossier_for()
    moved_in(dossier)
    other = dossier_for()
    moved_in(other)
    reported(dossier)
    reported(dossier, location="卫生间")
    closed(completed(ordered(reported(dossier))))  # closed: not counted
    reported(other)  # another dossier's: not counted
    submitted(dossier)
    waiting_renovation(dossier)
    waiting_renovation(dossier, status=models.Renovation.Status.APPROVED)  # decided already
    with django_assert_num_queries(1):
        figures = panel_figures(dossier)
    assert figures["repairs"] == 2
    assert figures["applications"] == 1
    assert figures["renovations"] == 1
    assert figures["violations"] == 0 and figures["complaints"] == 0
    assert figures["held"] == Decimal("0") and figures["arrears"] == Decimal("0")
