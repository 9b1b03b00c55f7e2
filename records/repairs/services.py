"""Repairs (报修), held in the dossier (R5).

A repair is reported, gets a work order (a unique number WX<yyyymmdd>-<seq>) assigned to
someone, is completed, and is closed with the customer's feedback; it is then locked (R9).

One function per move, declared once (``WORKFLOW``): each asks the move of the actor (the
permission and the sight of the dossier) before its transaction, locks the row, refuses an
illegal move with ``DomainError``, stamps who and when, and writes the dossier's timeline line
(R6, R10) in the same transaction.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workflow
from core.lines import Line, choice
from core.workflow import DomainError
from records.common import Kind, current_section, drawing_again, move, record_event
from records.models import Repair
from records.permissions import on_dossier, require_record
from records.repairs.selectors import next_work_order_number

__all__ = [
    "DomainError",
    "WORKFLOW",
    "next_work_order_number",
    "repair_report",
    "repair_order",
    "repair_complete",
    "repair_feedback",
]

Status = Repair.Status
CHANGE = "records.change_repair"


# --- The moves -----------------------------------------------------------------------------

WORKFLOW = workflow.declare(
    Repair,
    workflow.Move("order", Status.ORDERED, perm=CHANGE),
    workflow.Move("complete", Status.COMPLETED, perm=CHANGE),
    workflow.Move("feedback", Status.CLOSED, perm=CHANGE),
    # a return visit (R43) answers a repair whose work is done
    workflow.Move(
        "return_visit", None, perm="records.add_visit", source=(Status.COMPLETED, Status.CLOSED)
    ),
    gate=on_dossier,
)


def _lock(pk):
    return workflow.lock(Repair, pk, related=("dossier",))


def _day(moment):
    return timezone.localdate(moment)


# --- Repairs (报修) ----------------------------------------------------------------------------
def repair_report(*, dossier, data, actor) -> Repair:
    """A repair reported by the customer: who, when, where in the unit, what is wrong."""
    require_record(actor, "records.add_repair", dossier)
    workflow.moment_not_in_future(data["reported_at"], _("The time of the report"))
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
        workflow.stamp(repair, actor, Line("Repair reported"))
        repair.save()
        record_event(
            dossier=dossier,
            kind=Kind.REPAIR,
            title=Line(
                "Repair reported by %(name)s: %(location)s",
                name=repair.reported_by_name,
                location=repair.location,
            ),
            detail=description,
            actor=actor,
            occurred_on=_day(repair.reported_at),
            record=repair,
        )
    return repair


def _order_once(repair_pk, *, number, typed, assigned_to, actor):
    with transaction.atomic():
        repair = _lock(repair_pk)
        workflow.refuse_move(repair, Status.ORDERED)
        if typed:
            if Repair.objects.filter(work_order_number=number).exists():
                raise DomainError(
                    _("Work order number %(number)s is already used.") % {"number": number}
                )
        else:
            number = next_work_order_number(timezone.localdate())
        workflow.transition(
            repair,
            Status.ORDERED,
            actor=actor,
            reason=Line("Work order issued"),
            already_locked=True,
            work_order_number=number,
            assigned_to=assigned_to,
            ordered_at=timezone.now(),
        )
        record_event(
            dossier=repair.dossier,
            kind=Kind.REPAIR,
            title=Line("Work order %(number)s issued to %(name)s", number=number, name=assigned_to),
            detail=repair.location,
            actor=actor,
            record=repair,
        )
    return repair


def repair_order(*, repair, assigned_to, work_order_number="", actor) -> Repair:
    """Issue the work order: a number (typed from a paper pad, or the next WX<yyyymmdd>-<seq>)
    and who does the work."""
    workflow.require_move(actor, repair, "order")
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
    workflow.require_move(actor, repair, "complete")
    work_done = (work_done or "").strip()
    if not work_done:
        raise DomainError(_("Say what work was done."))
    if cost is not None and cost < 0:
        raise DomainError(_("The cost cannot be negative."))
    workflow.moment_not_in_future(completed_at, _("The completion time"))
    with transaction.atomic():
        repair = _lock(repair.pk)
        workflow.refuse_move(repair, Status.COMPLETED)
        if completed_at < repair.reported_at.replace(second=0, microsecond=0):
            raise DomainError(_("The repair cannot be completed before it was reported."))
        workflow.transition(
            repair,
            Status.COMPLETED,
            actor=actor,
            reason=Line("Repair completed"),
            already_locked=True,
            completed_at=completed_at,
            work_done=work_done,
            cost=cost,
        )
        detail = work_done
        if cost:
            detail = Line("%(work)s (charged ¥%(cost)s)", work=work_done, cost=f"{cost:,.2f}")
        record_event(
            dossier=repair.dossier,
            kind=Kind.REPAIR,
            title=Line("Repair completed (work order %(number)s)", number=repair.work_order_number),
            detail=detail,
            actor=actor,
            occurred_on=_day(completed_at),
            record=repair,
        )
    return repair


def repair_feedback(*, repair, satisfaction, feedback="", actor) -> Repair:
    """The customer's feedback closes the repair, which is then locked (R9)."""
    workflow.require_move(actor, repair, "feedback")
    if satisfaction not in Repair.Satisfaction.values:
        raise DomainError(_("Give the customer's satisfaction from 1 to 5."))
    feedback = (feedback or "").strip()
    with transaction.atomic():
        repair = _lock(repair.pk)
        move(
            repair,
            Status.CLOSED,
            actor=actor,
            reason=Line("Closed with the customer's feedback"),
            satisfaction=satisfaction,
            feedback=feedback,
            close=True,
        )
        record_event(
            dossier=repair.dossier,
            kind=Kind.REPAIR,
            title=Line(
                "Repair %(number)s closed: %(satisfaction)s",
                number=repair.work_order_number,
                satisfaction=choice(repair, "satisfaction"),
            ),
            detail=feedback,
            actor=actor,
            record=repair,
        )
    return repair
