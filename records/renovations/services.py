"""Secondary renovation (二装) and violations (违规), both held in the dossier (R5).

A renovation is applied for (with its renovation deposit, if one is paid), decided by a manager
other than the one who recorded the application (approved with a permit number, or rejected with
a reason), its works start, are inspected, and are finally accepted by a manager — never while a
violation linked to it still awaits rectification. A violation of any kind is recorded against
the dossier (an inspection that finds problems may record one at once) and closed when it is
rectified. Closed records are locked (R9).

One function per move; each checks the permission and the sight of the dossier, locks the row,
refuses an illegal move with ``DomainError``, stamps who and when, writes the dossier's timeline
line (R6, R10) in the same transaction, and queues the notifications for after the commit.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import workflow
from core.lines import Line, Parts, choice
from core.services import notify
from core.workflow import DomainError
from customers.permissions import who_is_told
from records.common import Kind, current_section, drawing_again, move, record_event
from records.models import Deposit, Renovation, RenovationInspection, Violation
from records.permissions import on_dossier, require_record
from records.renovations.selectors import (
    LINKABLE,
    PERMIT_PREFIX,
    acceptance_blockers,
    inspection_blocker,
    next_permit_number,
    open_violations,
    works_not_started,
)

__all__ = [
    "DomainError",
    "PERMIT_PREFIX",
    "LINKABLE",
    "WORKFLOW",
    "VIOLATION_WORKFLOW",
    "next_permit_number",
    "acceptance_blockers",
    "inspection_blocker",
    "open_violations",
    "renovation_apply",
    "renovation_decide",
    "renovation_start",
    "inspection_record",
    "renovation_accept",
    "violation_record",
    "violation_rectify",
]

Status = Renovation.Status
APPROVE = "records.approve_renovation"


# --- The moves -----------------------------------------------------------------------------


_not_own = workflow.not_requested_by(
    "recorded_by_id",
    gettext_lazy("You recorded this application yourself: another manager must decide it."),
)


def _works_running(user, renovation):
    return inspection_blocker(renovation) or None


def _works_started(user, renovation):
    return works_not_started(renovation) or None


WORKFLOW = workflow.declare(
    Renovation,
    workflow.Move("approve", Status.APPROVED, perm=APPROVE, guard=_not_own),
    workflow.Move("reject", Status.REJECTED, perm=APPROVE, guard=_not_own),
    workflow.Move("start", Status.IN_PROGRESS, perm="records.change_renovation"),
    # an inspection keeps the status; it is recorded while the works are in progress
    workflow.Move("inspect", None, perm="records.add_renovationinspection", guard=_works_running),
    # offered during the works; the open violations are said on the acceptance page and
    # refused by the service
    workflow.Move(
        "accept",
        Status.ACCEPTED,
        perm=APPROVE,
        source=(Status.APPLIED, Status.APPROVED, Status.IN_PROGRESS),
        guard=_works_started,
    ),
    # a violation found may be linked to a renovation that is not closed yet
    workflow.Move("link_violation", None, perm="records.add_violation", source=LINKABLE),
    gate=on_dossier,
)

VIOLATION_WORKFLOW = workflow.declare(
    Violation,
    workflow.Move("rectify", Violation.Status.RECTIFIED, perm="records.change_violation"),
    gate=on_dossier,
)


def _lock(model, pk):
    return workflow.lock(model, pk, related=("dossier",))


# --- Renovation ----------------------------------------------------------------------------
def renovation_apply(*, dossier, data, actor) -> Renovation:
    """Record an application for secondary renovation; a renovation deposit paid with it is
    recorded as a deposit held (R5). Managers are told that it awaits their decision."""
    require_record(actor, "records.add_renovation", dossier)
    amount = data.get("deposit_amount")
    receipt = (data.get("deposit_receipt") or "").strip()
    if amount is not None:
        require_record(actor, "records.add_deposit", dossier)
        if amount <= 0:
            raise DomainError(_("The deposit must be more than zero."))
        if not receipt:
            raise DomainError(_("Give the receipt number of the deposit."))
    if data["planned_end"] < data["planned_start"]:
        raise DomainError(_("The planned end cannot be before the planned start."))
    workflow.not_in_future(data["applied_on"], _("The application date"))
    try:
        with transaction.atomic():
            section = current_section(dossier)
            deposit = None
            if amount is not None:
                if Deposit.objects.filter(receipt_number=receipt).exists():
                    raise DomainError(
                        _("Receipt number %(number)s is already used by another deposit.")
                        % {"number": receipt}
                    )
                deposit = Deposit(
                    dossier=dossier,
                    section=section,
                    recorded_by=actor,
                    kind=Deposit.Kind.RENOVATION,
                    payer=data["applicant"],
                    amount=amount,
                    received_on=data["applied_on"],
                    receipt_number=receipt,
                    status=Deposit.Status.HELD,
                    note=_("Paid with the renovation application"),
                )
                workflow.stamp(deposit, actor, Line("Renovation deposit received"))
                deposit.save()
            renovation = Renovation(
                dossier=dossier,
                section=section,
                recorded_by=actor,
                applicant=data["applicant"],
                applied_on=data["applied_on"],
                scope=data["scope"],
                contractor=data["contractor"],
                contractor_licence=data["contractor_licence"],
                contractor_contact=data.get("contractor_contact", ""),
                contractor_phone=data.get("contractor_phone", ""),
                planned_start=data["planned_start"],
                planned_end=data["planned_end"],
                deposit=deposit,
            )
            workflow.stamp(renovation, actor, Line("Application recorded"))
            renovation.save()
            record_event(
                dossier=dossier,
                kind=Kind.RENOVATION,
                title=Line(
                    "Secondary renovation applied for by %(applicant)s",
                    applicant=renovation.applicant,
                ),
                detail=Line(
                    "Contractor %(contractor)s; planned %(start)s – %(end)s",
                    contractor=renovation.contractor,
                    start=renovation.planned_start,
                    end=renovation.planned_end,
                ),
                actor=actor,
                occurred_on=renovation.applied_on,
                record=renovation,
            )
            if deposit is not None:
                record_event(
                    dossier=dossier,
                    kind=Kind.DEPOSIT,
                    title=Line(
                        "Renovation deposit of ¥%(amount)s received (receipt %(number)s)",
                        amount=f"{deposit.amount:,.2f}",
                        number=deposit.receipt_number,
                    ),
                    actor=actor,
                    occurred_on=deposit.received_on,
                    record=deposit,
                )
            notify(
                who_is_told(renovation.dossier, exclude=actor, perm="records.approve_renovation"),
                Line(
                    "A secondary renovation of %(number)s awaits your decision.",
                    number=dossier.archive_number,
                ),
                renovation.get_absolute_url(),
                about=renovation.dossier,
            )
    except IntegrityError as exc:  # the receipt number taken by someone at the same moment
        raise DomainError(
            _("Receipt number %(number)s is already used by another deposit.") % {"number": receipt}
        ) from exc
    return renovation


def renovation_decide(*, renovation, approve, note="", permit_number="", actor) -> Renovation:
    """A manager approves (a permit number is issued: typed, or the next ZX-<year>-<n>) or
    rejects (with a reason) the application; never the one who recorded it. The recorder is
    told the decision."""
    workflow.require_move(actor, renovation, "approve" if approve else "reject")
    note = (note or "").strip()
    typed = (permit_number or "").strip().upper()
    if not approve and not note:
        raise DomainError(_("Give the reason for rejecting the application."))
    # a generated permit number is drawn again if someone took it at the same moment
    return drawing_again(
        lambda: _decide(renovation.pk, approve=approve, note=note, typed=typed, actor=actor),
        generated=approve and not typed,
        clash_message=_(
            "This permit number has just been issued to another renovation; try again."
        ),
    )


def _decide(pk, *, approve, note, typed, actor) -> Renovation:
    with transaction.atomic():
        renovation = _lock(Renovation, pk)
        target = Status.APPROVED if approve else Status.REJECTED
        workflow.refuse_move(renovation, target)
        fields = {"decided_by": actor, "decided_at": timezone.now(), "decision_note": note}
        permit_number = ""
        if approve:
            permit_number = typed or next_permit_number(timezone.localdate())
            if typed and Renovation.objects.filter(permit_number=typed).exists():
                raise DomainError(
                    _("Permit number %(number)s has already been issued.") % {"number": typed}
                )
            fields["permit_number"] = permit_number
        if approve:
            workflow.transition(
                renovation,
                target,
                actor=actor,
                reason=Line("Approved"),
                already_locked=True,
                **fields,
            )
        else:  # a rejected application is closed (R9)
            move(renovation, target, actor=actor, reason=Line("Rejected"), **fields, close=True)
        if approve:
            title = Line("Secondary renovation approved, permit %(number)s", number=permit_number)
            message = Line(
                "The secondary renovation of %(number)s is approved: permit %(permit)s.",
                number=renovation.dossier.archive_number,
                permit=permit_number,
            )
        else:
            title = Line("Secondary renovation application rejected")
            message = Line(
                "The secondary renovation of %(number)s is rejected: %(reason)s",
                number=renovation.dossier.archive_number,
                reason=note,
            )
        record_event(
            dossier=renovation.dossier,
            kind=Kind.RENOVATION,
            title=title,
            detail=note,
            actor=actor,
            occurred_on=timezone.localdate(),
            record=renovation,
        )
        notify(
            [renovation.recorded_by] if renovation.recorded_by_id != actor.pk else [],
            message,
            renovation.get_absolute_url(),
            about=renovation.dossier,
        )
    return renovation


def renovation_start(*, renovation, started_on, actor) -> Renovation:
    """The approved works have started."""
    workflow.require_move(actor, renovation, "start")
    workflow.not_in_future(started_on, _("The start of the works"))
    with transaction.atomic():
        renovation = _lock(Renovation, renovation.pk)
        workflow.refuse_move(renovation, Status.IN_PROGRESS)
        if started_on < renovation.applied_on:
            raise DomainError(_("The works cannot start before the application."))
        workflow.transition(
            renovation,
            Status.IN_PROGRESS,
            actor=actor,
            reason=Line("Works started"),
            already_locked=True,
            started_on=started_on,
        )
        record_event(
            dossier=renovation.dossier,
            kind=Kind.RENOVATION,
            title=Line(
                "Renovation works started (permit %(number)s)", number=renovation.permit_number
            ),
            actor=actor,
            occurred_on=started_on,
            record=renovation,
        )
    return renovation


def inspection_record(*, renovation, data, actor, violation=None):
    """A site inspection during the works. ``violation`` (a dict of category, description,
    notice_number, rectify_by) records the violation found, linked to the renovation.
    Returns (inspection, violation or None)."""
    workflow.require_move(actor, renovation, "inspect")
    if violation is not None:
        require_record(actor, "records.add_violation", renovation.dossier)
        if data["result"] != RenovationInspection.Result.ISSUES:
            raise DomainError(_("A violation is recorded only when problems were found."))
    workflow.not_in_future(data["inspected_on"], _("The inspection date"))
    with transaction.atomic():
        renovation = _lock(Renovation, renovation.pk)
        workflow.require_move(actor, renovation, "inspect")  # the works still in progress
        if data["inspected_on"] < renovation.started_on:
            raise DomainError(_("The inspection cannot be before the works started."))
        inspection = RenovationInspection(
            dossier=renovation.dossier,
            section=renovation.section,
            recorded_by=actor,
            renovation=renovation,
            inspected_on=data["inspected_on"],
            inspector=data["inspector"],
            result=data["result"],
            findings=data.get("findings", ""),
        )
        workflow.stamp(inspection, actor, Line("Inspection recorded"))
        inspection.save()
        record_event(
            dossier=renovation.dossier,
            kind=Kind.RENOVATION,
            title=Line(
                "Renovation inspected by %(inspector)s: %(result)s",
                inspector=inspection.inspector,
                result=choice(inspection, "result"),
            ),
            detail=inspection.findings,
            actor=actor,
            occurred_on=inspection.inspected_on,
            record=renovation,
        )
        found = None
        if violation is not None:
            found = _violation_create(
                dossier=renovation.dossier,
                renovation=renovation,
                data={**violation, "occurred_on": inspection.inspected_on},
                actor=actor,
            )
    return inspection, found


def renovation_accept(*, renovation, accepted_on, note="", actor) -> Renovation:
    """The manager's final acceptance of the works: refused before they started and while a
    violation linked to the renovation awaits rectification. The renovation is then locked."""
    workflow.require_move(actor, renovation, "accept")
    workflow.not_in_future(accepted_on, _("The acceptance date"))
    with transaction.atomic():
        renovation = _lock(Renovation, renovation.pk)
        blocker = acceptance_blockers(renovation)
        if blocker:
            raise DomainError(blocker)
        if accepted_on < renovation.started_on:
            raise DomainError(_("The works cannot be accepted before they started."))
        move(
            renovation,
            Status.ACCEPTED,
            actor=actor,
            reason=Line("Works accepted"),
            accepted_on=accepted_on,
            accepted_by=actor,
            close=True,
        )
        record_event(
            dossier=renovation.dossier,
            kind=Kind.RENOVATION,
            title=Line(
                "Renovation works accepted (permit %(number)s)", number=renovation.permit_number
            ),
            detail=(note or "").strip(),
            actor=actor,
            occurred_on=accepted_on,
            record=renovation,
        )
    return renovation


# --- Violations ----------------------------------------------------------------------------
def _violation_create(*, dossier, data, actor, renovation=None) -> Violation:
    if data.get("rectify_by") and data["rectify_by"] < data["occurred_on"]:
        raise DomainError(_("The rectify-by date cannot be before the violation was found."))
    violation = Violation(
        dossier=dossier,
        section=renovation.section if renovation else current_section(dossier),
        recorded_by=actor,
        renovation=renovation,
        category=data["category"],
        occurred_on=data["occurred_on"],
        description=data["description"],
        notice_number=(data.get("notice_number") or "").strip(),
        rectify_by=data.get("rectify_by"),
    )
    workflow.stamp(violation, actor, Line("Violation recorded"))
    violation.save()
    detail = []
    if violation.notice_number:
        detail.append(Line("Notice %(number)s", number=violation.notice_number))
    if violation.rectify_by:
        detail.append(Line("rectify by %(date)s", date=violation.rectify_by))
    record_event(
        dossier=dossier,
        kind=Kind.VIOLATION,
        title=Line("Violation recorded: %(category)s", category=choice(violation, "category")),
        detail=Parts(detail) if detail else "",
        actor=actor,
        occurred_on=violation.occurred_on,
        record=violation,
    )
    return violation


def violation_record(*, dossier, data, actor, renovation=None) -> Violation:
    """A violation found in the dossier's unit, optionally linked to one of its renovations."""
    require_record(actor, "records.add_violation", dossier)
    workflow.not_in_future(data["occurred_on"], _("The date the violation was found"))
    with transaction.atomic():
        if renovation is not None:
            renovation = _lock(Renovation, renovation.pk)
            if renovation.dossier_id != dossier.pk:
                raise DomainError(_("This renovation belongs to another dossier."))
            if renovation.status not in LINKABLE:
                raise DomainError(
                    _(
                        "A renovation that is “%(status)s” is closed; "
                        "record the violation without it."
                    )
                    % {"status": renovation.get_status_display()}
                )
        return _violation_create(dossier=dossier, data=data, actor=actor, renovation=renovation)


def violation_rectify(*, violation, rectified_on, rectification, actor) -> Violation:
    """The violation has been put right: what was done and when. The record is then locked."""
    workflow.require_move(actor, violation, "rectify")
    rectification = (rectification or "").strip()
    if not rectification:
        raise DomainError(_("Say what was done to rectify the violation."))
    workflow.not_in_future(rectified_on, _("The rectification date"))
    with transaction.atomic():
        violation = _lock(Violation, violation.pk)
        workflow.refuse_move(violation, Violation.Status.RECTIFIED)
        if rectified_on < violation.occurred_on:
            raise DomainError(_("The violation cannot be rectified before it was found."))
        move(
            violation,
            Violation.Status.RECTIFIED,
            actor=actor,
            reason=Line("Rectified"),
            rectified_on=rectified_on,
            rectification=rectification,
            close=True,
        )
        record_event(
            dossier=violation.dossier,
            kind=Kind.VIOLATION,
            title=Line("Violation rectified: %(category)s", category=choice(violation, "category")),
            detail=rectification,
            actor=actor,
            occurred_on=rectified_on,
            record=violation,
        )
    return violation
