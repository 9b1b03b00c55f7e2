"""The complaint pages (R42, R43): intake form, detail with the five clears, the moves, the
list."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Notification
from core.roles import Role
from customers import permissions as customer_permissions
from records.complaints import services as complaints
from records.complaints.selectors import complaint_list
from records.models import Complaint

from ..factories import user_with_role
from .factories import COMPLAINTS_NOW as NOW
from .factories import COMPLAINTS_TODAY as TODAY
from .factories import (
    fill_steps,
    front_desk,
    manager,
    occupied_dossier,
    ready_to_close,
    record_complaint,
    return_visit,
)

Status = Complaint.Status

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]


@pytest.fixture
def dossier():
    return occupied_dossier()[0]


def _form(**overrides):
    return {
        "complainant": "李女士",
        "channel": Complaint.Channel.PHONE,
        "category": Complaint.Category.CLEANING,
        "received_at": "2026-03-10T09:30",
        "subject": "楼道垃圾未清运",
        "heard": "三天未清运，气味很大",
        "households": "1",
        "other_dossiers": "",
        **overrides,
    }


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Intake ---------------------------------------------------------------------------------
def test_intake_page_records_the_complaint(client, desk, dossier):
    url = reverse("records:complaint_add", args=[dossier.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, _form())

    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == complaint.get_absolute_url()
    assert complaint.received_at == datetime.datetime(2026, 3, 10, 1, 30, tzinfo=datetime.UTC)
    assert (complaint.dossier, complaint.recorded_by, complaint.is_major) == (dossier, desk, False)


def test_intake_page_keeps_the_input_and_says_what_is_missing__R42(client, desk, dossier):
    response = client.post(
        reverse("records:complaint_add", args=[dossier.pk]), _form(heard="", households="0")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "heard" in errors and "households" in errors
    assert "楼道垃圾未清运" in response.content.decode()
    assert not Complaint.objects.exists()


def test_intake_page_refuses_a_future_time(client, desk, dossier):
    response = client.post(
        reverse("records:complaint_add", args=[dossier.pk]), _form(received_at="2026-03-11T09:00")
    )
    assert "received_at" in response.context["form"].errors


def test_intake_page_letter_is_written__R42(client, desk, dossier):
    client.post(
        reverse("records:complaint_add", args=[dossier.pk]),
        _form(channel=Complaint.Channel.LETTER),
    )
    assert Complaint.objects.get().is_written


def test_intake_page_checks_the_other_dossiers(client, desk, dossier):
    url = reverse("records:complaint_add", args=[dossier.pk])
    hidden = occupied_dossier(secrecy="B")[0]
    for typed in ("NO-SUCH-1", hidden.archive_number, dossier.archive_number):
        response = client.post(url, _form(other_dossiers=typed))
        assert "other_dossiers" in response.context["form"].errors, typed
        assert typed in response.content.decode()
    assert not Complaint.objects.exists()


def test_intake_page_collective_complaint_needs_every_household__R42(
    client, desk, dossier, django_capture_on_commit_callbacks
):
    url = reverse("records:complaint_add", args=[dossier.pk])
    first, second = occupied_dossier()[0], occupied_dossier()[0]
    boss = manager()
    client.cookies["django_language"] = "en"  # the messages read as the code writes them

    refused = client.post(url, _form(households="3", other_dossiers=first.archive_number))
    assert "other_dossiers" in refused.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            _form(
                households="3", other_dossiers=f"{first.archive_number}、{second.archive_number}"
            ),
        )

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert complaint.is_major and set(complaint.other_dossiers.all()) == {first, second}
    assert Notification.objects.filter(recipient=boss, link=complaint.get_absolute_url()).exists()
    assert any("Major complaint: every manager has been told" in m for m in _messages(response))


def test_intake_page_denied_to_readers(client, dossier):
    client.force_login(user_with_role(Role.ARCHIVIST))
    response = client.post(reverse("records:complaint_add", args=[dossier.pk]), _form())
    assert response.status_code == 403
    assert not Complaint.objects.exists()


# --- Detail and moves -----------------------------------------------------------------------
def test_detail_page_shows_the_five_clears_and_the_actions(client, desk, dossier):
    complaint = record_complaint(dossier, desk, subject="电梯异响")
    response = client.get(complaint.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="five-clears"' in page and 'data-testid="step-form"' in page
    assert response.context["steps_done"] == 1
    assert 'data-testid="mark-handled"' in page and 'data-testid="reply-form"' not in page
    assert 'data-testid="complaint-report"' in page
    assert len(response.context["blockers"]) == 3  # clears, handled, return visit


def test_detail_page_of_a_written_complaint_offers_the_reply(client, desk, dossier):
    complaint = record_complaint(dossier, desk, is_written=True)
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert 'data-testid="reply-form"' in page and 'data-testid="mark-handled"' not in page


def test_detail_page_is_read_only_for_readers(client, dossier):
    complaint = record_complaint(dossier, front_desk())
    client.force_login(user_with_role(Role.EXECUTIVE))
    page = client.get(complaint.get_absolute_url()).content.decode()
    for action in ("step-form", "complaint-report", "complaint-close", "add-return-visit"):
        assert f'data-testid="{action}"' not in page


def test_step_page_adds_the_step(client, desk, dossier):
    complaint = record_complaint(dossier, desk)
    response = client.post(
        reverse("records:complaint_step", args=[complaint.pk]),
        {"step": "asked", "note": "确认是3栋垃圾房"},
    )
    complaint.refresh_from_db()
    assert response.status_code == 302 and complaint.asked == "确认是3栋垃圾房"


def test_step_page_shows_errors_on_the_detail_page(client, desk, dossier):
    complaint = record_complaint(dossier, desk)
    response = client.post(
        reverse("records:complaint_step", args=[complaint.pk]), {"step": "asked", "note": ""}
    )
    assert response.status_code == 200
    assert "note" in response.context["step_form"].errors
    assert complaint.steps.count() == 1


def test_step_page_denied_to_readers(client, dossier):
    complaint = record_complaint(dossier, front_desk())
    client.force_login(user_with_role(Role.ARCHIVIST))
    response = client.post(
        reverse("records:complaint_step", args=[complaint.pk]), {"step": "asked", "note": "x"}
    )
    assert response.status_code == 403


def test_reply_page_records_the_written_reply__R42(client, desk, dossier):
    complaint = record_complaint(dossier, desk, is_written=True)
    url = reverse("records:complaint_reply", args=[complaint.pk])

    refused = client.post(url, {"written_reply": "答复", "replied_on": "2026-03-20"})
    assert "replied_on" in refused.context["reply_form"].errors
    response = client.post(
        url,
        {"written_reply": "已责令整改", "replied_on": "2026-03-10", "reply_reference": "HF-9"},
    )

    complaint.refresh_from_db()
    assert response.status_code == 302
    assert (complaint.status, complaint.reply_reference) == (Status.REPLIED, "HF-9")


def test_reply_page_marks_a_spoken_complaint_handled_after_the_follow_up(client, desk, dossier):
    complaint = record_complaint(dossier, desk)
    url = reverse("records:complaint_reply", args=[complaint.pk])
    client.cookies["django_language"] = "en"

    refused = client.post(url)
    assert any("Record the follow-up" in m for m in _messages(refused))
    complaints.complaint_step(complaint=complaint, step="followed", note="已清运", actor=desk)
    client.post(url)

    complaint.refresh_from_db()
    assert complaint.status == Status.REPLIED


def test_report_page_tells_the_managers__R42(client, desk, dossier):
    boss = manager()
    complaint = record_complaint(dossier, desk)
    response = client.post(reverse("records:complaint_report", args=[complaint.pk]))
    complaint.refresh_from_db()
    assert response.status_code == 302 and complaint.reported_at == NOW
    assert Notification.objects.filter(recipient=boss, link=complaint.get_absolute_url()).exists()


def test_close_page_says_what_is_missing__R42__R43(client, desk, dossier):
    complaint = fill_steps(record_complaint(dossier, desk, is_written=True), desk)
    response = client.post(reverse("records:complaint_close", args=[complaint.pk]))
    message = " ".join(_messages(response))
    assert ("written reply" in message or "书面回复" in message) and (
        "return visit" in message or "回访" in message
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.OPEN


def test_close_page_closes(client, desk, dossier):
    complaint = ready_to_close(dossier, desk)
    response = client.post(reverse("records:complaint_close", args=[complaint.pk]))
    complaint.refresh_from_db()
    assert response.status_code == 302 and complaint.status == Status.CLOSED
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert 'data-testid="step-form"' not in page and 'data-testid="complaint-close"' not in page


# --- The list -------------------------------------------------------------------------------
def test_list_shows_progress_and_filters(client, desk, dossier):
    major = record_complaint(
        dossier, desk, category=Complaint.Category.FLOODING, subject="水淹车库"
    )
    letter = record_complaint(
        dossier,
        desk,
        channel=Complaint.Channel.LETTER,
        subject="物业费有误",
        received_at=NOW - datetime.timedelta(days=40),
    )
    handled = ready_to_close(dossier, desk, subject="已处理")
    url = reverse("records:complaint_list")

    rows = {c.pk: c for c in client.get(url).context["page_obj"]}
    assert set(rows) == {major.pk, letter.pk, handled.pk}
    assert (rows[handled.pk].steps_done, rows[handled.pk].has_return_visit) == (5, True)
    assert (rows[major.pk].steps_done, rows[major.pk].has_return_visit) == (1, False)

    def pks(**query):
        return {c.pk for c in client.get(url, query).context["page_obj"]}

    assert pks(major="on") == {major.pk}
    assert pks(channel="letter") == {letter.pk}
    assert pks(status="replied") == {handled.pk}
    assert pks(month="2026-01") == {letter.pk}
    assert pks(month="2026-03") == {major.pk, handled.pk}
    bad = client.get(url, {"month": "March"})
    assert bad.status_code == 200 and "month" in bad.context["form"].errors


def test_list_only_shows_what_one_may_see(client, desk, dossier):
    hidden = occupied_dossier(secrecy="B")[0]
    granted = front_desk()
    customer_permissions.grant_dossier(granted, hidden)
    secret = record_complaint(hidden, granted, subject="保密投诉")
    shared = record_complaint(hidden, granted, subject="集体投诉", other_dossiers=[dossier])

    page = client.get(reverse("records:complaint_list")).content.decode()

    assert "保密投诉" not in page and "集体投诉" in page
    assert client.get(secret.get_absolute_url()).status_code == 404
    assert client.get(shared.get_absolute_url()).status_code == 200


def _list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("records:complaint_list")).status_code == 200
    return len(ctx.captured_queries)


def test_list_uses_a_constant_number_of_queries(client, desk, dossier):
    neighbour = occupied_dossier()[0]

    def add(n):
        for i in range(n):
            complaint = record_complaint(dossier, desk, other_dossiers=[neighbour] if i % 2 else [])
            if i % 3 == 0:
                return_visit(complaint, desk)

    add(2)
    few = _list_queries(client)
    add(18)
    many = _list_queries(client)
    assert few == many


def test_return_visit_shows_on_the_complaint_page__R43(client, desk, dossier):
    complaint = record_complaint(dossier, desk)
    return_visit(complaint, desk, visited_on=TODAY, visited_person="王太太")
    response = client.get(complaint.get_absolute_url())
    assert [v.visited_person for v in response.context["return_visits"]] == ["王太太"]
    assert len(response.context["blockers"]) == 2


def test_a_later_page_is_the_next_rows_of_the_list_cut_by_keys__R17(client, desk, dossier):
    from records.complaints.views import PAGE_SIZE

    hidden = occupied_dossier(secrecy="B")[0]
    granted = front_desk()
    customer_permissions.grant_dossier(granted, hidden)
    made = []
    for i in range(PAGE_SIZE + 4):
        made.append(record_complaint(dossier, desk, subject=f"第{i}件"))
        if i % 7 == 0:
            record_complaint(hidden, granted, subject=f"保密{i}")
    visited = made[1]  # the second oldest: on the second page
    return_visit(visited, desk)
    url = reverse("records:complaint_list")
    first = client.get(url).context["page_obj"]
    second = client.get(url, {"page": 2}).context["page_obj"]
    newest_first = [c.pk for c in sorted(made, key=lambda c: (c.received_at, c.pk), reverse=True)]
    assert [c.pk for c in first] == newest_first[:PAGE_SIZE]
    assert [c.pk for c in second] == newest_first[PAGE_SIZE:]
    assert second.paginator.count == len(made)
    flags = {c.pk: c.has_return_visit for c in second}
    assert flags[visited.pk] is True and sum(flags.values()) == 1


def test_the_complaint_lists_count_reads_an_index_not_the_table__R17(dossier):
    """The count of every complaint the user may see (its dossier's sight, or a collective
    complaint's other dossiers) reads complaint_dossier_key_idx alone: at 100,000 units the
    table's pages were most of the list's time (docs/PERFORMANCE.md)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    record_complaint(dossier, front_desk())
    rows = complaint_list(user=user_with_role(Role.MANAGER))
    count = rows.order_by().values("pk")  # what Paginator.count runs: no annotations, no order
    with connection.cursor() as cursor:  # for this test's transaction
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    plan = count.explain()
    assert "Index Only Scan using complaint_dossier_key_idx on records_complaint" in plan, plan
