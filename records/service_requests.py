"""Repairs (报修), correspondence (往来函) and applications (申请), all held in the dossier (R5),
and the managers' approvals inbox.

A repair is reported, gets a work order (a unique number WX<yyyymmdd>-<seq>) assigned to
someone, is completed, and is closed with the customer's feedback; it is then locked (R9). A
letter is recorded received or sent, optionally in reply to another letter of the same dossier.
An application (door lock, telephone line, parking space, nameplate 水牌, overtime work …) is
submitted, and decided by a manager other than the one who recorded it, or withdrawn by its
recorder while it waits.

One function per move; each checks the permission and the sight of the dossier, locks the row,
refuses an illegal move with ``DomainError``, stamps who and when, writes the dossier's timeline
line (R6, R10) in the same transaction, and queues the notifications for after the commit.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import notify
from customers.permissions import who_is_told

from .common import (
    DomainError,
    Kind,
    check_move,
    current_section,
    drawing_again,
    next_number,
    record_event,
    set_status,
)
from .common import lock as _lock
from .common import not_in_future as _not_in_future
from .common import stamp as _stamp
from .models import Application, Correspondence, Deposit, Renovation, Repair
from .permissions import can_approve, record_visible_to, require_record

__all__ = [
    "DomainError",
    "APPROVE",
    "NEEDS_VALIDITY",
    "next_work_order_number",
    "repair_report",
    "repair_order",
    "repair_complete",
    "repair_feedback",
    "letter_record",
    "application_submit",
    "application_decide",
    "application_withdraw",
    "approvals_waiting",
]

APPROVE = "records.approve_application"
WORK_ORDER_PREFIX = "WX"
# R5: these applications grant something for a time, so they say for how long
NEEDS_VALIDITY = frozenset({Application.Kind.OVERTIME, Application.Kind.PARKING})
# a time typed on a clock that runs a few minutes fast is not "in the future"
CLOCK_SLACK = datetime.timedelta(minutes=5)


# --- Helpers -----------------------------------------------------------------------------------


def _moment_not_in_future(moment, label):
    if moment > timezone.now() + CLOCK_SLACK:
        raise DomainError(_("%(what)s cannot be in the future.") % {"what": label})


def _day(moment):
    return timezone.localdate(moment)


# --- Repairs (报修) ----------------------------------------------------------------------------
def next_work_order_number(day) -> str:
    """The next free work order number of ``day``: WX20260520-001, WX20260520-002 …"""
    return next_number(Repair, "work_order_number", f"{WORK_ORDER_PREFIX}{day:%Y%m%d}-", 3)


def repair_report(*, dossier, data, actor) -> Repair:
    """A repair reported by the customer: who, when, where in the unit, what is wrong."""
    require_record(actor, "records.add_repair", dossier)
    _moment_not_in_future(data["reported_at"], _("The time of the report"))
    description = (data.get("description") or "").strip()
    if not description:
        raise DomainError(_("Say what needs repairing."))
    with transaction.atomic():
        repair = Repair(
            dossier=dossier,
            section=current_section(dossier),
            recorded_by=actor,
            reported_by_name=data["reported_by_name"].strip(),
            reported_at=data["reported_at"],
            location=data["location"].strip(),
            description=description,
        )
        _stamp(repair, actor, _("Repair reported"))
        repair.save()
        record_event(
            dossier=dossier,
            kind=Kind.REPAIR,
            title=_("Repair reported by %(name)s: %(location)s")
            % {"name": repair.reported_by_name, "location": repair.location},
            detail=description,
            actor=actor,
            occurred_on=_day(repair.reported_at),
            record=repair,
        )
    return repair


def _order_once(repair_pk, *, number, typed, assigned_to, actor):
    with transaction.atomic():
        repair = _lock(Repair, repair_pk)
        check_move(repair, Repair.Status.ORDERED)
        if typed:
            if Repair.objects.filter(work_order_number=number).exists():
                raise DomainError(
                    _("Work order number %(number)s is already used.") % {"number": number}
                )
        else:
            number = next_work_order_number(timezone.localdate())
        _stamp(repair, actor, _("Work order issued"))
        set_status(
            repair,
            Repair.Status.ORDERED,
            work_order_number=number,
            assigned_to=assigned_to,
            ordered_at=timezone.now(),
        )
        record_event(
            dossier=repair.dossier,
            kind=Kind.REPAIR,
            title=_("Work order %(number)s issued to %(name)s")
            % {"number": number, "name": assigned_to},
            detail=repair.location,
            actor=actor,
            record=repair,
        )
    return repair


def repair_order(*, repair, assigned_to, work_order_number="", actor) -> Repair:
    """Issue the work order: a number (typed from a paper pad, or the next WX<yyyymmdd>-<seq>)
    and who does the work."""
    require_record(actor, "records.change_repair", repair.dossier)
    assigned_to = (assigned_to or "").strip()
    number = (work_order_number or "").strip().upper()
    if not assigned_to:
        raise DomainError(_("Say who the work order is assigned to."))
    return drawing_again(
        lambda: _order_once(
            repair.pk, number=number, typed=bool(number), assigned_to=assigned_to, actor=actor
        ),
        generated=not number,
        clash_message=_("This work order number has just been used by another repair; try again."),
    )


def repair_complete(*, repair, completed_at, work_done, cost=None, actor) -> Repair:
    """The work is done: when, what was done, and what the customer is charged, if anything."""
    require_record(actor, "records.change_repair", repair.dossier)
    work_done = (work_done or "").strip()
    if not work_done:
        raise DomainError(_("Say what work was done."))
    if cost is not None and cost < 0:
        raise DomainError(_("The cost cannot be negative."))
    _moment_not_in_future(completed_at, _("The completion time"))
    with transaction.atomic():
        repair = _lock(Repair, repair.pk)
        check_move(repair, Repair.Status.COMPLETED)
        if completed_at < repair.reported_at.replace(second=0, microsecond=0):
            raise DomainError(_("The repair cannot be completed before it was reported."))
        _stamp(repair, actor, _("Repair completed"))
        set_status(
            repair,
            Repair.Status.COMPLETED,
            completed_at=completed_at,
            work_done=work_done,
            cost=cost,
        )
        detail = work_done
        if cost:
            detail = _("%(work)s (charged ¥%(cost)s)") % {"work": work_done, "cost": f"{cost:,.2f}"}
        record_event(
            dossier=repair.dossier,
            kind=Kind.REPAIR,
            title=_("Repair completed (work order %(number)s)")
            % {"number": repair.work_order_number},
            detail=detail,
            actor=actor,
            occurred_on=_day(completed_at),
            record=repair,
        )
    return repair


def repair_feedback(*, repair, satisfaction, feedback="", actor) -> Repair:
    """The customer's feedback closes the repair, which is then locked (R9)."""
    require_record(actor, "records.change_repair", repair.dossier)
    if satisfaction not in Repair.Satisfaction.values:
        raise DomainError(_("Give the customer's satisfaction from 1 to 5."))
    feedback = (feedback or "").strip()
    with transaction.atomic():
        repair = _lock(Repair, repair.pk)
        check_move(repair, Repair.Status.CLOSED)
        _stamp(repair, actor, _("Closed with the customer's feedback"))
        set_status(
            repair,
            Repair.Status.CLOSED,
            satisfaction=satisfaction,
            feedback=feedback,
            locked=True,
        )
        record_event(
            dossier=repair.dossier,
            kind=Kind.REPAIR,
            title=_("Repair %(number)s closed: %(satisfaction)s")
            % {
                "number": repair.work_order_number,
                "satisfaction": repair.get_satisfaction_display(),
            },
            detail=feedback,
            actor=actor,
            record=repair,
        )
    return repair


