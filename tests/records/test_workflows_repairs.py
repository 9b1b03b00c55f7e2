"""The repair moves through core.workflow: an illegal move is refused and leaves the row as it
was; a move made on a stale copy of the row loses to the one made first."""

import datetime
import zoneinfo

import pytest

from core import workflow
from core.workflow import DomainError
from records.models import Repair
from records.repairs import services as repairs

from .factories import front_desk, occupied_dossier

NOW = datetime.datetime(2026, 5, 20, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]
Status = Repair.Status


def reported():
    data = {
        "reported_by_name": "王先生",
        "reported_at": NOW - datetime.timedelta(hours=3),
        "location": "厨房",
        "description": "水槽漏水",
    }
    return repairs.repair_report(dossier=occupied_dossier()[0], data=data, actor=front_desk())


def ordered():
    return repairs.repair_order(repair=reported(), assigned_to="李师傅", actor=front_desk())


def completed():
    return repairs.repair_complete(
        repair=ordered(),
        completed_at=NOW - datetime.timedelta(hours=1),
        work_done="更换水管",
        actor=front_desk(),
    )


def copies(record):
    return Repair.objects.get(pk=record.pk), Repair.objects.get(pk=record.pk)


# --- Order ----------------------------------------------------------------------------------
def test_an_ordered_repair_gets_no_second_work_order():
    repair = ordered()
    number = repair.work_order_number
    assert "order" not in workflow.allowed_moves(front_desk(), repair)
    with pytest.raises(DomainError):
        repairs.repair_order(repair=repair, assigned_to="张师傅", actor=front_desk())
    repair.refresh_from_db()
    assert (repair.status, repair.work_order_number, repair.assigned_to) == (
        Status.ORDERED,
        number,
        "李师傅",
    )


def test_a_work_order_on_a_stale_copy_loses_to_the_first():
    first, stale = copies(reported())
    repairs.repair_order(repair=first, assigned_to="李师傅", actor=front_desk())
    with pytest.raises(DomainError):
        repairs.repair_order(
            repair=stale, assigned_to="张师傅", work_order_number="WX-PAPER-1", actor=front_desk()
        )
    first.refresh_from_db()
    assert (first.status, first.assigned_to) == (Status.ORDERED, "李师傅")
    assert first.work_order_number != "WX-PAPER-1"


# --- Complete -------------------------------------------------------------------------------
def test_a_repair_without_its_work_order_is_not_completed():
    repair = reported()
    with pytest.raises(DomainError):
        repairs.repair_complete(
            repair=repair, completed_at=NOW, work_done="更换水管", actor=front_desk()
        )
    repair.refresh_from_db()
    assert (repair.status, repair.completed_at, repair.work_done) == (Status.REPORTED, None, "")


def test_a_completion_on_a_stale_copy_loses_to_the_first():
    first, stale = copies(ordered())
    done = NOW - datetime.timedelta(hours=1)
    repairs.repair_complete(
        repair=first, completed_at=done, work_done="更换水管", actor=front_desk()
    )
    with pytest.raises(DomainError):
        repairs.repair_complete(
            repair=stale, completed_at=NOW, work_done="另修", actor=front_desk()
        )
    first.refresh_from_db()
    assert (first.status, first.completed_at, first.work_done) == (
        Status.COMPLETED,
        done,
        "更换水管",
    )


def test_the_compare_and_set_refuses_a_stale_copy():
    first, stale = copies(ordered())
    actor = front_desk()
    workflow.transition(first, Status.COMPLETED, actor=actor, reason="x", work_done="一")
    with pytest.raises(DomainError):
        workflow.transition(stale, Status.COMPLETED, actor=actor, reason="y", work_done="二")
    first.refresh_from_db()
    assert (first.status, first.work_done) == (Status.COMPLETED, "一")


# --- Feedback -------------------------------------------------------------------------------
def test_feedback_before_the_work_is_done_is_refused():
    repair = ordered()
    with pytest.raises(DomainError):
        repairs.repair_feedback(repair=repair, satisfaction=5, actor=front_desk())
    repair.refresh_from_db()
    assert (repair.status, repair.satisfaction, repair.locked) == (Status.ORDERED, None, False)


def test_feedback_on_a_stale_copy_loses_to_the_first__R9():
    first, stale = copies(completed())
    repairs.repair_feedback(repair=first, satisfaction=5, feedback="及时", actor=front_desk())
    with pytest.raises(DomainError):
        repairs.repair_feedback(repair=stale, satisfaction=1, feedback="不满", actor=front_desk())
    first.refresh_from_db()
    assert (first.status, first.satisfaction, first.feedback) == (Status.CLOSED, 5, "及时")
    assert first.locked and first.history.first().locked
