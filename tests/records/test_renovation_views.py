"""The secondary renovation and violation pages: forms keep what was typed and say what is
wrong beside the field, refusals are explained, buttons only for those who may press them."""

import datetime
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from customers.permissions import grant_dossier
from records.models import Deposit, Renovation, RenovationInspection, Violation
from records.renovations import services
from tests.factories import user_with_role

from .factories import (
    FOUND,
    applied,
    approved,
    front_desk,
    in_progress,
    inspection,
    manager,
    occupied_dossier,
    renovation_form_data,
)

Status = Renovation.Status
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 5, 20, 10, tzinfo=SHANGHAI)
TODAY = NOW.date()


pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Application -------------------------------------------------------------------------------
def test_the_application_form_records_the_renovation_and_its_deposit(client):
    dossier, section = occupied_dossier()
    client.force_login(front_desk())
    url = reverse("records:renovation_add", args=[dossier.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["applicant"].initial == section.customer.name
    response = client.post(url, renovation_form_data())
    renovation = Renovation.objects.get()
    assert response.status_code == 302
    assert response.url == renovation.get_absolute_url()
    assert renovation.deposit.receipt_number == "YJ-0009"
    assert Deposit.objects.get().kind == Deposit.Kind.RENOVATION


def test_the_application_form_shows_errors_beside_the_fields_and_keeps_the_input(client):
    dossier, _section = occupied_dossier()
    applied(deposit_amount=3000, deposit_receipt="YJ-0009")
    client.force_login(front_desk())
    url = reverse("records:renovation_add", args=[dossier.pk])
    response = client.post(
        url,
        renovation_form_data(
            planned_end="2026-05-01", contractor_licence="", applied_on="2026-06-01"
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"planned_end", "contractor_licence", "applied_on", "deposit_receipt"}
    body = response.content.decode()
    assert 'value="深圳市美家装饰工程有限公司"' in body
    assert "is-invalid" in body
    assert Renovation.objects.count() == 1


def test_a_deposit_needs_both_amount_and_receipt(client):
    dossier, _section = occupied_dossier()
    client.force_login(front_desk())
    url = reverse("records:renovation_add", args=[dossier.pk])
    response = client.post(url, renovation_form_data(deposit_receipt=""))
    assert "deposit_receipt" in response.context["form"].errors
    response = client.post(url, renovation_form_data(deposit_amount=""))
    assert "deposit_amount" in response.context["form"].errors
    response = client.post(url, renovation_form_data(deposit_amount="-5"))
    assert "deposit_amount" in response.context["form"].errors
    assert not Renovation.objects.exists()


def test_archivists_read_renovations_but_cannot_record_them(client):
    dossier, _section = occupied_dossier()
    renovation = applied(dossier)
    client.force_login(user_with_role(Role.ARCHIVIST))
    assert client.get(reverse("records:renovation_add", args=[dossier.pk])).status_code == 403
    page = client.get(renovation.get_absolute_url())
    assert page.status_code == 200
    for flag in ("can_decide", "can_start", "can_inspect", "can_accept", "can_add_violation"):
        assert not page.context[flag], flag


def test_a_renovation_of_a_dossier_one_cannot_see_is_not_found(client):
    dossier, _section = occupied_dossier(secrecy="B")
    granted = front_desk()
    grant_dossier(granted, dossier)
    renovation = applied(dossier, recorder=granted)
    client.force_login(front_desk())
    assert client.get(renovation.get_absolute_url()).status_code == 404
    assert client.get(reverse("records:renovation_add", args=[dossier.pk])).status_code == 404


# --- Decision ----------------------------------------------------------------------------------
def test_a_manager_approves_and_the_permit_number_is_shown(client):
    renovation = applied()
    boss = manager()
    client.force_login(boss)
    page = client.get(renovation.get_absolute_url())
    assert page.context["can_decide"]
    url = reverse("records:renovation_decide", args=[renovation.pk])
    assert client.get(url).context["next_permit"] == "ZX-2026-0001"
    response = client.post(url, {"decision": "approve", "permit_number": "", "note": ""})
    assert response.status_code == 302
    renovation.refresh_from_db()
    assert (renovation.status, renovation.permit_number) == (Status.APPROVED, "ZX-2026-0001")
    detail = client.get(renovation.get_absolute_url()).content.decode()
    assert "ZX-2026-0001" in detail


def test_rejecting_without_a_reason_is_said_beside_the_reason(client):
    renovation = applied()
    client.force_login(manager())
    url = reverse("records:renovation_decide", args=[renovation.pk])
    response = client.post(url, {"decision": "reject", "note": ""})
    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    response = client.post(url, {"decision": "reject", "note": "图纸不全"})
    assert response.status_code == 302
    renovation.refresh_from_db()
    assert renovation.status == Status.REJECTED


def test_a_permit_number_already_issued_is_refused_on_the_form(client):
    approved(permit_number="ZX-2026-0100")
    renovation = applied()
    client.force_login(manager())
    url = reverse("records:renovation_decide", args=[renovation.pk])
    response = client.post(url, {"decision": "approve", "permit_number": "zx-2026-0100"})
    assert response.status_code == 200
    assert "permit_number" in response.context["form"].errors
    renovation.refresh_from_db()
    assert renovation.status == Status.APPLIED


def test_the_front_desk_cannot_open_the_decision(client):
    renovation = applied()
    client.force_login(front_desk())
    url = reverse("records:renovation_decide", args=[renovation.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approve"}).status_code == 403
    assert not client.get(renovation.get_absolute_url()).context["can_decide"]


def test_the_manager_who_recorded_it_is_told_another_manager_decides(client):
    boss = manager()
    renovation = applied(recorder=boss)
    client.force_login(boss)
    page = client.get(renovation.get_absolute_url())
    assert not page.context["can_decide"]
    assert page.context["decides_elsewhere"]
    response = client.post(
        reverse("records:renovation_decide", args=[renovation.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    assert _messages(response)
    renovation.refresh_from_db()
    assert renovation.status == Status.APPLIED


def test_a_decided_application_sends_the_manager_back_to_its_page(client):
    renovation = approved()
    client.force_login(manager())
    response = client.get(reverse("records:renovation_decide", args=[renovation.pk]))
    assert response.status_code == 302
    assert response.url == renovation.get_absolute_url()


# --- Works, inspections, acceptance --------------------------------------------------------------
def test_the_works_start_from_the_renovation_page(client):
    renovation = approved()
    client.force_login(front_desk())
    assert client.get(renovation.get_absolute_url()).context["can_start"]
    url = reverse("records:renovation_start", args=[renovation.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"started_on": "2026-06-01"})  # in the future
    assert response.status_code == 200
    assert "started_on" in response.context["start_form"].errors
    response = client.post(url, {"started_on": "2026-05-18"})
    assert response.status_code == 302
    renovation.refresh_from_db()
    assert renovation.status == Status.IN_PROGRESS


def test_starting_works_twice_is_refused_with_a_message(client):
    renovation = in_progress()
    client.force_login(front_desk())
    response = client.post(
        reverse("records:renovation_start", args=[renovation.pk]), {"started_on": "2026-05-18"}
    )
    assert response.status_code == 302
    assert _messages(response)


def test_an_inspection_with_problems_records_the_violation_from_the_same_form(client):
    renovation = in_progress()
    client.force_login(front_desk())
    url = reverse("records:inspection_add", args=[renovation.pk])
    assert client.get(url).status_code == 200
    data = {
        "inspected_on": "2026-05-19",
        "inspector": "李工",
        "result": "issues",
        "findings": "擅自拆改阳台墙体",
        "record_violation": "on",
        "violation_category": "structure",
        "violation_description": "阳台墙体被拆除",
        "notice_number": "ZG-2026-020",
        "rectify_by": "2026-05-25",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == renovation.get_absolute_url()
    violation = Violation.objects.get()
    assert violation.renovation == renovation
    assert RenovationInspection.objects.get().result == "issues"


def test_the_inspection_form_explains_what_is_missing(client):
    renovation = in_progress()
    client.force_login(front_desk())
    url = reverse("records:inspection_add", args=[renovation.pk])
    response = client.post(
        url,
        {
            "inspected_on": "2026-05-10",  # before the works started
            "inspector": "李工",
            "result": "passed",
            "record_violation": "on",
            "violation_category": "structure",
            "violation_description": "",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "inspected_on",
        "record_violation",
        "violation_description",
    }
    assert not RenovationInspection.objects.exists()
    assert 'value="passed" id="id_result_0" checked' in response.content.decode()


def test_inspections_wait_for_the_works(client):
    renovation = approved()
    client.force_login(front_desk())
    response = client.get(reverse("records:inspection_add", args=[renovation.pk]))
    assert response.status_code == 302
    assert _messages(response)


def test_an_inspection_opens_its_renovation_page(client):
    renovation = in_progress()
    done, _violation = inspection(renovation)
    client.force_login(user_with_role(Role.EXECUTIVE))
    response = client.get(done.get_absolute_url())
    assert response.status_code == 302
    assert response.url == f"{renovation.get_absolute_url()}#inspection-{done.pk}"


def test_acceptance_page_lists_the_open_violations_and_refuses(client):
    renovation = in_progress()
    inspection(renovation, result="issues", violation=FOUND)
    client.force_login(manager())
    detail = client.get(renovation.get_absolute_url())
    assert detail.context["acceptance_blocker"]
    url = reverse("records:renovation_accept", args=[renovation.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["open_violations"]) == 1
    response = client.post(url, {"accepted_on": "2026-05-20"})
    assert response.status_code == 200
    assert "ZG-2026-007" in " ".join(response.context["form"].non_field_errors())
    renovation.refresh_from_db()
    assert renovation.status == Status.IN_PROGRESS


def test_a_manager_accepts_the_works(client):
    renovation = in_progress()
    client.force_login(manager())
    url = reverse("records:renovation_accept", args=[renovation.pk])
    response = client.post(url, {"accepted_on": "2026-05-20", "note": "合格"})
    assert response.status_code == 302
    renovation.refresh_from_db()
    assert (renovation.status, renovation.locked) == (Status.ACCEPTED, True)
    page = client.get(renovation.get_absolute_url())
    assert not page.context["can_accept"]
    assert client.get(url).status_code == 302  # nothing left to accept


def test_the_front_desk_cannot_accept(client):
    renovation = in_progress()
    client.force_login(front_desk())
    assert client.get(reverse("records:renovation_accept", args=[renovation.pk])).status_code == 403


# --- Violations --------------------------------------------------------------------------------
def test_a_violation_is_recorded_from_the_renovation_page_with_it_preselected(client):
    renovation = in_progress()
    client.force_login(front_desk())
    url = reverse("records:violation_add", args=[renovation.dossier_id])
    page = client.get(url, {"renovation": renovation.pk})
    assert page.context["form"]["renovation"].value() == renovation.pk
    response = client.post(
        url,
        {
            "renovation": renovation.pk,
            "category": "renovation",
            "occurred_on": "2026-05-19",
            "description": "超时施工",
            "notice_number": "",
            "rectify_by": "2026-05-10",
        },
    )
    assert response.status_code == 200
    assert "rectify_by" in response.context["form"].errors
    response = client.post(
        url,
        {
            "renovation": renovation.pk,
            "category": "renovation",
            "occurred_on": "2026-05-19",
            "description": "超时施工",
            "rectify_by": "2026-05-22",
        },
    )
    violation = Violation.objects.get()
    assert response.url == violation.get_absolute_url()
    assert violation.renovation == renovation


def test_a_violation_without_renovation_has_no_renovation_field(client):
    dossier, _section = occupied_dossier()
    client.force_login(front_desk())
    page = client.get(reverse("records:violation_add", args=[dossier.pk]))
    assert "renovation" not in page.context["form"].fields


def test_an_overdue_violation_is_highlighted_and_rectified_from_its_page(client):
    renovation = in_progress()
    late = {**FOUND, "rectify_by": datetime.date(2026, 5, 19)}  # found on the 18th
    _done, violation = inspection(renovation, result="issues", violation=late)
    client.force_login(front_desk())
    page = client.get(violation.get_absolute_url())
    assert page.context["overdue"]
    assert 'data-testid="overdue"' in page.content.decode()
    listing = client.get(renovation.get_absolute_url())
    assert 'data-testid="overdue"' in listing.content.decode()
    url = reverse("records:violation_rectify", args=[violation.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"rectified_on": "2026-05-20", "rectification": ""})
    assert response.status_code == 200
    assert "rectification" in response.context["rectify_form"].errors
    response = client.post(url, {"rectified_on": "2026-05-20", "rectification": "恢复墙体"})
    assert response.status_code == 302
    page = client.get(violation.get_absolute_url())
    violation.refresh_from_db()
    assert violation.status == Violation.Status.RECTIFIED
    assert not page.context["overdue"]
    assert not page.context["can_rectify"]
    assert len(page.context["record_events"]) == 2


def test_rectifying_twice_is_refused_with_a_message(client):
    dossier, _section = occupied_dossier()
    violation = services.violation_record(
        dossier=dossier, data={**FOUND, "occurred_on": TODAY}, actor=front_desk()
    )
    services.violation_rectify(
        violation=violation, rectified_on=TODAY, rectification="x", actor=front_desk()
    )
    client.force_login(front_desk())
    response = client.post(
        reverse("records:violation_rectify", args=[violation.pk]),
        {"rectified_on": "2026-05-20", "rectification": "again"},
    )
    assert response.status_code == 302
    assert _messages(response)


def test_the_renovation_page_takes_the_same_queries_however_many_inspections(client):
    renovation = in_progress()
    inspection(renovation)
    client.force_login(front_desk())
    with CaptureQueriesContext(connection) as few:
        client.get(renovation.get_absolute_url())
    for _ in range(5):
        inspection(renovation, result="issues", violation=FOUND)
    with CaptureQueriesContext(connection) as many:
        response = client.get(renovation.get_absolute_url())
    assert len(response.context["inspections"]) == 6
    assert len(many) == len(few)


def test_readers_cannot_make_moves_and_outsiders_do_not_find_the_record(client):
    renovation = approved()
    dossier = renovation.dossier
    violation = services.violation_record(
        dossier=dossier, data={**FOUND, "occurred_on": TODAY}, actor=front_desk()
    )
    start = reverse("records:renovation_start", args=[renovation.pk])
    rectify = reverse("records:violation_rectify", args=[violation.pk])
    moves = {start: {"started_on": "2026-05-18"}, rectify: {"rectified_on": "2026-05-20"}}
    client.force_login(user_with_role(Role.ARCHIVIST))
    for url, data in moves.items():
        assert client.post(url, data).status_code == 403
    client.force_login(user_with_role(Role.WITNESS))
    for url, data in moves.items():
        assert client.post(url, data).status_code == 404
    renovation.refresh_from_db()
    violation.refresh_from_db()
    assert (renovation.status, violation.status) == (Status.APPROVED, Violation.Status.OPEN)
