"""Copies, excerpts and photographs (R26) and the following of personal data's copies (R19).

A loan in mode ``copy`` is requested and approved like any loan (``lending.loans``); then the
archive room makes the copies and checks them (``copies_make``): each is registered with its
count, holder and purpose, and the loan is closed as COPIED (the originals never leave).
Copies of personal data are HELD: followed until they come back or are destroyed
(``copy_close``); the others are RELEASED.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workflow
from core.lines import Line
from core.workflow import DomainError
from customers.permissions import can_view_dossier
from customers.timeline import record_event

from ..loans.services import loan_link
from ..models import CopyRecord, Loan, Mode
from ..moves import COPIES, LOANS  # noqa: F401  (the declarations the moves check)
from ..rules import LENDABLE_STATUSES, active_rules, unavailable_reason, verdict
from ..timeline import Kind

S = CopyRecord.Status
CLOSE_MOVES = {"returned": S.RETURNED, "destroyed": S.DESTROYED}

__all__ = ["copies_make", "copy_close", "CLOSE_MOVES", "CopiesRefused"]


class CopiesRefused(DomainError):
    """The copies are refused row by row: ``errors`` = [{field: message}] in the order given."""

    def __init__(self, message, errors):
        super().__init__(message)
        self.errors = errors


def _row(loan, row, documents) -> tuple[dict, dict]:
    """One row of copies, cleaned: (the CopyRecord's fields, errors by field)."""
    errors = {}
    document = row.get("document")
    pk = getattr(document, "pk", document)
    document = documents.get(pk)
    if document is None:
        errors["document"] = _("Copies are made only of the documents of this loan.")
    elif document.status not in LENDABLE_STATUSES:
        errors["document"] = unavailable_reason(document)
    kind = str(row.get("kind") or CopyRecord.Kind.COPY)
    if kind not in CopyRecord.Kind.values:
        errors["kind"] = _("Choose a copy, an excerpt or a photograph.")
    try:
        count = int(row.get("count"))
    except (TypeError, ValueError):
        count = 0
    if count < 1 or count > 999:
        errors["count"] = _("Give how many were made (1 to 999).")
    holder = row.get("holder")
    holder_name = str(row.get("holder_name") or "").strip()[:100]
    if holder is not None:
        # R17: a copy goes only to someone who may see the dossier
        if not (holder.is_active and can_view_dossier(holder, loan.dossier)):
            errors["holder_name"] = _("%(who)s may not see this dossier.") % {"who": holder}
    elif not holder_name:
        errors["holder_name"] = _("Say who holds the copies.")
    purpose = str(row.get("purpose") or "").strip()[:300]
    if not purpose:
        errors["purpose"] = _("Say what the copies are for.")
    values = {
        "document": document,
        "kind": kind,
        "count": count,
        "holder": holder,
        "holder_name": holder_name,
        "purpose": purpose,
    }
    return values, errors


def copies_make(*, loan, actor, copies) -> list[CopyRecord]:
    """The archive room makes and checks the copies of an approved copy loan (R26):
    ``copies`` = [{"document", "kind", "count", "holder" (a user or None), "holder_name",
    "purpose"}], of the loan's documents only. Copies of personal data (the loan's, or the
    rules' for the document, R19) are HELD and followed; the others RELEASED. APPROVED →
    COPIED."""
    workflow.require_move(actor, loan, "make_copies")
    copies = list(copies or ())
    if not copies:
        raise DomainError(_("Register at least one copy."))
    with transaction.atomic():
        loan = workflow.lock_for_move(actor, loan, "make_copies", related=("dossier", "borrower"))
        documents = {
            i.document.pk: i.document
            for i in loan.items.select_related("document", "document__dossier")
        }
        rows, errors = [], []
        for row in copies:
            values, row_errors = _row(loan, row or {}, documents)
            rows.append(values)
            errors.append(row_errors)
        if any(errors):
            raise CopiesRefused(_("The copies cannot be registered: see the rows marked."), errors)
        rules = active_rules()
        personal = {
            pk: loan.personal_data
            or verdict(d, Mode.COPY, whole_dossier=loan.whole_dossier, rules=rules).personal_data
            for pk, d in documents.items()
        }
        made = []
        for values in rows:
            held = personal[values["document"].pk]
            record = CopyRecord(
                loan=loan,
                personal_data=held,
                status=S.HELD if held else S.RELEASED,
                made_by=actor,
                **values,
            )
            workflow.save_with_history(record, actor=actor, reason=Line("Copies made"))
            made.append(record)
        held = sum(r.count for r in made if r.status == S.HELD)
        total = sum(r.count for r in made)
        message = Line(
            "The copies of loan %(number)s are ready: %(n)s.", number=loan.number, n=total
        )
        if held:
            message = Line(
                "%(ready)s %(held)s",
                ready=message,
                held=Line(
                    "%(n)s hold personal data: return them to the archive room or have them "
                    "destroyed when they have served.",
                    n=held,
                ),
            )
        holders = {r.holder.pk: r.holder for r in made if r.holder is not None}
        if loan.borrower_id:
            holders.setdefault(loan.borrower_id, loan.borrower)
        loan = workflow.transition(
            loan,
            Loan.Status.COPIED,
            actor=actor,
            reason=Line("Copies made: %(n)s", n=total),
            already_locked=True,
            tell=[(list(holders.values()), message, loan_link(loan), loan.dossier)],
        )
        record_event(
            dossier=loan.dossier,
            kind=Kind.COPIES_MADE,
            title=Line(
                "Loan %(number)s: %(n)s copies made, %(held)s followed (personal data)",
                number=loan.number,
                n=total,
                held=held,
            ),
            actor=actor,
            record=loan,
        )
    return made


def copy_close(*, copy, actor, to, note="") -> CopyRecord:
    """A held copy of personal data comes back to the archive room or is destroyed (R19),
    recorded with who and when; ``to`` is "returned" or "destroyed"."""
    if to not in CLOSE_MOVES:
        raise DomainError(_("A copy is returned or destroyed."))
    note = (note or "").strip()
    if to == "destroyed" and not note:
        raise DomainError(_("Say how the copy was destroyed (shredded, by whom …)."))
    workflow.require_move(actor, copy, to)
    with transaction.atomic():
        copy = workflow.lock_for_move(
            actor, copy, to, related=("loan", "loan__dossier", "document", "holder")
        )
        reason = Line("Copy returned") if to == "returned" else Line("Copy destroyed")
        return workflow.transition(
            copy,
            CLOSE_MOVES[to],
            actor=actor,
            reason=Line("%(what)s: %(note)s", what=reason, note=note) if note else reason,
            already_locked=True,
            closed_by=actor,
            closed_at=timezone.now(),
            close_note=note[:300],
        )
