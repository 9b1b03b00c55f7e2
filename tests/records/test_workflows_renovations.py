"""The renovation and violation moves through core.workflow: an illegal move is refused and
leaves the row as it was; a move made on a stale copy of the row loses to the one made first."""

import datetime
import zoneinfo

import pytest

from core import workflow
from core.workflow import DomainError
from records.models import Renovation, RenovationInspection, Violation
from records.renovations import services

from .factories import front_desk, manager, occupied_dossier

Status = Renovation.Status
NOW = datetime.datetime(2026, 5, 20, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]
STARTED = datetime.date(2026, 5, 16)


def applied(recorder=None):
    data = {
        "applicant": "张伟",
        "applied_on": datetime.date(2026, 5, 10),
        "scope": "厨房改造",
        "contractor": "美家装饰",
        "contractor_licence": "D244030123",
        "planned_start": datetime.date(2026, 5, 15),
        "planned_end": datetime.date(2026, 7, 31),
    }
    dossier = occupied_dossier()[0]
    return services.renovation_apply(dossier=dossier, data=data, actor=recorder or front_desk())


def approved():
    return services.renovation_decide(renovation=applied(), approve=True, actor=manager())


def in_progress():
    return services.renovation_start(renovation=approved(), started_on=STARTED, actor=front_desk())


def copies(record):
    """Two copies of the same row, read before anyone moves it."""
    model = type(record)
    return model.objects.get(pk=record.pk), model.objects.get(pk=record.pk)


def inspect(renovation, actor=None):
    return services.inspection_record(
        renovation=renovation,
        data={"inspected_on": NOW.date(), "inspector": "李工", "result": "passed", "findings": ""},
        actor=actor or front_desk(),
    )


def violation():
    dossier = occupied_dossier()[0]
    return services.violation_record(
        dossier=dossier,
        data={"category": "noise", "occurred_on": STARTED, "description": "夜间施工"},
        actor=front_desk(),
    )


# --- Decide ---------------------------------------------------------------------------------
def test_a_decided_renovation_is_not_decided_again__R5():
    renovation = approved()
    permit = renovation.permit_number
    with pytest.raises(DomainError):
        services.renovation_decide(renovation=renovation, approve=False, note="x", actor=manager())
    renovation.refresh_from_db()
    assert (renovation.status, renovation.permit_number) == (Status.APPROVED, permit)
    assert not renovation.locked


def test_a_decision_on_a_stale_copy_loses_to_the_first__R5():
    first, stale = copies(applied())
    decider = manager()
    services.renovation_decide(renovation=first, approve=True, actor=decider)
    with pytest.raises(DomainError):
        services.renovation_decide(renovation=stale, approve=False, note="太吵", actor=manager())
    first.refresh_from_db()
    assert (first.status, first.decided_by, first.decision_note) == (Status.APPROVED, decider, "")
    assert not first.locked


def test_the_recorder_is_not_offered_the_decision_and_is_refused__R5():
    recorder = manager()
    renovation = applied(recorder)
    assert not {"approve", "reject"} & workflow.allowed_moves(recorder, renovation)
    assert {"approve", "reject"} <= workflow.allowed_moves(manager(), renovation)
    with pytest.raises(DomainError):
        services.renovation_decide(renovation=renovation, approve=True, actor=recorder)
    renovation.refresh_from_db()
    assert renovation.status == Status.APPLIED and renovation.decided_by is None


# --- Start ----------------------------------------------------------------------------------
def test_works_do_not_start_before_the_approval():
    renovation = applied()
    with pytest.raises(DomainError):
        services.renovation_start(renovation=renovation, started_on=STARTED, actor=front_desk())
    renovation.refresh_from_db()
    assert (renovation.status, renovation.started_on) == (Status.APPLIED, None)


