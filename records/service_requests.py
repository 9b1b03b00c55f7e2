"""Correspondence (往来函) and applications (申请), held in the dossier (R5), and the managers'
approvals inbox (repairs are in records/repairs/).

A letter is recorded received or sent, optionally in reply to another letter of the same dossier.
An application (door lock, telephone line, parking space, nameplate 水牌, overtime work …) is
submitted, and decided by a manager other than the one who recorded it, or withdrawn by its
recorder while it waits.

One function per move; each checks the permission and the sight of the dossier, locks the row,
refuses an illegal move with ``DomainError``, stamps who and when, writes the dossier's timeline
line (R6, R10) in the same transaction, and queues the notifications for after the commit.
"""

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
    record_event,
    set_status,
)
from .common import lock as _lock
from .common import not_in_future as _not_in_future
from .common import stamp as _stamp
from .models import Application, Correspondence, Deposit, Renovation
from .permissions import can_approve, record_visible_to, require_record

__all__ = [
    "DomainError",
    "APPROVE",
    "NEEDS_VALIDITY",
    "letter_record",
    "application_submit",
    "application_decide",
    "application_withdraw",
    "approvals_waiting",
]

APPROVE = "records.approve_application"
# R5: these applications grant something for a time, so they say for how long
NEEDS_VALIDITY = frozenset({Application.Kind.OVERTIME, Application.Kind.PARKING})


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
