"""Repairs (报修), held in the dossier (R5). (Letters are in ``records.letters``, applications
in ``records.applications``, the approvals inbox in ``records.approvals``.)

A repair is reported, gets a work order (a unique number WX<yyyymmdd>-<seq>) assigned to
someone, is completed, and is closed with the customer's feedback; it is then locked (R9).

One function per move; each checks the permission and the sight of the dossier, locks the row,
refuses an illegal move with ``DomainError``, stamps who and when, writes the dossier's timeline
line (R6, R10) in the same transaction, and queues the notifications for after the commit.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
from .common import stamp as _stamp
from .models import Repair
from .permissions import require_record

__all__ = [
    "DomainError",
    "next_work_order_number",
    "repair_report",
    "repair_order",
    "repair_complete",
    "repair_feedback",
]

WORK_ORDER_PREFIX = "WX"
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
