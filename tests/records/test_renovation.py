"""Secondary renovation (二装) and violations (违规) in the dossier (R5): every move's allowed
path, its illegal source states and the user refused; the timeline lines and notifications."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied

from core.models import Notification
from core.roles import Role
from core.workflow import DomainError
from customers.models import DossierEvent
from records.models import Deposit, Renovation, RenovationInspection, Violation
from records.renovations import selectors, services
from records.timeline import Kind as RecordKind
from tests.factories import user_with_role

from .factories import (
    FOUND,
    application,
    applied,
    approved,
    front_desk,
    in_progress,
    inspection,
    manager,
    occupied_dossier,
)

Status = Renovation.Status
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


# --- Application ---------------------------------------------------------------------------
def test_an_application_is_held_in_the_dossier_with_its_deposit__R5(
    django_capture_on_commit_callbacks,
):
    dossier, section = occupied_dossier()
    recorder = front_desk()
    deciders = [manager(), user_with_role(Role.MANAGER, email="boss@example.com")]
    with django_capture_on_commit_callbacks(execute=True):
        renovation = services.renovation_apply(
            dossier=dossier,
            data=application(deposit_amount=Decimal("5000.00"), deposit_receipt="YJ-0001"),
            actor=recorder,
        )
    assert renovation.status == Status.APPLIED
    assert (renovation.dossier, renovation.section, renovation.recorded_by) == (
        dossier,
        section,
        recorder,
    )
    deposit = renovation.deposit
    assert deposit.kind == Deposit.Kind.RENOVATION
    assert deposit.status == Deposit.Status.HELD
    assert (deposit.payer, deposit.amount, deposit.receipt_number) == (
        "张伟",
        Decimal("5000.00"),
        "YJ-0001",
    )
    assert deposit.received_on == datetime.date(2026, 5, 10)
    assert (deposit.dossier, deposit.section) == (dossier, section)
    assert len(events(renovation, RecordKind.RENOVATION)) == 1
    [deposit_event] = events(deposit, RecordKind.DEPOSIT)
    assert "YJ-0001" in deposit_event.title
    # every active manager is asked to decide, by inbox and e-mail
    asked = Notification.objects.filter(link=renovation.get_absolute_url())
    notified = set(asked.values_list("recipient_id", flat=True))
    assert {d.pk for d in deciders} <= notified
    assert recorder.pk not in notified
    assert any(m.to == ["boss@example.com"] for m in mail.outbox)
    assert renovation.history.first().history_user == recorder


def test_an_application_without_a_deposit_records_none():
    renovation = applied()
    assert renovation.deposit is None
    assert not Deposit.objects.exists()


def test_a_manager_who_records_an_application_is_not_asked_to_decide_it():
    boss = manager()
    other = manager()
    asked = Notification.objects.filter(link=applied(recorder=boss).get_absolute_url())
    assert not asked.filter(recipient=boss).exists()
    assert asked.filter(recipient=other).exists()


def test_a_receipt_number_already_used_is_refused_and_nothing_is_recorded():
    applied(deposit_amount=Decimal("100"), deposit_receipt="YJ-0001")
    with pytest.raises(DomainError, match="YJ-0001"):
        applied(deposit_amount=Decimal("200"), deposit_receipt="YJ-0001")
    assert Renovation.objects.count() == 1
    assert Deposit.objects.count() == 1


def test_an_application_ending_before_it_starts_is_refused():
    with pytest.raises(DomainError):
        applied(planned_end=datetime.date(2026, 5, 1))
    assert not Renovation.objects.exists()


def test_an_archivist_cannot_record_an_application():
    with pytest.raises(PermissionDenied):
        applied(recorder=user_with_role(Role.ARCHIVIST))


def test_a_front_desk_user_who_cannot_see_the_dossier_cannot_record_in_it():
    dossier, _section = occupied_dossier(secrecy="B")
    with pytest.raises(PermissionDenied):
        applied(dossier=dossier)


# --- Decision --------------------------------------------------------------------------------
def test_approval_issues_the_next_permit_number_of_the_year():
    recorder = front_desk()
    first = approved(applied(recorder=recorder))
    second = approved()
    assert first.status == Status.APPROVED
    assert first.permit_number == "ZX-2026-0001"
    assert second.permit_number == "ZX-2026-0002"
    assert first.decided_by is not None and first.decided_at is not None
    assert not first.locked
    [_applied, decided] = events(first, RecordKind.RENOVATION)
    assert "ZX-2026-0001" in decided.title
    note = Notification.objects.filter(recipient=recorder, link=first.get_absolute_url()).get()
    assert "ZX-2026-0001" in note.message


def test_a_manager_may_type_the_permit_number_and_it_stays_unique():
    first = approved(permit_number=" zx-a-17 ")
    assert first.permit_number == "ZX-A-17"
    other = applied()
    with pytest.raises(DomainError, match="ZX-A-17"):
        approved(other, permit_number="ZX-A-17")
    other.refresh_from_db()
    assert other.status == Status.APPLIED
    assert other.permit_number == ""


def test_a_generated_number_taken_at_the_same_moment_is_drawn_again(monkeypatch):
    approved(permit_number="ZX-2026-0001")
    draws = iter(["ZX-2026-0001", "ZX-2026-0002"])  # the first as if drawn before the other
    monkeypatch.setattr(services, "next_permit_number", lambda day: next(draws))
    renovation = approved()
    assert renovation.permit_number == "ZX-2026-0002"
    assert len(events(renovation, RecordKind.RENOVATION)) == 2


def test_numbers_follow_the_highest_of_the_year_and_restart_each_year():
    approved(permit_number="ZX-2026-0041")
    assert services.next_permit_number(TODAY) == "ZX-2026-0042"
    assert services.next_permit_number(datetime.date(2027, 1, 2)) == "ZX-2027-0001"


def test_rejection_needs_a_reason_and_closes_the_application():
    recorder = front_desk()
    renovation = applied(recorder=recorder)
    with pytest.raises(DomainError):
        services.renovation_decide(renovation=renovation, approve=False, actor=manager())
    rejected = services.renovation_decide(
        renovation=renovation, approve=False, note="施工单位无资质", actor=manager()
    )
    assert rejected.status == Status.REJECTED
    assert rejected.locked
    assert rejected.permit_number == ""
    assert rejected.decision_note == "施工单位无资质"
    told = Notification.objects.filter(recipient=recorder, link=renovation.get_absolute_url())
    assert "施工单位无资质" in told.get().message


def test_the_front_desk_cannot_decide():
    renovation = applied()
    with pytest.raises(PermissionDenied):
        services.renovation_decide(renovation=renovation, approve=True, actor=front_desk())
    renovation.refresh_from_db()
    assert renovation.status == Status.APPLIED


def test_the_manager_who_recorded_the_application_cannot_decide_it():
    boss = manager()
    renovation = applied(recorder=boss)
    with pytest.raises(DomainError):
        services.renovation_decide(renovation=renovation, approve=True, actor=boss)
    renovation.refresh_from_db()
    assert renovation.status == Status.APPLIED


@pytest.mark.parametrize("state", ["approved", "rejected", "in_progress"])
def test_a_decided_application_cannot_be_decided_again(state):
    renovation = applied()
    if state == "rejected":
        services.renovation_decide(renovation=renovation, approve=False, note="x", actor=manager())
    elif state == "approved":
        approved(renovation)
    else:
        in_progress(renovation)
    with pytest.raises(DomainError):
        services.renovation_decide(renovation=renovation, approve=True, actor=manager())


# --- Works -----------------------------------------------------------------------------------
def test_approved_works_start():
    renovation = approved()
    started = services.renovation_start(
        renovation=renovation, started_on=datetime.date(2026, 5, 16), actor=front_desk()
    )
    assert started.status == Status.IN_PROGRESS
    assert started.started_on == datetime.date(2026, 5, 16)
    assert events(started, RecordKind.RENOVATION)[-1].occurred_on == datetime.date(2026, 5, 16)


@pytest.mark.parametrize("state", ["applied", "in_progress"])
def test_works_start_only_once_approved(state):
    renovation = applied() if state == "applied" else in_progress()
    with pytest.raises(DomainError):
        services.renovation_start(renovation=renovation, started_on=TODAY, actor=front_desk())


def test_works_do_not_start_in_the_future_nor_before_the_application():
    renovation = approved()
    for day in (TODAY + datetime.timedelta(days=1), datetime.date(2026, 5, 1)):
        with pytest.raises(DomainError):
            services.renovation_start(renovation=renovation, started_on=day, actor=front_desk())


def test_an_archivist_cannot_start_the_works():
    with pytest.raises(PermissionDenied):
        services.renovation_start(
            renovation=approved(), started_on=TODAY, actor=user_with_role(Role.ARCHIVIST)
        )


# --- Inspections -----------------------------------------------------------------------------
def test_an_inspection_is_recorded_on_the_renovation():
    renovation = in_progress()
    done, violation = inspection(renovation)
    assert violation is None
    assert done.renovation == renovation
    assert done.result == RenovationInspection.Result.PASSED
    assert done.dossier == renovation.dossier
    assert "李工" in events(renovation, RecordKind.RENOVATION)[-1].title


def test_an_inspection_that_finds_problems_records_the_violation_with_it__R5():
    renovation = in_progress()
    done, violation = inspection(renovation, result="issues", violation=FOUND)
    assert done.result == RenovationInspection.Result.ISSUES
    assert violation.renovation == renovation
    assert violation.status == Violation.Status.OPEN
    assert violation.occurred_on == done.inspected_on
    assert (violation.category, violation.notice_number, violation.rectify_by) == (
        Violation.Category.STRUCTURE,
        "ZG-2026-007",
        datetime.date(2026, 6, 1),
    )
    assert len(events(violation, RecordKind.VIOLATION)) == 1


def test_a_violation_is_recorded_only_when_problems_were_found():
    with pytest.raises(DomainError):
        inspection(in_progress(), result="passed", violation=FOUND)
    assert not RenovationInspection.objects.exists()
    assert not Violation.objects.exists()


@pytest.mark.parametrize("state", ["applied", "approved"])
def test_inspections_are_recorded_only_during_the_works(state):
    renovation = applied() if state == "applied" else approved()
    with pytest.raises(DomainError):
        inspection(renovation)


def test_an_archivist_cannot_record_an_inspection():
    with pytest.raises(PermissionDenied):
        inspection(in_progress(), actor=user_with_role(Role.ARCHIVIST))


# --- Acceptance ------------------------------------------------------------------------------
def test_works_are_accepted_and_the_renovation_locked():
    renovation = in_progress()
    boss = manager()
    accepted = services.renovation_accept(
        renovation=renovation, accepted_on=TODAY, note="验收合格", actor=boss
    )
    assert accepted.status == Status.ACCEPTED
    assert (accepted.accepted_on, accepted.accepted_by) == (TODAY, boss)
    assert accepted.locked
    last = events(accepted, RecordKind.RENOVATION)[-1]
    assert last.detail == "验收合格"


def test_acceptance_is_refused_while_a_linked_violation_is_open_and_says_which__R5():
    renovation = in_progress()
    _done, violation = inspection(renovation, result="issues", violation=FOUND)
    with pytest.raises(DomainError, match="ZG-2026-007"):
        services.renovation_accept(renovation=renovation, accepted_on=TODAY, actor=manager())
    renovation.refresh_from_db()
    assert renovation.status == Status.IN_PROGRESS
    services.violation_rectify(
        violation=violation, rectified_on=TODAY, rectification="恢复墙体", actor=front_desk()
    )
    accepted = services.renovation_accept(renovation=renovation, accepted_on=TODAY, actor=manager())
    assert accepted.status == Status.ACCEPTED


def test_a_violation_of_the_dossier_not_linked_to_the_works_does_not_block_acceptance():
    renovation = in_progress()
    services.violation_record(
        dossier=renovation.dossier,
        data={**FOUND, "category": "noise", "occurred_on": TODAY},
        actor=front_desk(),
    )
    accepted = services.renovation_accept(renovation=renovation, accepted_on=TODAY, actor=manager())
    assert accepted.status == Status.ACCEPTED


@pytest.mark.parametrize("state", ["applied", "approved"])
def test_acceptance_is_refused_before_the_works_started(state):
    renovation = applied() if state == "applied" else approved()
    with pytest.raises(DomainError) as refused:
        services.renovation_accept(renovation=renovation, accepted_on=TODAY, actor=manager())
    assert str(refused.value) == services.acceptance_blockers(renovation)
    renovation.refresh_from_db()
    assert renovation.status == state


def test_accepted_works_cannot_be_accepted_again():
    renovation = in_progress()
    services.renovation_accept(renovation=renovation, accepted_on=TODAY, actor=manager())
    with pytest.raises(DomainError):
        services.renovation_accept(renovation=renovation, accepted_on=TODAY, actor=manager())


def test_the_front_desk_cannot_accept_the_works():
    renovation = in_progress()
    with pytest.raises(PermissionDenied):
        services.renovation_accept(renovation=renovation, accepted_on=TODAY, actor=front_desk())


def test_acceptance_not_before_the_works_started():
    with pytest.raises(DomainError):
        services.renovation_accept(
            renovation=in_progress(), accepted_on=datetime.date(2026, 5, 1), actor=manager()
        )


# --- Violations ------------------------------------------------------------------------------
def test_a_violation_is_recorded_in_any_dossier__R5():
    dossier, section = occupied_dossier()
    actor = front_desk()
    violation = services.violation_record(
        dossier=dossier,
        data={
            "category": Violation.Category.PARKING,
            "occurred_on": datetime.date(2026, 5, 19),
            "description": "占用消防通道停车",
            "notice_number": "ZG-2026-011",
            "rectify_by": datetime.date(2026, 5, 21),
        },
        actor=actor,
    )
    assert (violation.dossier, violation.section, violation.renovation) == (dossier, section, None)
    assert violation.status == Violation.Status.OPEN
    [event] = events(violation, RecordKind.VIOLATION)
    assert event.occurred_on == datetime.date(2026, 5, 19)
    assert "ZG-2026-011" in event.detail


def test_a_violation_cannot_be_rectified_by_a_date_before_it_was_found():
    dossier, _section = occupied_dossier()
    with pytest.raises(DomainError):
        services.violation_record(
            dossier=dossier,
            data={**FOUND, "occurred_on": TODAY, "rectify_by": datetime.date(2026, 5, 1)},
            actor=front_desk(),
        )
    assert not Violation.objects.exists()


def test_a_violation_is_not_linked_to_a_renovation_of_another_dossier_or_a_closed_one():
    renovation = in_progress()
    other, _section = occupied_dossier()
    data = {**FOUND, "occurred_on": TODAY}
    with pytest.raises(DomainError):
        services.violation_record(
            dossier=other, data=data, renovation=renovation, actor=front_desk()
        )
    services.renovation_accept(renovation=renovation, accepted_on=TODAY, actor=manager())
    with pytest.raises(DomainError):
        services.violation_record(
            dossier=renovation.dossier, data=data, renovation=renovation, actor=front_desk()
        )


def test_an_executive_cannot_record_a_violation():
    dossier, _section = occupied_dossier()
    with pytest.raises(PermissionDenied):
        services.violation_record(
            dossier=dossier,
            data={**FOUND, "occurred_on": TODAY},
            actor=user_with_role(Role.EXECUTIVE),
        )


def test_rectification_closes_and_locks_the_violation():
    dossier, _section = occupied_dossier()
    violation = services.violation_record(
        dossier=dossier, data={**FOUND, "occurred_on": TODAY}, actor=front_desk()
    )
    actor = front_desk()
    done = services.violation_rectify(
        violation=violation, rectified_on=TODAY, rectification="已恢复原状", actor=actor
    )
    assert done.status == Violation.Status.RECTIFIED
    assert (done.rectified_on, done.rectification, done.locked) == (TODAY, "已恢复原状", True)
    assert len(events(done, RecordKind.VIOLATION)) == 2
    assert done.history.first().history_user == actor
    with pytest.raises(DomainError):
        services.violation_rectify(
            violation=done, rectified_on=TODAY, rectification="再次", actor=front_desk()
        )


def test_rectification_says_what_was_done_and_not_before_it_was_found():
    dossier, _section = occupied_dossier()
    violation = services.violation_record(
        dossier=dossier, data={**FOUND, "occurred_on": TODAY}, actor=front_desk()
    )
    with pytest.raises(DomainError):
        services.violation_rectify(
            violation=violation, rectified_on=TODAY, rectification="  ", actor=front_desk()
        )
    with pytest.raises(DomainError):
        services.violation_rectify(
            violation=violation,
            rectified_on=datetime.date(2026, 5, 1),
            rectification="x",
            actor=front_desk(),
        )
    violation.refresh_from_db()
    assert violation.status == Violation.Status.OPEN


def test_an_archivist_cannot_rectify_a_violation():
    dossier, _section = occupied_dossier()
    violation = services.violation_record(
        dossier=dossier, data={**FOUND, "occurred_on": TODAY}, actor=front_desk()
    )
    with pytest.raises(PermissionDenied):
        services.violation_rectify(
            violation=violation,
            rectified_on=TODAY,
            rectification="x",
            actor=user_with_role(Role.ARCHIVIST),
        )


def test_a_violation_is_overdue_after_its_date_while_open():
    dossier, _section = occupied_dossier()
    violation = services.violation_record(
        dossier=dossier,
        data={**FOUND, "occurred_on": datetime.date(2026, 5, 1), "rectify_by": TODAY},
        actor=front_desk(),
    )
    assert not selectors.is_overdue(violation, TODAY)
    assert selectors.is_overdue(violation, TODAY + datetime.timedelta(days=1))
    violation.rectify_by = None
    assert not selectors.is_overdue(violation, TODAY + datetime.timedelta(days=1))


def test_the_managers_asked_are_only_active_ones():
    sleeper = manager()
    get_user_model().objects.filter(pk=sleeper.pk).update(is_active=False)
    applied()
    assert not Notification.objects.filter(recipient=sleeper).exists()
