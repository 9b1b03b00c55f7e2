"""Checked returns (R25) and the loss and damage found at them (R24): one function per move,
each with the ``actor`` it acts for, checking that actor's rights itself (``lending.moves``).

- ``loan_return_check``: the archivist checks what came back, item by item (condition, pages
  and copies counted against the document); the borrower is asked to confirm.
- ``loan_return_confirm``: the borrower confirms, on their own screen with their password, or
  at the desk on the archivist's screen (the borrower's password typed; an outside party signs
  the paper form). The items go back to the shelf, a missing one is lost, each damaged or
  missing one opens an incident graded by the item's importance.
- ``loan_return_check_again``: the borrower disputes the check; the loan is out again.
- ``incident_handle``: a manager, not the borrower, records how a loss or damage was handled.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workflow
from core.lines import Line, choice
from core.permissions import (
    WRONG_PASSWORD_MINUTES,
    WRONG_PASSWORDS,
    can,
    record_refusal,
    too_many_refusals,
)
from core.services import notify
from core.workflow import DomainError
from customers.permissions import who_is_told
from customers.timeline import record_event
from documents.common import documents_move, record_history
from documents.models import Document
from documents.permissions import is_confidential_document

from ..loans.services import loan_link
from ..models import BorrowerKind, Incident, Loan, LoanItem
from ..moves import INCIDENTS, LOANS  # noqa: F401  (the declarations the moves check)
from ..permissions import HAND_OUT, HANDLE_INCIDENT
from ..timeline import Kind

S = Loan.Status
Condition = LoanItem.Condition

__all__ = [
    "ReturnCheckRefused",
    "WrongPassword",
    "loan_return_check",
    "loan_return_confirm",
    "loan_return_check_again",
    "incident_handle",
    "incident_grade",
    "incident_link",
]

CHECK_FIELDS = ("condition", "pages_back", "copies_back", "check_note")


class WrongPassword(DomainError):
    """The confirming password did not match (shown beside the password field)."""


class ReturnCheckRefused(DomainError):
    """The check is refused item by item: ``errors`` = {item pk: {field: message}}, so that a
    page shows each reason beside its field."""

    def __init__(self, message, errors):
        super().__init__(message)
        self.errors = errors


def incident_link(incident) -> str:
    return reverse("lending:incident_detail", args=[incident.pk])


def _event(loan, kind, title, *, actor):
    record_event(dossier=loan.dossier, kind=kind, title=title, actor=actor, record=loan)


# --- The check (R25) ----------------------------------------------------------------------
def _count(value, label):
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(_("%(what)s must be a whole number.") % {"what": label}) from None
    if number < 0:
        raise ValueError(_("%(what)s cannot be negative.") % {"what": label})
    return number


def _checked(item, answer) -> tuple[dict, dict]:
    """One item's answer, cleaned: (values to store, errors by field)."""
    document = item.document
    errors = {}
    condition = str(answer.get("condition") or "")
    if condition not in Condition.values:
        errors["condition"] = _("Choose how the item came back.")
    values = {"condition": condition, "check_note": str(answer.get("note") or "").strip()[:300]}
    counted = {}
    for key, label in (("pages_back", _("Pages back")), ("copies_back", _("Copies back"))):
        try:
            counted[key] = _count(answer.get(key), label)
        except ValueError as exc:
            errors[key] = str(exc)
    if errors:
        return values, errors
    if condition == Condition.MISSING:
        # nothing came back: there is nothing to count
        values.update(pages_back=0, copies_back=0)
        return values, errors
    expected = {"pages_back": document.pages, "copies_back": document.copies}
    for key, lent in expected.items():
        back = counted[key]
        if lent is None:  # pages never counted: what came back is taken as it is
            values[key] = back
            continue
        if back is None:
            errors[key] = _("Count what came back (%(n)s lent).") % {"n": lent}
        elif back > lent:
            errors[key] = _("The count does not match: %(back)s back, %(n)s lent.") % {
                "back": back,
                "n": lent,
            }
        elif back < lent and condition == Condition.INTACT:
            errors[key] = _(
                "The count does not match: %(back)s back, %(n)s lent. "
                "Mark the item damaged or missing."
            ) % {"back": back, "n": lent}
        values[key] = back
    if condition == Condition.DAMAGED and not values["check_note"]:
        errors["check_note"] = _("Say what is damaged.")
    return values, errors


