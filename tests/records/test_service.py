"""Repairs (报修), correspondence (往来函) and applications held in the dossier (R5): every move's
allowed path, its illegal source states and the user refused; the timeline lines, the
notifications and the approvals inbox."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from core.models import Notification
from core.roles import Role
from customers.models import DossierEvent
from customers.permissions import grant_dossier
from records.applications import services as applications
from records.approvals.selectors import approvals_waiting
from records.common import DomainError
from records.models import Application, Correspondence, Deposit, Renovation, Repair
from records.repairs import services as repairs
from records.timeline import Kind as RecordKind
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
TODAY = NOW.date()


pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]


def events(record, kind):
    return list(
        DossierEvent.objects.filter(
            kind=kind, record_id=record.pk, record_type__model=record._meta.model_name
        ).order_by("pk")
    )


# --- Repairs -------------------------------------------------------------------------------------
def test_a_repair_is_held_in_the_dossier_through_its_four_steps__R5():
    dossier, section = occupied_dossier()
    recorder = front_desk()
    repair = reported(dossier, recorder)
    assert repair.status == Repair.Status.REPORTED
    assert (repair.dossier, repair.section, repair.recorded_by) == (dossier, section, recorder)
    assert repair.history.first().history_user == recorder

    repair = ordered(repair)
    assert repair.status == Repair.Status.ORDERED
    assert repair.work_order_number == "WX20260520-001"
    assert repair.assigned_to == "李师傅"
    assert repair.ordered_at == NOW

    repair = completed(repair, cost=Decimal("80.00"))
    assert repair.status == Repair.Status.COMPLETED
    assert repair.cost == Decimal("80.00")
    assert not repair.locked

    repair = closed(repair, satisfaction=4)
    repair.refresh_from_db()
    assert repair.status == Repair.Status.CLOSED
    assert repair.satisfaction == 4
    assert repair.feedback == "维修及时"
    assert repair.locked

    lines = events(repair, RecordKind.REPAIR)
    assert len(lines) == 4
    assert "厨房" in lines[0].title
    assert "WX20260520-001" in lines[1].title
    assert "¥80.00" in lines[2].detail
    assert lines[0].occurred_on == TODAY
    assert repair.history.count() == 4


def test_a_repair_reported_in_the_future_is_refused():
    with pytest.raises(DomainError):
        reported(reported_at=NOW + datetime.timedelta(hours=1))
    assert not Repair.objects.exists()


def test_an_archivist_cannot_report_a_repair():
    with pytest.raises(PermissionDenied):
        reported(actor=user_with_role(Role.ARCHIVIST))


def test_a_front_desk_user_who_cannot_see_the_dossier_cannot_report_in_it():
    dossier, _section = occupied_dossier(secrecy="B")
    with pytest.raises(PermissionDenied):
        reported(dossier)
    granted = front_desk()
    grant_dossier(granted, dossier)
    assert reported(dossier, granted).dossier == dossier


def test_work_order_numbers_are_unique_per_day_and_restart_each_day():
    first, second = ordered(), ordered()
    assert (first.work_order_number, second.work_order_number) == (
        "WX20260520-001",
        "WX20260520-002",
    )
    assert repairs.next_work_order_number(TODAY) == "WX20260520-003"
    assert repairs.next_work_order_number(TODAY + datetime.timedelta(days=1)) == ("WX20260521-001")


def test_a_typed_work_order_number_is_kept_and_never_issued_twice():
    first = ordered(work_order_number=" wx-paper-17 ")
    assert first.work_order_number == "WX-PAPER-17"
    other = reported()
    with pytest.raises(DomainError, match="WX-PAPER-17"):
        ordered(other, work_order_number="WX-PAPER-17")
    other.refresh_from_db()
    assert other.status == Repair.Status.REPORTED
    assert other.work_order_number == ""


def test_a_generated_number_taken_at_the_same_moment_is_drawn_again(monkeypatch):
    ordered(work_order_number="WX20260520-001")
    draws = iter(["WX20260520-001", "WX20260520-002"])  # the first as if drawn before the other
    monkeypatch.setattr(repairs, "next_work_order_number", lambda day: next(draws))
    repair = ordered()
    assert repair.work_order_number == "WX20260520-002"
    assert len(events(repair, RecordKind.REPAIR)) == 2


def test_a_work_order_needs_someone_to_do_the_work():
    repair = reported()
    with pytest.raises(DomainError):
        ordered(repair, assigned_to="  ")
    repair.refresh_from_db()
    assert repair.status == Repair.Status.REPORTED


@pytest.mark.parametrize("step", [ordered, completed, closed])
def test_a_work_order_is_issued_only_for_a_reported_repair(step):
    repair = step()
    with pytest.raises(DomainError):
        ordered(repair)
    number = repair.work_order_number
    repair.refresh_from_db()
    assert repair.work_order_number == number


def test_an_archivist_cannot_issue_a_work_order():
    repair = reported()
    with pytest.raises(PermissionDenied):
        repairs.repair_order(
            repair=repair, assigned_to="李师傅", actor=user_with_role(Role.ARCHIVIST)
        )


@pytest.mark.parametrize("step", [reported, completed, closed])
def test_only_an_ordered_repair_is_completed(step):
    repair = step()
    status = repair.status
    with pytest.raises(DomainError):
        completed(repair)
    repair.refresh_from_db()
    assert repair.status == status


def test_completion_needs_the_work_done_a_cost_not_negative_and_a_sensible_time():
    repair = ordered()
    with pytest.raises(DomainError):
        completed(repair, work_done=" ")
    with pytest.raises(DomainError):
        completed(repair, cost=Decimal("-1"))
    with pytest.raises(DomainError):
        completed(repair, completed_at=NOW - datetime.timedelta(days=1))  # before the report
    with pytest.raises(DomainError):
        completed(repair, completed_at=NOW + datetime.timedelta(hours=1))
    repair.refresh_from_db()
    assert repair.status == Repair.Status.ORDERED


def test_an_archivist_cannot_complete_a_repair():
    repair = ordered()
    with pytest.raises(PermissionDenied):
        repairs.repair_complete(
            repair=repair,
            completed_at=NOW,
            work_done="已修复",
            actor=user_with_role(Role.ARCHIVIST),
        )


@pytest.mark.parametrize("step", [reported, ordered, closed])
def test_only_a_completed_repair_is_closed_with_feedback(step):
    repair = step()
    status = repair.status
    with pytest.raises(DomainError):
        closed(repair)
    repair.refresh_from_db()
    assert repair.status == status


@pytest.mark.parametrize("satisfaction", [0, 6, None])
def test_the_satisfaction_is_from_one_to_five(satisfaction):
    repair = completed()
    with pytest.raises(DomainError):
        closed(repair, satisfaction=satisfaction)
    repair.refresh_from_db()
    assert repair.status == Repair.Status.COMPLETED
    assert not repair.locked


def test_an_archivist_cannot_close_a_repair():
    repair = completed()
    with pytest.raises(PermissionDenied):
        repairs.repair_feedback(repair=repair, satisfaction=5, actor=user_with_role(Role.ARCHIVIST))


# --- Correspondence ------------------------------------------------------------------------------
def test_letters_in_and_out_are_held_in_the_dossier_with_their_replies__R5():
    dossier, section = occupied_dossier()
    received = letter(dossier)
    answer = letter(
        dossier,
        direction=Correspondence.Direction.OUTGOING,
        dated=datetime.date(2026, 5, 15),
        reference="FH-2026-009",
        subject="复：关于地下车位的来函",
        in_reply_to=received,
    )
    assert (received.dossier, received.section) == (dossier, section)
    assert list(received.replies.all()) == [answer]
    [line] = events(received, RecordKind.CORRESPONDENCE)
    assert "王先生" in line.title and "LH-2026-031" in line.detail
    assert line.occurred_on == datetime.date(2026, 5, 12)
    [reply_line] = events(answer, RecordKind.CORRESPONDENCE)
    assert "关于地下车位的来函" in reply_line.detail


def test_a_letter_answers_only_a_letter_of_the_same_dossier():
    elsewhere = letter()
    dossier, _section = occupied_dossier()
    with pytest.raises(DomainError):
        letter(dossier, in_reply_to=elsewhere, dated=datetime.date(2026, 5, 15))
    assert Correspondence.objects.filter(dossier=dossier).count() == 0


def test_a_reply_is_not_dated_before_the_letter_it_answers_nor_in_the_future():
    dossier, _section = occupied_dossier()
    received = letter(dossier)
    with pytest.raises(DomainError):
        letter(dossier, in_reply_to=received, dated=datetime.date(2026, 5, 1))
    with pytest.raises(DomainError):
        letter(dossier, dated=TODAY + datetime.timedelta(days=1))
    assert Correspondence.objects.filter(dossier=dossier).count() == 1


def test_an_archivist_cannot_record_a_letter():
    with pytest.raises(PermissionDenied):
        letter(actor=user_with_role(Role.ARCHIVIST))


# --- Applications --------------------------------------------------------------------------------
def test_an_application_is_held_in_the_dossier_and_asks_the_managers__R5(
    django_capture_on_commit_callbacks,
):
    dossier, section = occupied_dossier()
    recorder = front_desk()
    deciders = [manager(), user_with_role(Role.MANAGER, email="boss@example.com")]
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted(dossier, recorder, kind=Application.Kind.NAMEPLATE)
    assert application.status == Application.Status.SUBMITTED
    assert (application.dossier, application.section) == (dossier, section)
    [line] = events(application, RecordKind.APPLICATION)
    assert "王先生" in line.title
    asked = Notification.objects.filter(link=application.get_absolute_url())
    notified = set(asked.values_list("recipient_id", flat=True))
    assert {d.pk for d in deciders} <= notified
    assert recorder.pk not in notified
    assert any(m.to == ["boss@example.com"] for m in mail.outbox)


def test_a_manager_who_records_an_application_is_not_asked_to_decide_it():
    boss, other = manager(), manager()
    asked = Notification.objects.filter(link=submitted(actor=boss).get_absolute_url())
    assert not asked.filter(recipient=boss).exists()
    assert asked.filter(recipient=other).exists()


@pytest.mark.parametrize("kind", [Application.Kind.OVERTIME, Application.Kind.PARKING])
def test_overtime_work_and_a_parking_space_need_their_validity__R5(kind):
    with pytest.raises(DomainError, match="validity|有效期"):
        submitted(kind=kind)
    with pytest.raises(DomainError):
        submitted(kind=kind, valid_from=datetime.date(2026, 5, 20))
    assert not Application.objects.exists()
    application = submitted(
        kind=kind, valid_from=datetime.date(2026, 5, 20), valid_until=datetime.date(2026, 5, 22)
    )
    assert application.valid_until == datetime.date(2026, 5, 22)


def test_other_applications_need_no_validity_but_it_must_not_end_before_it_starts():
    assert submitted(kind=Application.Kind.PHONE).valid_from is None
    with pytest.raises(DomainError):
        submitted(valid_from=datetime.date(2026, 6, 1), valid_until=datetime.date(2026, 5, 1))


def test_an_application_dated_in_the_future_or_without_details_is_refused():
    with pytest.raises(DomainError):
        submitted(applied_on=TODAY + datetime.timedelta(days=1))
    with pytest.raises(DomainError):
        submitted(details="  ")
    assert not Application.objects.exists()


def test_an_archivist_cannot_record_an_application():
    with pytest.raises(PermissionDenied):
        submitted(actor=user_with_role(Role.ARCHIVIST))


def test_a_manager_approves_and_the_recorder_is_told(django_capture_on_commit_callbacks):
    recorder = user_with_role(Role.FRONT_DESK, email="desk@example.com")
    application = submitted(actor=recorder)
    decider = manager()
    with django_capture_on_commit_callbacks(execute=True):
        application = applications.application_decide(
            application=application, approve=True, note="周末施工须报备", actor=decider
        )
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert (application.decided_by, application.decided_at) == (decider, NOW)
    assert application.locked
    told = Notification.objects.get(recipient=recorder, link=application.get_absolute_url())
    assert "approved" in told.message or "批准" in told.message
    assert any(m.to == ["desk@example.com"] for m in mail.outbox)
    [_submitted, decided] = events(application, RecordKind.APPLICATION)
    assert decided.actor == decider and decided.detail == "周末施工须报备"


def test_a_rejection_needs_a_reason_which_the_recorder_is_told():
    recorder = front_desk()
    application = submitted(actor=recorder)
    with pytest.raises(DomainError):
        applications.application_decide(application=application, approve=False, actor=manager())
    application = applications.application_decide(
        application=application, approve=False, note="车位已满", actor=manager()
    )
    assert application.status == Application.Status.REJECTED
    assert application.locked
    told = Notification.objects.get(recipient=recorder, link=application.get_absolute_url())
    assert "车位已满" in told.message


@pytest.mark.parametrize("approve", [True, False])
@pytest.mark.parametrize(
    "status",
    [Application.Status.APPROVED, Application.Status.REJECTED, Application.Status.WITHDRAWN],
)
def test_only_a_submitted_application_is_decided(status, approve):
    application = submitted()
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    with pytest.raises(DomainError):
        applications.application_decide(
            application=application, approve=approve, note="理由", actor=manager()
        )
    application.refresh_from_db()
    assert application.status == status
    assert application.decided_by is None


def test_the_front_desk_cannot_decide():
    application = submitted()
    with pytest.raises(PermissionDenied):
        applications.application_decide(application=application, approve=True, actor=front_desk())
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_the_manager_who_recorded_the_application_cannot_decide_it():
    boss = manager()
    application = submitted(actor=boss)
    with pytest.raises(DomainError):
        applications.application_decide(application=application, approve=True, actor=boss)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_manager_who_cannot_see_the_dossier_cannot_decide():
    dossier, _section = occupied_dossier(secrecy="B")
    recorder = front_desk()
    grant_dossier(recorder, dossier)
    application = submitted(dossier, recorder)
    with pytest.raises(PermissionDenied):
        applications.application_decide(application=application, approve=True, actor=manager())


def test_the_recorder_withdraws_while_it_awaits_a_decision():
    recorder = front_desk()
    application = submitted(actor=recorder)
    application = applications.application_withdraw(
        application=application, note="业主改变主意", actor=recorder
    )
    assert application.status == Application.Status.WITHDRAWN
    assert application.locked
    assert application.decided_by is None
    [_submitted, withdrawn] = events(application, RecordKind.APPLICATION)
    assert withdrawn.detail == "业主改变主意"


def test_nobody_else_withdraws_an_application():
    application = submitted()
    for someone in (front_desk(), manager()):
        with pytest.raises(DomainError):
            applications.application_withdraw(application=application, actor=someone)
    with pytest.raises(PermissionDenied):
        applications.application_withdraw(
            application=application, actor=user_with_role(Role.ARCHIVIST)
        )
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_decided_application_is_not_withdrawn():
    recorder = front_desk()
    application = submitted(actor=recorder)
    applications.application_decide(application=application, approve=True, actor=manager())
    with pytest.raises(DomainError):
        applications.application_withdraw(application=application, actor=recorder)
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED


# --- The approvals inbox -------------------------------------------------------------------------
def test_the_inbox_holds_what_awaits_a_manager_in_the_dossiers_seen():
    dossier, _section = occupied_dossier()
    secret, _section = occupied_dossier(secrecy="B")
    refund = waiting_deposit(dossier)
    forfeit = waiting_deposit(dossier, status=Deposit.Status.FORFEIT_REQUESTED)
    waiting_deposit(dossier, status=Deposit.Status.HELD)
    renovation = waiting_renovation(dossier)
    waiting_renovation(dossier, Renovation.Status.APPROVED)
    application = submitted(dossier)
    withdrawn = submitted(dossier)
    Application.objects.filter(pk=withdrawn.pk).update(status=Application.Status.WITHDRAWN)
    waiting_deposit(secret)
    waiting_renovation(secret)
    submitted(secret, actor=user_with_role(Role.ADMIN, is_superuser=True))

    waiting = approvals_waiting(user=manager())
    assert set(waiting["deposits"]) == {refund, forfeit}
    assert list(waiting["renovations"]) == [renovation]
    assert list(waiting["applications"]) == [application]
    archivist = approvals_waiting(user=user_with_role(Role.ARCHIVIST))
    assert [len(archivist[k]) for k in ("deposits", "renovations", "applications")] == [2, 1, 1]
    granted = front_desk()
    grant_dossier(granted, secret)
    assert len(approvals_waiting(user=granted)["applications"]) == 2
