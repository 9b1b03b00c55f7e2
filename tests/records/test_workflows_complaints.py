"""The complaint moves through core.workflow: an illegal move is refused and leaves the row as
it was; a move made on a stale copy of the row loses to the one made first."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core import workflow
from core.workflow import DomainError
from records.complaints import services as complaints
from records.models import Complaint, ComplaintStep, Visit

from .factories import front_desk, occupied_dossier

NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]
TODAY = NOW.date()
Status = Complaint.Status


@pytest.fixture
def desk():
    return front_desk()


def taken(actor, **overrides):
    data = {
        "complainant": "王先生",
        "channel": Complaint.Channel.PHONE,
        "category": Complaint.Category.NOISE,
        "received_at": NOW - datetime.timedelta(hours=1),
        "subject": "楼上装修噪音",
        "heard": "晚上十点后仍在施工",
        "households": 1,
        **overrides,
    }
    return complaints.complaint_record(dossier=occupied_dossier()[0], data=data, actor=actor)


def copies(record):
    return Complaint.objects.get(pk=record.pk), Complaint.objects.get(pk=record.pk)


def handled(actor):
    complaint = taken(actor)
    complaints.complaint_step(complaint=complaint, step="followed", note="已督促", actor=actor)
    return complaints.complaint_mark_handled(complaint=complaint, actor=actor)


def closable(actor):
    complaint = taken(actor)
    for step in ("asked", "followed", "rechecked", "logged"):
        complaints.complaint_step(complaint=complaint, step=step, note="完成", actor=actor)
    complaint = complaints.complaint_mark_handled(complaint=complaint, actor=actor)
    complaints.visit_record(
        dossier=complaint.dossier,
        data={
            "kind": Visit.Kind.RETURN_VISIT,
            "visited_on": TODAY,
            "visited_person": "王先生",
            "purpose": "回访",
            "complaint": complaint,
        },
        actor=actor,
    )
    return complaint


# --- Steps and report -----------------------------------------------------------------------
def test_a_step_on_a_stale_copy_of_a_closed_complaint_is_refused__R9(desk):
    first, stale = copies(closable(desk))
    complaints.complaint_close(complaint=first, actor=desk)
    steps = ComplaintStep.objects.count()
    with pytest.raises(DomainError):
        complaints.complaint_step(complaint=stale, step="logged", note="补记", actor=desk)
    assert ComplaintStep.objects.count() == steps
    first.refresh_from_db()
    assert (first.status, first.locked, first.logged) == (Status.CLOSED, True, "完成")


def test_a_complaint_is_reported_once__R42(desk):
    complaint = complaints.complaint_report(complaint=taken(desk), actor=desk)
    reported_at = complaint.reported_at
    assert "report" not in workflow.allowed_moves(desk, complaint)
    with pytest.raises(DomainError):
        complaints.complaint_report(complaint=complaint, actor=desk)
    complaint.refresh_from_db()
    assert complaint.reported_at == reported_at


def test_a_report_on_a_stale_copy_loses_to_the_first__R42(desk):
    first, stale = copies(taken(desk))
    with time_machine.travel(NOW - datetime.timedelta(minutes=30), tick=False):
        complaints.complaint_report(complaint=first, actor=desk)
    with pytest.raises(DomainError):
        complaints.complaint_report(complaint=stale, actor=desk)
    first.refresh_from_db()
    assert first.reported_at == NOW - datetime.timedelta(minutes=30)


# --- Reply and handled ----------------------------------------------------------------------
def test_a_spoken_complaint_gets_no_written_reply__R42(desk):
    complaint = taken(desk)
    assert "reply" not in workflow.allowed_moves(desk, complaint)
    with pytest.raises(DomainError):
        complaints.complaint_reply(
            complaint=complaint, written_reply="答复", replied_on=TODAY, actor=desk
        )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.written_reply) == (Status.OPEN, "")


def test_a_reply_on_a_stale_copy_loses_to_the_first__R42(desk):
    first, stale = copies(taken(desk, channel=Complaint.Channel.LETTER))
    complaints.complaint_reply(
        complaint=first, written_reply="第一份", replied_on=TODAY, actor=desk
    )
    with pytest.raises(DomainError):
        complaints.complaint_reply(
            complaint=stale, written_reply="第二份", replied_on=TODAY, actor=desk
        )
    first.refresh_from_db()
    assert (first.status, first.written_reply) == (Status.REPLIED, "第一份")


def test_a_handled_complaint_is_not_marked_handled_again(desk):
    complaint = handled(desk)
    history = complaint.history.count()
    with pytest.raises(DomainError):
        complaints.complaint_mark_handled(complaint=complaint, actor=desk)
    complaint.refresh_from_db()
    assert complaint.status == Status.REPLIED
    assert complaint.history.count() == history


def test_marking_handled_on_a_stale_copy_loses_to_the_first(desk):
    complaint = taken(desk)
    complaints.complaint_step(complaint=complaint, step="followed", note="已督促", actor=desk)
    first, stale = copies(complaint)
    complaints.complaint_mark_handled(complaint=first, actor=desk)
    history = first.history.count()
    with pytest.raises(DomainError):
        complaints.complaint_mark_handled(complaint=stale, actor=desk)
    first.refresh_from_db()
    assert first.status == Status.REPLIED and first.history.count() == history


def test_the_compare_and_set_refuses_a_stale_copy(desk):
    complaint = taken(desk)
    first, stale = copies(complaint)
    workflow.transition(first, Status.REPLIED, actor=desk, reason="x")
    with pytest.raises(DomainError):
        workflow.transition(stale, Status.REPLIED, actor=desk, reason="y")
    first.refresh_from_db()
    assert first.status == Status.REPLIED


# --- Close ----------------------------------------------------------------------------------
def test_a_closed_complaint_is_not_closed_again__R9(desk):
    complaint = complaints.complaint_close(complaint=closable(desk), actor=desk)
    closed_at = complaint.closed_at
    assert "close" not in workflow.allowed_moves(desk, complaint)
    later = time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False)
    with later, pytest.raises(DomainError):
        complaints.complaint_close(complaint=complaint, actor=desk)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.closed_at, complaint.locked) == (
        Status.CLOSED,
        closed_at,
        True,
    )


def test_a_close_on_a_stale_copy_loses_to_the_first__R43(desk):
    first, stale = copies(closable(desk))
    complaints.complaint_close(complaint=first, actor=desk)
    later = time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False)
    with later, pytest.raises(DomainError):
        complaints.complaint_close(complaint=stale, actor=desk)
    first.refresh_from_db()
    assert (first.status, first.closed_at) == (Status.CLOSED, NOW)
    assert first.locked and first.history.first().locked