def loan_return_check(*, loan, actor, results) -> Loan:
    """The archivist checks the items that came back (R25): ``results`` = {item pk:
    {"condition", "pages_back", "copies_back", "note"}}, one answer for every item of the loan.
    A count short of what was lent is refused unless the item is marked damaged or missing.
    OUT/RENEWED → RETURN_CHECKED; the borrower is asked to confirm."""
    workflow.require_move(actor, loan, "check_return")
    answers = {}
    for key, answer in (results or {}).items():
        try:
            answers[int(key)] = answer or {}
        except (TypeError, ValueError):
            raise DomainError(_("An answer names no item of this loan.")) from None
    with transaction.atomic():
        loan = workflow.lock_for_move(actor, loan, "check_return", related=("dossier", "borrower"))
        items = list(loan.items.filter(out=True).select_related("document").order_by("pk"))
        if set(answers) - {i.pk for i in items}:
            raise DomainError(_("An answer names no item of this loan."))
        errors = {}
        for item in items:
            if item.pk not in answers:
                errors[item.pk] = {"condition": _("Check this item too.")}
                continue
            values, item_errors = _checked(item, answers[item.pk])
            if item_errors:
                errors[item.pk] = item_errors
            for name, value in values.items():
                setattr(item, name, value)
        if errors:
            raise ReturnCheckRefused(_("The check is not complete: see the items marked."), errors)
        LoanItem.objects.bulk_update(items, list(CHECK_FIELDS))
        record_history(LoanItem, items, actor=actor, reason=Line("Return checked"))
        counts = {c: sum(1 for i in items if i.condition == c) for c in Condition.values}
        summary = Line("%(intact)s intact, %(damaged)s damaged, %(missing)s missing", **counts)
        tell = []
        if loan.borrower_id:
            tell.append(
                (
                    [loan.borrower],
                    Line(
                        "The return of loan %(number)s has been checked (%(summary)s): confirm it.",
                        number=loan.number,
                        summary=summary,
                    ),
                    reverse("lending:return_confirm", args=[loan.pk]),
                    loan.dossier,
                )
            )
        loan = workflow.transition(
            loan,
            S.RETURN_CHECKED,
            actor=actor,
            reason=Line("Return checked: %(summary)s", summary=summary),
            already_locked=True,
            return_checked_at=timezone.now(),
            return_checked_by=actor,
            tell=tell,
        )
    return loan


# --- The borrower's confirmation (R25) ---------------------------------------------------
def _confirmer(actor, loan, at_desk):
    """Whose password confirms: the borrower's (on their screen, or typed at the desk); None
    for an outside party, who signs the paper form at the desk."""
    if loan.borrower_id and actor.pk == loan.borrower_id:
        return loan.borrower, False
    if not at_desk:
        raise DomainError(_("Only the borrower confirms on their own screen; at the desk, say so."))
    if not can(actor, HAND_OUT):
        raise DomainError(_("Only the archive room confirms a return at the desk."))
    if loan.borrower_kind == BorrowerKind.OUTSIDE or not loan.borrower_id:
        return None, True
    return loan.borrower, True


def incident_grade(document, loan) -> str:
    """R24: by the item's importance: an original or a confidential item (secrecy B/A of the
    document or its dossier) is major; a copy of general material is minor."""
    if document.is_original or is_confidential_document(document) or loan.dossier.is_confidential:
        return Incident.Grade.MAJOR
    return Incident.Grade.MINOR


def _shelf_status(item):
    if item.status_before:
        return item.status_before
    return Document.Status.FILED if item.document.box_id else Document.Status.RECEIVED


# a borrower's password typed at the desk is not a log-in (django-axes does not see it): the
# wrong ones are counted per loan (core.permissions.too_many_refusals)
WRONG_PASSWORD_DETAIL = "confirm return: wrong password"  # noqa: S105 - a log line, not a secret