# --- Correspondence (往来函) -------------------------------------------------------------------
def letter_record(*, dossier, data, actor) -> Correspondence:
    """A letter received from or sent to the customer, optionally answering another letter of
    the same dossier. Its scan is attached as a document on the letter's page."""
    require_record(actor, "records.add_correspondence", dossier)
    _not_in_future(data["dated"], _("The date of the letter"))
    answered = data.get("in_reply_to")
    if answered is not None:
        if answered.dossier_id != dossier.pk:
            raise DomainError(_("A letter answers only another letter of the same dossier."))
        if data["dated"] < answered.dated:
            raise DomainError(_("A reply cannot be dated before the letter it answers."))
    with transaction.atomic():
        letter = Correspondence(
            dossier=dossier,
            section=current_section(dossier),
            recorded_by=actor,
            direction=data["direction"],
            dated=data["dated"],
            reference=(data.get("reference") or "").strip(),
            counterpart=data["counterpart"].strip(),
            subject=data["subject"].strip(),
            summary=(data.get("summary") or "").strip(),
            in_reply_to=answered,
        )
        _stamp(letter, actor, _("Letter recorded"))
        letter.save()
        if letter.direction == Correspondence.Direction.INCOMING:
            title = _("Letter received from %(who)s: %(subject)s")
        else:
            title = _("Letter sent to %(who)s: %(subject)s")
        detail = []
        if letter.reference:
            detail.append(_("Letter number %(number)s") % {"number": letter.reference})
        if answered is not None:
            detail.append(_("in reply to “%(subject)s”") % {"subject": answered.subject})
        record_event(
            dossier=dossier,
            kind=Kind.CORRESPONDENCE,
            title=title % {"who": letter.counterpart, "subject": letter.subject},
            detail="；".join(str(d) for d in detail),
            actor=actor,
            occurred_on=letter.dated,
            record=letter,
        )
    return letter


# --- Applications (申请) -----------------------------------------------------------------------
def _check_validity(kind, valid_from, valid_until):
    if kind in NEEDS_VALIDITY and (valid_from is None or valid_until is None):
        raise DomainError(
            _("“%(kind)s” needs its period of validity (from and until).")
            % {"kind": Application.Kind(kind).label}
        )
    if valid_from and valid_until and valid_until < valid_from:
        raise DomainError(_("The end of the validity cannot be before its start."))


