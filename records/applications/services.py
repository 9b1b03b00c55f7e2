"""Applications (申请) held in the dossier (R5): door lock, telephone line, parking space,
nameplate 水牌, overtime work … An application is submitted, and decided by a manager other
than the one who recorded it, or withdrawn by its recorder while it waits; it is then locked.

Each function checks the permission and the sight of the dossier, locks the row, refuses an
illegal move with ``DomainError`` (``core.workflow``), stamps who and when, writes the dossier's
timeline line (R6, R10) in the same transaction, and queues the notifications for after the
commit.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import workflow
from core.lines import Line, choice
from core.services import notify
from customers.permissions import who_is_told
from records.common import DomainError, Kind, current_section, move, record_event
from records.models import Application
from records.permissions import on_dossier, require_record

__all__ = [
    "DomainError",
    "APPROVE",
    "NEEDS_VALIDITY",
    "WORKFLOW",
    "application_submit",
    "application_decide",
    "application_withdraw",
]

APPROVE = "records.approve_application"
# R5: these applications grant something for a time, so they say for how long
NEEDS_VALIDITY = frozenset({Application.Kind.OVERTIME, Application.Kind.PARKING})
Status = Application.Status

OWN_APPLICATION = gettext_lazy(
    "You recorded this application yourself: another manager must decide it."
)
_not_own = workflow.not_requested_by("recorded_by_id", OWN_APPLICATION)


def _own(user, application):
    """Only whoever recorded the application withdraws it."""
    if application.recorded_by_id != user.pk:
        return _("Only the person who recorded this application may withdraw it.")
    return None


WORKFLOW = workflow.declare(
    Application,
    workflow.Move("approve", Status.APPROVED, perm=APPROVE, guard=_not_own),
    workflow.Move("reject", Status.REJECTED, perm=APPROVE, guard=_not_own),
    workflow.Move("withdraw", Status.WITHDRAWN, perm="records.change_application", guard=_own),
    gate=on_dossier,
)


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
    workflow.not_in_future(data["applied_on"], _("The application date"))
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
        workflow.stamp(application, actor, Line("Application submitted"))
        application.save()
        record_event(
            dossier=dossier,
            kind=Kind.APPLICATION,
            title=Line(
                "Application for %(kind)s submitted by %(applicant)s",
                kind=choice(application, "kind"),
                applicant=application.applicant,
            ),
            detail=details,
            actor=actor,
            occurred_on=application.applied_on,
            record=application,
        )
        notify(
            who_is_told(application.dossier, exclude=actor, perm="records.approve_application"),
            Line(
                "An application for %(kind)s of %(number)s awaits your decision.",
                kind=choice(application, "kind"),
                number=dossier.archive_number,
            ),
            application.get_absolute_url(),
            about=application.dossier,
        )
    return application


def application_decide(*, application, approve, note="", actor) -> Application:
    """A manager approves or rejects (with the reason) the application, never the one who
    recorded it; the recorder is told the decision. The application is then locked."""
    require_record(actor, APPROVE, application.dossier)
    note = (note or "").strip()
    if _not_own(actor, application):  # who recorded it never changes: refused at once
        raise DomainError(str(OWN_APPLICATION))
    if not approve and not note:
        raise DomainError(_("Give the reason for rejecting the application."))
    name = "approve" if approve else "reject"
    with transaction.atomic():
        # decided on the row as it is now, whatever the caller read
        application = workflow.lock_for_move(actor, application, name, related=("dossier",))
        move(
            application,
            WORKFLOW.moves[name].target,
            actor=actor,
            reason=Line("Approved") if approve else Line("Rejected"),
            close=True,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=note,
        )
        values = {
            "kind": choice(application, "kind"),
            "number": application.dossier.archive_number,
            "reason": note,
        }
        if approve:
            title = Line("Application for %(kind)s approved", kind=values["kind"])
            message = Line(
                "The application for %(kind)s of %(number)s is approved.",
                kind=values["kind"],
                number=values["number"],
            )
        else:
            title = Line("Application for %(kind)s rejected", kind=values["kind"])
            message = Line(
                "The application for %(kind)s of %(number)s is rejected: %(reason)s", **values
            )
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
    refused = _own(actor, application)  # who recorded it never changes: refused at once
    if refused:
        raise DomainError(refused)
    note = (note or "").strip()
    with transaction.atomic():
        application = workflow.lock_for_move(actor, application, "withdraw", related=("dossier",))
        move(
            application,
            Status.WITHDRAWN,
            actor=actor,
            reason=Line("Withdrawn"),
            close=True,
            decided_at=timezone.now(),
            decision_note=note,
        )
        record_event(
            dossier=application.dossier,
            kind=Kind.APPLICATION,
            title=Line("Application for %(kind)s withdrawn", kind=choice(application, "kind")),
            detail=note,
            actor=actor,
            record=application,
        )
    return application