def loan_return_confirm(*, loan, actor, password="", at_desk=False) -> Loan:
    """The borrower confirms the check (R25): on their own screen, re-entering their password;
    or at the desk on the archivist's screen (``at_desk``, by a holder of
    ``lending.hand_out_loan``) with the borrower's password typed, or, for an outside party,
    the archivist's word that the party signed the paper form. A wrong password is refused and
    logged, and nothing moves. Then, in one transaction: intact and damaged items go back to
    the shelf as they were, a missing one is lost (R24); each damaged or missing item opens an
    incident, graded, its managers told; the loan is RETURNED, or LOST when anything is
    missing."""
    move = LOANS.moves["confirm_return"]
    stored = Loan.objects.select_related("dossier", "borrower").get(pk=loan.pk)
    if not LOANS.permitted(actor, stored, move):
        workflow.require_move(actor, stored, "confirm_return")  # refused and logged
    person, at_desk = _confirmer(actor, stored, at_desk)
    # Before the state and outside the transaction, as the handover's signature: every wrong
    # password is logged, and the log row stays.
    if person is not None and too_many_refusals(stored, WRONG_PASSWORD_DETAIL):
        record_refusal(actor, "confirm return: too many wrong passwords", stored)
        raise WrongPassword(
            _("The password was wrong %(n)s times: try again in %(minutes)s minutes.")
            % {"n": WRONG_PASSWORDS, "minutes": WRONG_PASSWORD_MINUTES}
        )
    if person is not None and not (password and person.check_password(password)):
        whose = "the borrower's password at the desk" if at_desk else "own password"
        record_refusal(actor, f"{WRONG_PASSWORD_DETAIL} ({whose})", stored)
        raise WrongPassword(_("The password is wrong."))
    workflow.require_move(actor, stored, "confirm_return")
    now = timezone.now()
    with transaction.atomic():
        loan = workflow.lock_for_move(
            actor, loan, "confirm_return", related=("dossier", "borrower", "return_checked_by")
        )
        items = list(loan.items.filter(out=True).select_related("document", "document__dossier"))
        if any(not i.condition for i in items):
            raise DomainError(_("The return has not been checked item by item; check it again."))
        back = [i for i in items if i.condition != Condition.MISSING]
        missing = [i for i in items if i.condition == Condition.MISSING]
        returned = _("Returned on %(number)s") % {"number": loan.number}
        by_status = {}
        for item in back:
            by_status.setdefault(_shelf_status(item), []).append(item.document)
        for status, documents in by_status.items():
            documents_move(documents, status, actor=actor, reason=returned)
        if missing:
            documents_move(
                [i.document for i in missing],
                Document.Status.LOST,
                actor=actor,
                reason=Line("Lost on loan %(number)s", number=loan.number),
            )
        for item in items:
            item.out = False
        LoanItem.objects.filter(pk__in=[i.pk for i in items]).update(out=False)
        record_history(LoanItem, items, actor=actor, reason=returned)
        incidents = _open_incidents(loan, items, actor=actor)
        how = _("confirmed at the desk") if at_desk else _("confirmed by the borrower")
        loan = workflow.transition(
            loan,
            S.LOST if missing else S.RETURNED,
            actor=actor,
            reason=Line("Return %(how)s", how=how),
            already_locked=True,
            returned_at=now,
            return_confirmed_at_desk=at_desk,
        )
        _event(
            loan,
            Kind.LOAN_RETURNED,
            (
                Line(
                    "Loan %(number)s returned, %(n)s items missing",
                    number=loan.number,
                    n=len(missing),
                )
                if missing
                else Line("Loan %(number)s returned", number=loan.number)
            ),
            actor=actor,
        )
        if at_desk and loan.borrower_id:
            # the borrower learns that their password confirmed a return at the desk
            notify(
                [loan.borrower],
                Line(
                    "Your return of loan %(number)s was confirmed at the desk by %(who)s.",
                    number=loan.number,
                    who=actor,
                ),
                loan_link(loan),
                about=loan.dossier,
            )
        _tell_managers(loan, incidents)
    return loan