def application_submit(*, dossier, data, actor) -> Application:
    """Record an application; the managers are told that it awaits their decision."""
    require_record(actor, "records.add_application", dossier)
    if data["kind"] not in Application.Kind.values:
        raise DomainError(_("Choose the kind of application."))
    details = (data.get("details") or "").strip()
    if not details:
        raise DomainError(_("Say what is applied for."))
    _not_in_future(data["applied_on"], _("The application date"))
    _check_validity(data["kind"], data.get("valid_from"), data.get("valid_until"))
    with transaction.atomic():
        application = Application(
            dossier=dossier,
            section=current_section(dossier),
            recorded_by=actor,
            kind=data["kind"],
            applicant=data["applicant"].strip(),
            applied_on=data["applied_on"],
            details=details,
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
        )
        _stamp(application, actor, _("Application submitted"))
        application.save()
        record_event(
            dossier=dossier,
            kind=Kind.APPLICATION,
            title=_("Application for %(kind)s submitted by %(applicant)s")
            % {"kind": application.get_kind_display(), "applicant": application.applicant},
            detail=details,
            actor=actor,
            occurred_on=application.applied_on,
            record=application,
        )
        notify(
            who_is_told(application.dossier, exclude=actor, perm="records.approve_application"),
            _("An application for %(kind)s of %(number)s awaits your decision.")
            % {"kind": application.get_kind_display(), "number": dossier.archive_number},
            application.get_absolute_url(),
            about=application.dossier,
        )
    return application


def application_decide(*, application, approve, note="", actor) -> Application:
    """A manager approves or rejects (with the reason) the application, never the one who
    recorded it; the recorder is told the decision. The application is then locked."""
    require_record(actor, APPROVE, application.dossier)
    note = (note or "").strip()
    if not can_approve(actor, APPROVE, application, requested_by_id=application.recorded_by_id):
        raise DomainError(
            _("You recorded this application yourself: another manager must decide it.")
        )
    if not approve and not note:
        raise DomainError(_("Give the reason for rejecting the application."))
    target = Application.Status.APPROVED if approve else Application.Status.REJECTED
    with transaction.atomic():
        application = _lock(Application, application.pk)
        check_move(application, target)
        _stamp(application, actor, _("Approved") if approve else _("Rejected"))
        set_status(
            application,
            target,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=note,
            locked=True,
        )
        values = {
            "kind": application.get_kind_display(),
            "number": application.dossier.archive_number,
            "reason": note,
        }
        if approve:
            title = _("Application for %(kind)s approved") % values
            message = _("The application for %(kind)s of %(number)s is approved.") % values
        else:
            title = _("Application for %(kind)s rejected") % values
            message = _("The application for %(kind)s of %(number)s is rejected: %(reason)s")
            message %= values
        record_event(
            dossier=application.dossier,
            kind=Kind.APPLICATION,
            title=title,
            detail=note,
            actor=actor,
            record=application,
        )
        notify(
            [application.recorded_by],
            message,
            application.get_absolute_url(),
            about=application.dossier,
        )
    return application


def application_withdraw(*, application, note="", actor) -> Application:
    """Whoever recorded the application withdraws it while it awaits a decision."""
    require_record(actor, "records.change_application", application.dossier)
    if application.recorded_by_id != actor.pk:
        raise DomainError(_("Only the person who recorded this application may withdraw it."))
    note = (note or "").strip()
    with transaction.atomic():
        application = _lock(Application, application.pk)
        check_move(application, Application.Status.WITHDRAWN)
        _stamp(application, actor, _("Withdrawn"))
        set_status(
            application,
            Application.Status.WITHDRAWN,
            decided_at=timezone.now(),
            decision_note=note,
            locked=True,
        )
        record_event(
            dossier=application.dossier,
            kind=Kind.APPLICATION,
            title=_("Application for %(kind)s withdrawn")
            % {"kind": application.get_kind_display()},
            detail=note,
            actor=actor,
            record=application,
        )
    return application


# --- The approvals inbox -----------------------------------------------------------------------
def approvals_waiting(*, user):
    """Everything awaiting a manager in the dossiers ``user`` may see, oldest first: deposit
    settlements, renovation applications and applications. One query each."""
    deposits = record_visible_to(
        user,
        Deposit,
        Deposit.objects.filter(
            status__in=[Deposit.Status.REFUND_REQUESTED, Deposit.Status.FORFEIT_REQUESTED]
        ).select_related("dossier", "section__customer", "settlement_requested_by"),
    ).order_by("received_on", "pk")
    renovations = record_visible_to(
        user,
        Renovation,
        Renovation.objects.filter(status=Renovation.Status.APPLIED).select_related(
            "dossier", "section__customer", "recorded_by"
        ),
    ).order_by("applied_on", "pk")
    applications = record_visible_to(
        user,
        Application,
        Application.objects.filter(status=Application.Status.SUBMITTED).select_related(
            "dossier", "section__customer", "recorded_by"
        ),
    ).order_by("applied_on", "pk")
    return {"deposits": deposits, "renovations": renovations, "applications": applications}