def test_a_start_on_a_stale_copy_loses_to_the_first():
    first, stale = copies(approved())
    services.renovation_start(renovation=first, started_on=STARTED, actor=front_desk())
    with pytest.raises(DomainError):
        services.renovation_start(renovation=stale, started_on=NOW.date(), actor=front_desk())
    first.refresh_from_db()
    assert (first.status, first.started_on) == (Status.IN_PROGRESS, STARTED)


def test_the_compare_and_set_refuses_a_stale_copy():
    first, stale = copies(approved())
    actor = front_desk()
    workflow.transition(first, Status.IN_PROGRESS, actor=actor, reason="x", started_on=STARTED)
    with pytest.raises(DomainError):
        workflow.transition(stale, Status.IN_PROGRESS, actor=actor, reason="y", started_on=None)
    first.refresh_from_db()
    assert (first.status, first.started_on) == (Status.IN_PROGRESS, STARTED)
    assert first.history.count() == 3  # applied, approved, started: one row per move


# --- Inspections ----------------------------------------------------------------------------
def test_no_inspection_before_the_works_start():
    renovation = approved()
    assert "inspect" not in workflow.allowed_moves(front_desk(), renovation)
    with pytest.raises(DomainError):
        inspect(renovation)
    assert not RenovationInspection.objects.exists()
    renovation.refresh_from_db()
    assert renovation.status == Status.APPROVED


def test_an_inspection_on_a_stale_copy_of_accepted_works_is_refused__R9():
    first, stale = copies(in_progress())
    services.renovation_accept(renovation=first, accepted_on=NOW.date(), actor=manager())
    with pytest.raises(DomainError):
        inspect(stale)
    assert not RenovationInspection.objects.exists()
    first.refresh_from_db()
    assert (first.status, first.locked) == (Status.ACCEPTED, True)


# --- Accept ---------------------------------------------------------------------------------
def test_works_not_started_are_not_accepted():
    renovation = approved()
    with pytest.raises(DomainError):
        services.renovation_accept(renovation=renovation, accepted_on=NOW.date(), actor=manager())
    renovation.refresh_from_db()
    assert (renovation.status, renovation.accepted_on, renovation.locked) == (
        Status.APPROVED,
        None,
        False,
    )


def test_an_acceptance_on_a_stale_copy_loses_to_the_first__R9():
    first, stale = copies(in_progress())
    boss = manager()
    services.renovation_accept(renovation=first, accepted_on=STARTED, actor=boss)
    with pytest.raises(DomainError):
        services.renovation_accept(renovation=stale, accepted_on=NOW.date(), actor=manager())
    first.refresh_from_db()
    assert (first.status, first.accepted_on, first.accepted_by) == (Status.ACCEPTED, STARTED, boss)
    assert first.locked and first.history.first().locked  # the closing row says it is locked


# --- Violations -----------------------------------------------------------------------------
def test_a_rectified_violation_is_not_rectified_again__R9():
    found = violation()
    services.violation_rectify(
        violation=found, rectified_on=STARTED, rectification="已停工", actor=front_desk()
    )
    found.refresh_from_db()
    with pytest.raises(DomainError):
        services.violation_rectify(
            violation=found, rectified_on=NOW.date(), rectification="再次", actor=front_desk()
        )
    found.refresh_from_db()
    assert (found.status, found.rectification, found.rectified_on) == (
        Violation.Status.RECTIFIED,
        "已停工",
        STARTED,
    )
    assert found.locked


def test_a_rectification_on_a_stale_copy_loses_to_the_first__R9():
    first, stale = copies(violation())
    services.violation_rectify(
        violation=first, rectified_on=STARTED, rectification="已停工", actor=front_desk()
    )
    assert "rectify" in workflow.allowed_moves(front_desk(), stale)  # what the stale page said
    with pytest.raises(DomainError):
        services.violation_rectify(
            violation=stale, rectified_on=NOW.date(), rectification="另一次", actor=front_desk()
        )
    first.refresh_from_db()
    assert (first.status, first.rectification) == (Violation.Status.RECTIFIED, "已停工")
