"""The repair, letter and application pages and the approvals inbox: forms keep what was typed
and say what is wrong beside the field, refusals are explained, buttons only for those who may
press them, and the inbox costs the same number of queries however full it is."""

import datetime
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Notification
from core.roles import Role
from customers.permissions import grant_dossier
from records.models import Application, Correspondence, Deposit, Renovation, Repair
from records.repairs import services as repairs
from tests.factories import user_with_role

from .factories import (
    closed,
    completed,
    front_desk,
    letter,
    manager,
    occupied_dossier,
    ordered,
    reported,
    submitted,
    waiting_deposit,
    waiting_renovation,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 5, 20, 10, tzinfo=SHANGHAI)


pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Repairs -------------------------------------------------------------------------------------
def test_the_repair_form_records_the_request(client):
    dossier, section = occupied_dossier()
    client.force_login(front_desk())
    url = reverse("records:repair_add", args=[dossier.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["reported_by_name"].initial == section.customer.name
    response = client.post(
        url,
        {
            "reported_by_name": "王先生",
            "reported_at": "2026-05-20T08:30",
            "location": "卫生间",
            "description": "马桶水箱漏水",
        },
    )
    repair = Repair.objects.get()
    assert response.status_code == 302
    assert response.url == repair.get_absolute_url()
    assert repair.reported_at == datetime.datetime(2026, 5, 20, 8, 30, tzinfo=SHANGHAI)


def test_the_repair_form_says_what_is_wrong_beside_the_field_and_keeps_the_input(client):
    dossier, _section = occupied_dossier()
    client.force_login(front_desk())
    response = client.post(
        reverse("records:repair_add", args=[dossier.pk]),
        {
            "reported_by_name": "王先生",
            "reported_at": "2026-05-21T08:30",
            "location": "",
            "description": "马桶水箱漏水",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"reported_at", "location"}
    assert "马桶水箱漏水" in response.content.decode()
    assert not Repair.objects.exists()


def test_the_repair_page_offers_each_step_in_turn_to_the_front_desk(client):
    desk = front_desk()
    client.force_login(desk)
    repair = reported()
    url = repair.get_absolute_url()
    page = client.get(url).content.decode()
    assert 'data-testid="order-form"' in page and "WX20260520-001" in page
    assert 'data-testid="attachments"' in page  # the documents panel of the record side

    response = client.post(
        reverse("records:repair_order", args=[repair.pk]), {"assigned_to": "李师傅"}
    )
    assert response.status_code == 302
    repair.refresh_from_db()
    assert repair.work_order_number == "WX20260520-001"
    assert 'data-testid="complete-form"' in client.get(url).content.decode()

    client.post(
        reverse("records:repair_complete", args=[repair.pk]),
        {"completed_at": "2026-05-20T09:40", "work_done": "更换进水阀", "cost": "35"},
    )
    repair.refresh_from_db()
    assert repair.status == Repair.Status.COMPLETED
    page = client.get(url).content.decode()
    assert 'data-testid="feedback-form"' in page and 'data-testid="return-visit"' in page

    client.post(
        reverse("records:repair_feedback", args=[repair.pk]),
        {"satisfaction": "5", "feedback": "很满意"},
    )
    repair.refresh_from_db()
    assert (repair.status, repair.locked, repair.satisfaction) == (Repair.Status.CLOSED, True, 5)
    page = client.get(url).content.decode()
    for step in ("order-form", "complete-form", "feedback-form"):
        assert f'data-testid="{step}"' not in page
    assert 'data-testid="locked"' in page and "很满意" in page


def test_a_step_form_with_errors_is_shown_again_on_the_page(client):
    client.force_login(front_desk())
    repair = ordered()
    response = client.post(
        reverse("records:repair_complete", args=[repair.pk]),
        {"completed_at": "2026-05-20T09:40", "work_done": "", "cost": "-5"},
    )
    assert response.status_code == 200
    assert set(response.context["step_form"].errors) == {"work_done", "cost"}
    assert 'data-testid="complete-form"' in response.content.decode()
    repair.refresh_from_db()
    assert repair.status == Repair.Status.ORDERED


def test_a_typed_work_order_number_already_used_is_said_beside_the_field(client):
    ordered(work_order_number="WX-7")
    repair = reported()
    client.force_login(front_desk())
    response = client.post(
        reverse("records:repair_order", args=[repair.pk]),
        {"assigned_to": "李师傅", "work_order_number": "wx-7"},
    )
    assert response.status_code == 200
    assert "work_order_number" in response.context["step_form"].errors
    assert "李师傅" in response.content.decode()


def test_a_step_no_longer_open_is_refused_with_a_message(client):
    client.force_login(front_desk())
    repair = closed()
    response = client.post(
        reverse("records:repair_order", args=[repair.pk]), {"assigned_to": "李师傅"}
    )
    assert response.status_code == 302
    assert _messages(response)
    repair.refresh_from_db()
    assert repair.status == Repair.Status.CLOSED


@pytest.mark.parametrize("name", ["repair_order", "repair_complete", "repair_feedback"])
def test_the_repair_steps_are_post_only_and_refused_to_readers(client, name):
    repair = completed()
    url = reverse(f"records:{name}", args=[repair.pk])
    client.force_login(front_desk())
    assert client.get(url).status_code == 405
    client.force_login(user_with_role(Role.ARCHIVIST))
    assert client.post(url, {"satisfaction": "5"}).status_code == 403
    repair.refresh_from_db()
    assert repair.status == Repair.Status.COMPLETED


def test_a_reader_sees_the_repair_without_any_step(client):
    repair = reported()
    client.force_login(user_with_role(Role.ARCHIVIST))
    page = client.get(repair.get_absolute_url()).content.decode()
    assert "order-form" not in page and 'return-visit"' not in page


# --- Correspondence ------------------------------------------------------------------------------
def test_the_reply_form_starts_from_the_letter_it_answers(client):
    dossier, _section = occupied_dossier()
    received = letter(dossier)
    client.force_login(front_desk())
    url = reverse("records:letter_add", args=[dossier.pk])
    page = client.get(url, {"reply_to": received.pk})
    form = page.context["form"]
    assert form.initial["in_reply_to"] == received.pk
    assert form.initial["direction"] == Correspondence.Direction.OUTGOING
    assert form.initial["counterpart"] == "王先生"
    response = client.post(
        url,
        {
            "direction": "out",
            "dated": "2026-05-15",
            "reference": "FH-2026-009",
            "counterpart": "王先生",
            "subject": "复：车位",
            "summary": "",
            "in_reply_to": received.pk,
        },
    )
    reply = Correspondence.objects.get(in_reply_to=received)
    assert response.url == reply.get_absolute_url()


def test_a_letter_of_another_dossier_cannot_be_answered(client):
    elsewhere = letter()
    dossier, _section = occupied_dossier()
    client.force_login(front_desk())
    response = client.post(
        reverse("records:letter_add", args=[dossier.pk]),
        {
            "direction": "out",
            "dated": "2026-05-15",
            "counterpart": "王先生",
            "subject": "复：车位",
            "in_reply_to": elsewhere.pk,
        },
    )
    assert response.status_code == 200
    assert "in_reply_to" in response.context["form"].errors
    assert not Correspondence.objects.filter(dossier=dossier).exists()


def test_the_letter_page_shows_the_letter_it_answers_and_its_replies(client):
    dossier, _section = occupied_dossier()
    received = letter(dossier)
    answer = letter(
        dossier,
        direction="out",
        dated=datetime.date(2026, 5, 15),
        subject="复：关于地下车位的来函",
        in_reply_to=received,
    )
    client.force_login(user_with_role(Role.ARCHIVIST))
    page = client.get(received.get_absolute_url()).content.decode()
    assert answer.get_absolute_url() in page
    assert 'data-testid="reply"' not in page  # an archivist records nothing
    page = client.get(answer.get_absolute_url()).content.decode()
    assert received.get_absolute_url() in page
    assert 'data-testid="attachments"' in page


# --- Applications --------------------------------------------------------------------------------
def application_form(**overrides):
    return {
        "kind": "overtime",
        "applicant": "王先生",
        "applied_on": "2026-05-18",
        "details": "周六加班装修，08:00–18:00",
        "valid_from": "",
        "valid_until": "",
        **overrides,
    }


def test_overtime_without_validity_is_refused_beside_the_fields__R5(client):
    dossier, _section = occupied_dossier()
    client.force_login(front_desk())
    url = reverse("records:application_add", args=[dossier.pk])
    page = client.get(url).content.decode()
    assert "Required for overtime work" in page or "加班" in page  # said next to the field
    response = client.post(url, application_form())
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"valid_from", "valid_until"}
    assert "周六加班装修" in response.content.decode()
    assert not Application.objects.exists()
    response = client.post(url, application_form(valid_from="2026-05-23", valid_until="2026-05-23"))
    assert response.status_code == 302
    assert Application.objects.get().status == Application.Status.SUBMITTED


def test_a_manager_decides_from_the_page_and_the_front_desk_cannot(client):
    recorder = front_desk()
    application = submitted(actor=recorder)
    url = application.get_absolute_url()
    decide = reverse("records:application_decide", args=[application.pk])

    client.force_login(recorder)
    page = client.get(url).content.decode()
    assert "decide-form" not in page and 'data-testid="withdraw-form"' in page
    assert client.post(decide, {"decision": "approve"}).status_code == 403

    client.force_login(manager())
    page = client.get(url).content.decode()
    assert 'data-testid="decide-form"' in page and "withdraw-form" not in page
    response = client.post(decide, {"decision": "reject", "note": ""})
    assert response.status_code == 200
    assert "note" in response.context["decide_form"].errors
    response = client.post(decide, {"decision": "reject", "note": "资料不全"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert Notification.objects.filter(recipient=recorder, link=url).exists()
    page = client.get(url).content.decode()
    assert "资料不全" in page and "decide-form" not in page


def test_the_manager_who_recorded_it_is_told_another_decides(client):
    boss = manager()
    application = submitted(actor=boss)
    client.force_login(boss)
    page = client.get(application.get_absolute_url()).content.decode()
    assert 'data-testid="decides-elsewhere"' in page and "decide-form" not in page
    response = client.post(
        reverse("records:application_decide", args=[application.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    assert _messages(response)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_the_recorder_withdraws_from_the_page(client):
    recorder = front_desk()
    application = submitted(actor=recorder)
    url = reverse("records:application_withdraw", args=[application.pk])
    client.force_login(front_desk())
    response = client.post(url, {"note": ""})
    assert response.status_code == 302 and _messages(response)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    client.force_login(recorder)
    response = client.post(url, {"note": "业主撤回"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert client.get(url).status_code == 405


# --- The approvals inbox -------------------------------------------------------------------------
def _fill(dossiers, start, stop):
    for i in range(start, stop):
        dossier = dossiers[i % len(dossiers)]
        waiting_deposit(dossier, n=i)
        waiting_renovation(dossier)
        submitted(dossier)


def _inbox(client):
    client.get(reverse("records:approval_list"))  # the session's activity is written now
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("records:approval_list"))
    assert response.status_code == 200
    return response, len(queries)


def test_the_inbox_costs_the_same_queries_at_10_and_100_items_a_page_at_a_time(client):
    from ..lazy_loads import forbid_lazy_loads

    dossiers = [occupied_dossier()[0] for _ in range(3)]
    client.force_login(manager())
    _fill(dossiers, 0, 10)
    with forbid_lazy_loads():
        few, few_queries = _inbox(client)
    assert [len(few.context[k]) for k in ("deposits", "renovations", "applications")] == [10] * 3
    _fill(dossiers, 10, 100)
    with forbid_lazy_loads():
        many, many_queries = _inbox(client)
    assert [len(many.context[k]) for k in ("deposits", "renovations", "applications")] == [25] * 3
    assert many.context["total"] == 300
    assert many_queries == few_queries <= 15
    page = many.content.decode()
    assert page.count('data-testid="count">100<') == 3
    assert "renovations_page=2" in page
    # the last page of one section, the others' first pages kept
    last = client.get(reverse("records:approval_list"), {"renovations_page": 4})
    assert len(last.context["renovations"]) == 25 and len(last.context["deposits"]) == 25
    oldest = list(
        Renovation.objects.filter(status=Renovation.Status.APPLIED).order_by("applied_on", "pk")
    )
    assert last.context["renovations"] == oldest[75:]


def test_the_inbox_links_each_item_and_counts_each_section(client):
    dossier, _section = occupied_dossier()
    deposit = waiting_deposit(dossier, status=Deposit.Status.FORFEIT_REQUESTED)
    renovation = waiting_renovation(dossier)
    boss = manager()
    mine = submitted(dossier, boss)
    client.force_login(boss)
    page = client.get(reverse("records:approval_list")).content.decode()
    for record in (deposit, renovation, mine):
        assert record.get_absolute_url() in page
    assert page.count('data-testid="count">1<') == 3
    assert 'data-testid="own"' in page  # the application the manager recorded


def test_the_inbox_hides_the_dossiers_a_user_may_not_see(client):
    secret, _section = occupied_dossier(secrecy="B")
    recorder = front_desk()
    grant_dossier(recorder, secret)
    application = submitted(secret, recorder)
    client.force_login(front_desk())
    response = client.get(reverse("records:approval_list"))
    assert response.context["applications"] == []
    assert application.get_absolute_url() not in response.content.decode()
    client.force_login(recorder)
    assert client.get(reverse("records:approval_list")).context["applications"] == [application]


def test_the_inbox_is_refused_without_the_permission(client):
    client.force_login(user_with_role(Role.WITNESS))
    assert client.get(reverse("records:approval_list")).status_code == 403


def test_the_next_work_order_number_is_shown_with_the_form(client):
    ordered()
    repair = reported()
    client.force_login(front_desk())
    response = client.get(repair.get_absolute_url())
    assert response.context["next_work_order"] == repairs.next_work_order_number(NOW.date())
    assert "WX20260520-002" in response.content.decode()
