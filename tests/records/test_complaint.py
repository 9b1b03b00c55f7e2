"""Complaints (R42): five clears, one report; written replies; closed only after a return
visit (R43). The services of records/complaints.py."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import translation

from core.models import Notification
from core.roles import Role
from customers import permissions as customer_permissions
from customers.models import DossierEvent
from records.complaints import selectors
from records.complaints import services as complaints
from records.models import Complaint, ComplaintStep, Visit
from records.permissions import record_visible_to
from records.timeline import Kind as RecordKind

from ..factories import user_with_role
from .factories import (
    fill_steps,
    front_desk,
    manager,
    occupied_dossier,
    ready_to_close,
    record_complaint,
    return_visit,
)

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=TZ)
TODAY = NOW.date()
Status = Complaint.Status

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]


@pytest.fixture
def desk():
    return front_desk()


@pytest.fixture
def dossier():
    return occupied_dossier()[0]


# --- Intake ---------------------------------------------------------------------------------
def test_intake_records_heard_step_and_timeline_line(dossier, desk):
    complaint = record_complaint(dossier, desk)

    assert complaint.status == Status.OPEN
    assert complaint.heard == "晚上十点后仍在施工，影响休息"
    assert complaint.section is not None and complaint.section.dossier_id == dossier.pk
    assert not complaint.is_major and complaint.reported_at is None
    step = ComplaintStep.objects.get(complaint=complaint)
    assert (step.step, step.by) == ("heard", desk)
    event = DossierEvent.objects.get(dossier=dossier, kind=RecordKind.COMPLAINT)
    assert event.record_id == complaint.pk and "楼上装修噪音" in event.title
    assert event.occurred_on == TODAY


def test_intake_needs_what_was_heard__R42(dossier, desk):
    with translation.override("en"), pytest.raises(complaints.DomainError, match="what was heard"):
        record_complaint(dossier, desk, heard="  ")
    assert not Complaint.objects.exists()


def test_a_letter_is_a_written_complaint__R42(dossier, desk):
    complaint = record_complaint(dossier, desk, channel=Complaint.Channel.LETTER, is_written=False)
    assert complaint.is_written


def test_intake_denied_to_a_reader_and_to_whoever_cannot_see_the_dossier(dossier):
    with pytest.raises(PermissionDenied):
        record_complaint(dossier, user_with_role(Role.ARCHIVIST))
    confidential, _section = occupied_dossier(secrecy="B")
    with pytest.raises(PermissionDenied):
        record_complaint(confidential, front_desk())
    assert not Complaint.objects.exists()


def test_major_categories_and_collective_complaints_are_major__R42():
    assert complaints.is_major(Complaint.Category.LIFT_ENTRAPMENT, 1)
    assert complaints.is_major(Complaint.Category.FLOODING, 1)
    assert complaints.is_major(Complaint.Category.NOISE, 3)
    assert not complaints.is_major(Complaint.Category.NOISE, 2)


def test_major_complaint_notifies_manager_at_once__R42(
    dossier, desk, django_capture_on_commit_callbacks
):
    managers = [manager(), manager()]
    retired = manager()
    retired.is_active = False
    retired.save()

    with django_capture_on_commit_callbacks(execute=True):
        complaint = record_complaint(
            dossier, desk, category=Complaint.Category.LIFT_ENTRAPMENT, subject="3号电梯困人"
        )

    assert complaint.is_major
    assert complaint.reported_at == NOW  # the report (报告) is the intake itself
    told = Notification.objects.filter(link=complaint.get_absolute_url())
    active = get_user_model().objects.filter(groups__name=Role.MANAGER, is_active=True)
    assert {m.pk for m in managers} < set(active.values_list("pk", flat=True))
    assert {n.recipient_id for n in told} == set(active.values_list("pk", flat=True))
    assert retired.pk not in {n.recipient_id for n in told}
    assert all("3号电梯困人" in n.message for n in told)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(active.values_list("email", flat=True))
    assert "3号电梯困人" in mail.outbox[0].subject
    # the intake and the report, both on the dossier's timeline
    assert DossierEvent.objects.filter(dossier=dossier, kind="complaint").count() == 2


def test_general_complaint_is_reported_on_request__R42(
    dossier, desk, django_capture_on_commit_callbacks
):
    boss = manager()
    managers = set(
        get_user_model().objects.filter(groups__name=Role.MANAGER).values_list("pk", flat=True)
    )
    with django_capture_on_commit_callbacks(execute=True):
        complaint = record_complaint(dossier, desk)
    link = complaint.get_absolute_url()
    assert not Notification.objects.filter(link=link).exists() and mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        complaints.complaint_report(complaint=complaint, actor=desk)

    complaint.refresh_from_db()
    assert complaint.reported_at == NOW
    told = Notification.objects.filter(link=link)
    assert set(told.values_list("recipient", flat=True)) == managers
    assert boss.email in [m.to[0] for m in mail.outbox]
    with pytest.raises(complaints.DomainError):
        complaints.complaint_report(complaint=complaint, actor=desk)
    assert told.count() == len(managers)


def test_collective_complaint_names_the_other_households__R42(dossier, desk):
    neighbour = occupied_dossier()[0]
    with pytest.raises(complaints.DomainError, match="collective|集体"):
        record_complaint(dossier, desk, households=3, other_dossiers=[neighbour])
    assert not Complaint.objects.exists()


def test_collective_complaint_is_major_and_filed_in_every_dossier__R42(dossier, desk):
    others = [occupied_dossier()[0], occupied_dossier()[0]]
    complaint = record_complaint(dossier, desk, households=3, other_dossiers=others)

    assert complaint.is_major and complaint.reported_at is not None
    assert set(complaint.other_dossiers.all()) == set(others)
    for d in [dossier, *others]:
        events = DossierEvent.objects.filter(dossier=d, kind=RecordKind.COMPLAINT)
        assert events.filter(record_id=complaint.pk).exists()
        # each line is filed under that dossier's own section, never another dossier's
        assert all(e.section is None or e.section.dossier_id == d.pk for e in events)
    # someone who sees only a neighbour's dossier sees the complaint (records.permissions)
    assert record_visible_to(desk, Complaint).filter(pk=complaint.pk).exists()


def test_other_dossiers_must_be_visible_to_the_recorder(dossier, desk):
    hidden = occupied_dossier(secrecy="B")[0]
    with pytest.raises(complaints.DomainError):
        record_complaint(dossier, desk, other_dossiers=[hidden])
    customer_permissions.grant_dossier(desk, hidden)
    assert record_complaint(dossier, desk, other_dossiers=[hidden]).other_dossiers.count() == 1


# --- The five clears ------------------------------------------------------------------------
def test_step_adds_a_row_and_fills_the_field__R42(dossier, desk):
    complaint = record_complaint(dossier, desk)
    complaints.complaint_step(complaint=complaint, step="asked", note="问清楼层：1502", actor=desk)
    complaints.complaint_step(complaint=complaint, step="asked", note="施工队已联系", actor=desk)
    complaints.complaint_step(complaint=complaint, step="heard", note="补充：周末也有", actor=desk)

    complaint.refresh_from_db()
    assert complaint.asked == "问清楼层：1502\n\n施工队已联系"
    assert complaint.heard.endswith("补充：周末也有")
    assert complaint.steps.filter(step="asked").count() == 2
    assert DossierEvent.objects.filter(kind="complaint", record_id=complaint.pk).count() == 4
    assert complaint.history.count() >= 3  # every change kept (R9, R10)


def test_step_refused_on_a_closed_complaint_and_for_a_reader(dossier, desk):
    complaint = complaints.complaint_close(complaint=ready_to_close(dossier, desk), actor=desk)
    with pytest.raises(complaints.DomainError):
        complaints.complaint_step(complaint=complaint, step="logged", note="再补充", actor=desk)
    with pytest.raises(PermissionDenied):
        complaints.complaint_step(
            complaint=complaint, step="logged", note="x", actor=user_with_role(Role.EXECUTIVE)
        )


def test_step_needs_a_known_step_and_a_note(dossier, desk):
    complaint = record_complaint(dossier, desk)
    with pytest.raises(complaints.DomainError):
        complaints.complaint_step(complaint=complaint, step="guessed", note="x", actor=desk)
    with pytest.raises(complaints.DomainError):
        complaints.complaint_step(complaint=complaint, step="asked", note=" ", actor=desk)


# --- Written reply, handled -----------------------------------------------------------------
def test_written_complaint_gets_a_written_reply__R42(dossier, desk):
    complaint = record_complaint(dossier, desk, channel=Complaint.Channel.LETTER)
    complaints.complaint_reply(
        complaint=complaint,
        written_reply="经核查，已责令施工方整改。",
        replied_on=TODAY,
        reply_reference="HF-2026-007",
        actor=desk,
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.REPLIED
    assert (complaint.replied_on, complaint.reply_reference) == (TODAY, "HF-2026-007")
    assert DossierEvent.objects.filter(title__contains="HF-2026-007").exists()
    # a second reply is an illegal move
    with pytest.raises(complaints.DomainError):
        complaints.complaint_reply(
            complaint=complaint, written_reply="再复", replied_on=TODAY, actor=desk
        )


def test_reply_dates_are_checked(dossier, desk):
    complaint = record_complaint(dossier, desk, channel=Complaint.Channel.LETTER)
    for day in (TODAY + datetime.timedelta(days=1), TODAY - datetime.timedelta(days=5)):
        with pytest.raises(complaints.DomainError):
            complaints.complaint_reply(
                complaint=complaint, written_reply="答复", replied_on=day, actor=desk
            )


def test_only_a_written_complaint_gets_a_written_reply(dossier, desk):
    complaint = record_complaint(dossier, desk)
    with pytest.raises(complaints.DomainError):
        complaints.complaint_reply(
            complaint=complaint, written_reply="答复", replied_on=TODAY, actor=desk
        )


def test_marking_handled_needs_the_follow_up(dossier, desk):
    complaint = record_complaint(dossier, desk)
    with translation.override("en"), pytest.raises(complaints.DomainError, match="follow-up"):
        complaints.complaint_mark_handled(complaint=complaint, actor=desk)
    complaints.complaint_step(complaint=complaint, step="followed", note="已督促整改", actor=desk)
    complaint = complaints.complaint_mark_handled(complaint=complaint, actor=desk)
    assert complaint.status == Status.REPLIED
    with pytest.raises(complaints.DomainError):  # illegal source state
        complaints.complaint_mark_handled(complaint=complaint, actor=desk)


def test_a_written_complaint_is_not_just_marked_handled__R42(dossier, desk):
    complaint = record_complaint(dossier, desk, is_written=True)
    complaints.complaint_step(complaint=complaint, step="followed", note="已跟进", actor=desk)
    with pytest.raises(complaints.DomainError):
        complaints.complaint_mark_handled(complaint=complaint, actor=desk)


# --- Closing --------------------------------------------------------------------------------
def test_close_refused_without_written_reply__R42(dossier, desk):
    complaint = fill_steps(record_complaint(dossier, desk, is_written=True), desk)
    return_visit(complaint, desk)
    with pytest.raises(complaints.DomainError) as refusal:
        complaints.complaint_close(complaint=complaint, actor=desk)
    assert "written reply" in str(refusal.value) or "书面回复" in str(refusal.value)
    assert "return visit" not in str(refusal.value)
    complaint.refresh_from_db()
    assert complaint.status == Status.OPEN and not complaint.locked


def test_close_refused_without_return_visit__R43(dossier, desk):
    complaint = fill_steps(record_complaint(dossier, desk), desk)
    complaints.complaint_mark_handled(complaint=complaint, actor=desk)
    with pytest.raises(complaints.DomainError) as refusal:
        complaints.complaint_close(complaint=complaint, actor=desk)
    message = str(refusal.value)
    assert "return visit" in message or "回访" in message
    assert "clears" not in message and "written" not in message
    # a plain visit does not count: it must be a return visit of this complaint
    complaints.visit_record(
        dossier=dossier,
        data={
            "kind": Visit.Kind.VISIT,
            "visited_on": TODAY,
            "visitor": desk,
            "visited_person": "王先生",
            "purpose": "日常走访",
        },
        actor=desk,
    )
    with pytest.raises(complaints.DomainError):
        complaints.complaint_close(complaint=complaint, actor=desk)


def test_close_refusal_names_the_missing_clears__R42(dossier, desk):
    complaint = record_complaint(dossier, desk)
    with translation.override("en"), pytest.raises(complaints.DomainError) as refusal:
        complaints.complaint_close(complaint=complaint, actor=desk)
    with translation.override("en"):
        message = str(refusal.value)
    for label in ("Clarified", "Followed up", "Rechecked", "Recorded"):
        assert label in message
    assert "Heard" not in message


def test_close_locks_the_complaint(dossier, desk):
    complaint = complaints.complaint_close(complaint=ready_to_close(dossier, desk), actor=desk)
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.locked
    assert (complaint.closed_by, complaint.closed_at) == (desk, NOW)
    with pytest.raises(complaints.DomainError):
        complaints.complaint_close(complaint=complaint, actor=desk)
    with pytest.raises(complaints.DomainError):
        complaints.complaint_report(complaint=complaint, actor=desk)


def test_written_complaint_closes_after_reply_and_return_visit__R42__R43(dossier, desk):
    complaint = ready_to_close(dossier, desk, channel=Complaint.Channel.LETTER)
    assert selectors.close_blockers(complaint) == []
    assert complaints.complaint_close(complaint=complaint, actor=desk).status == Status.CLOSED


def test_close_denied_to_a_reader(dossier, desk):
    complaint = ready_to_close(dossier, desk)
    with pytest.raises(PermissionDenied):
        complaints.complaint_close(complaint=complaint, actor=user_with_role(Role.ARCHIVIST))
    complaint.refresh_from_db()
    assert complaint.status == Status.REPLIED