def _open_incidents(loan, items, *, actor):
    """An incident per damaged or missing item (R24), graded by its importance."""
    found = [i for i in items if i.condition in (Condition.DAMAGED, Condition.MISSING)]
    incidents = []
    for item in found:
        document = item.document
        kind = (
            Incident.Kind.MISSING if item.condition == Condition.MISSING else Incident.Kind.DAMAGED
        )
        description = item.check_note or (
            _("%(title)s did not come back.") % {"title": document.title}
            if kind == Incident.Kind.MISSING
            else _("%(title)s came back damaged.") % {"title": document.title}
        )
        incident = Incident(
            item=item,
            loan=loan,
            kind=kind,
            grade=incident_grade(document, loan),
            description=description[:500],
            responsible=loan.borrower,
            reported_by=loan.return_checked_by or actor,
        )
        workflow.save_with_history(incident, actor=actor, reason=Line("Found at the return"))
        incidents.append(incident)
        _event(
            loan,
            Kind.LOAN_INCIDENT,
            Line(
                "%(kind)s on loan %(number)s (%(grade)s): %(title)s",
                kind=choice(incident, "kind"),
                number=loan.number,
                grade=choice(incident, "grade"),
                title=document.title,
            ),
            actor=actor,
        )
    return incidents


def _tell_managers(loan, incidents):
    if not incidents:
        return
    managers = who_is_told(loan.dossier, perm=HANDLE_INCIDENT, exclude=loan.borrower)
    for incident in incidents:
        notify(
            managers,
            Line(
                "%(grade)s %(kind)s on loan %(number)s (%(who)s): handle it.",
                grade=choice(incident, "grade"),
                kind=choice(incident, "kind"),
                number=loan.number,
                who=loan.borrower_label,
            ),
            incident_link(incident),
            about=loan.dossier,
        )


# --- The borrower disputes the check -----------------------------------------------------
def loan_return_check_again(*, loan, actor, reason) -> Loan:
    """The borrower does not confirm the check: the loan is out again (renewed when it has
    been renewed) and the items are checked once more. The first check stays in the items'
    history."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say what the borrower disputes."))
    workflow.require_move(actor, loan, "check_again")
    with transaction.atomic():
        loan = workflow.lock_for_move(
            actor, loan, "check_again", related=("dossier", "return_checked_by")
        )
        checker = loan.return_checked_by
        items = list(loan.items.filter(out=True))
        for item in items:
            item.condition, item.pages_back, item.copies_back, item.check_note = "", None, None, ""
        LoanItem.objects.bulk_update(items, list(CHECK_FIELDS))
        record_history(LoanItem, items, actor=actor, reason=Line("Check disputed: %(r)s", r=reason))
        told = [u for u in (checker,) if u is not None and u.pk != actor.pk]
        loan = workflow.transition(
            loan,
            S.RENEWED if loan.renewal_count else S.OUT,
            actor=actor,
            reason=Line("Check disputed, to be done again: %(reason)s", reason=reason),
            already_locked=True,
            return_checked_at=None,
            return_checked_by=None,
            tell=[
                (
                    told,
                    Line(
                        "The check of loan %(number)s is disputed: %(reason)s",
                        number=loan.number,
                        reason=reason,
                    ),
                    reverse("lending:return_check", args=[loan.pk]),
                    loan.dossier,
                )
            ],
        )
    return loan


# --- Handling an incident (R24) ----------------------------------------------------------
def incident_handle(*, incident, actor, outcome) -> Incident:
    """A manager records how a loss or damage was handled (R24); never the borrower."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise DomainError(_("Say how it was handled."))
    workflow.require_move(actor, incident, "handle")
    with transaction.atomic():
        incident = workflow.lock_for_move(
            actor,
            incident,
            "handle",
            related=("loan", "loan__dossier", "item__document", "responsible"),
        )
        loan = incident.loan
        told = [u for u in (incident.responsible, incident.reported_by) if u is not None]
        incident = workflow.transition(
            incident,
            Incident.Status.HANDLED,
            actor=actor,
            reason=Line("Handled: %(outcome)s", outcome=outcome[:60]),
            already_locked=True,
            handled_by=actor,
            handled_at=timezone.now(),
            outcome=outcome[:500],
            tell=[
                (
                    [u for u in told if u.pk != actor.pk],
                    Line(
                        "The %(kind)s on loan %(number)s has been handled: %(outcome)s",
                        kind=choice(incident, "kind"),
                        number=loan.number,
                        outcome=outcome[:200],
                    ),
                    incident_link(incident),
                    loan.dossier,
                )
            ],
        )
        _event(
            loan,
            Kind.LOAN_INCIDENT,
            Line(
                "%(kind)s on loan %(number)s handled: %(title)s",
                kind=choice(incident, "kind"),
                number=loan.number,
                title=incident.item.document.title,
            ),
            actor=actor,
        )
    return incident
