"""The loan's writes (R18–R22, R23 renewals, R27, R29): one function per move, each with the
``actor`` it acts for, checking that actor's rights itself (``lending.moves``), so the pages,
the admin, the shell and Celery are held to the same rules.

- ``loan_request``: several items of one dossier at once; refused as a whole, item by item with
  the reason, when the rules or an item's state do not allow it. Registration alone approves it
  where the rules say so (R18, R29); an executive's own loan is approved at once and their
  manager told (R22); an outside party reads on site with its credential and assistance notice,
  approved by the legal department (R20).
- ``loan_approve`` / ``loan_approve_outside`` / ``loan_owner_consent``: each records its part;
  the last one needed approves the loan.
- ``loan_hand_out``: the documents go out through ``documents_move``; the database keeps a
  document on one loan at a time (``loan_item_one_out_per_document``).
- ``renewal_request`` / ``renewal_approve`` / ``renewal_refuse`` / ``renewal_cancel``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workflow
from core.lines import Line
from core.permissions import can, record_refusal
from core.workflow import DomainError
from customers.permissions import can_view_dossier, require_on_dossier, who_is_told
from customers.timeline import record_event
from documents.common import documents_move
from documents.models import Document
from documents.permissions import document_visible_to

from .. import calendar
from ..escalation.selectors import managers_of
from ..models import Access, BorrowerKind, Loan, LoanItem, Mode, Renewal
from ..moves import LOANS, RENEWALS  # noqa: F401  (the declarations the moves check)
from ..permissions import APPROVE, APPROVE_OUTSIDE, BORROW_DIRECTLY, HAND_OUT, REQUEST
from ..rules import (
    LENDABLE_STATUSES,
    active_rules,
    default_loan_days,
    unavailable_reason,
    verdict,
)
from ..timeline import Kind

S = Loan.Status

__all__ = [
    "loan_request",
    "loan_owner_consent",
    "loan_approve",
    "loan_approve_outside",
    "loan_reject",
    "loan_cancel",
    "loan_hand_out",
    "renewal_request",
    "renewal_approve",
    "renewal_refuse",
    "renewal_cancel",
    "loan_link",
    "request_verdicts",
]


def loan_link(loan) -> str:
    return reverse("lending:loan_detail", args=[loan.pk])


def _event(loan, kind, title, *, actor):
    record_event(dossier=loan.dossier, kind=kind, title=title, actor=actor, record=loan)


def _managers(loan, *, exclude=None):
    return who_is_told(loan.dossier, perm=APPROVE, exclude=exclude)


def request_verdicts(*, dossier, documents, mode, whole_dossier=False):
    """The rules' answer for each item (``lending.rules.Verdict``): what the request page shows
    at once, and what ``loan_request`` refuses."""
    rules = active_rules()
    return [verdict(d, mode, whole_dossier=whole_dossier, rules=rules) for d in documents]


def _whole_dossier_documents(actor, dossier):
    held = Document.objects.filter(dossier=dossier).exclude(status=Document.Status.DESTROYED)
    seen = list(
        document_visible_to(actor, held)
        .select_related("dossier", "category")
        .order_by("document_date", "pk")
    )
    if len(seen) != held.count():
        raise DomainError(
            _("Some documents of this dossier are not open to you: ask for them one by one.")
        )
    return seen


def loan_request(
    *,
    dossier,
    mode,
    purpose,
    actor,
    documents=(),
    whole_dossier=False,
    days=None,
    borrower=None,
    party="",
    party_organisation="",
    party_person="",
    party_credential="",
    party_notice=None,
) -> Loan:
    """Register a loan request for ``documents`` of ``dossier`` (or the whole dossier)."""
    require_on_dossier(actor, REQUEST, dossier)
    outside = bool(party)
    if outside:
        borrower = None
    else:
        borrower = borrower or actor
        if borrower.pk != actor.pk and not can(actor, HAND_OUT):
            record_refusal(actor, HAND_OUT, dossier)
            raise PermissionDenied(_("Only the archive room registers a loan for someone else."))
        if not (borrower.is_active and can_view_dossier(borrower, dossier)):
            raise DomainError(_("%(who)s may not see this dossier.") % {"who": borrower})
    purpose = (purpose or "").strip()
    if not purpose:
        raise DomainError(_("Say what the items are needed for."))
    mode = Mode(mode)
    if outside:
        if mode not in (Mode.READ_ARCHIVE, Mode.READ_OFFICE):
            raise DomainError(_("Outside parties read on site only."))
        if not (party_organisation.strip() and party_person.strip() and party_credential.strip()):
            raise DomainError(_("Give the party's organisation, person and credential number."))
        if party_notice is None or party_notice.dossier_id != dossier.pk:
            raise DomainError(_("Attach the assistance notice to this dossier first."))

    if whole_dossier:
        items = _whole_dossier_documents(actor, dossier)
    else:
        ids = {d.pk for d in documents}
        items = list(
            document_visible_to(actor)
            .filter(dossier=dossier, pk__in=ids)
            .select_related("dossier", "category")
            .order_by("document_date", "pk")
        )
        if len(items) != len(ids):
            raise DomainError(_("Some of the chosen documents are not in this dossier."))
    if not items:
        raise DomainError(_("Choose at least one document."))

    verdicts = request_verdicts(
        dossier=dossier, documents=items, mode=mode, whole_dossier=whole_dossier
    )
    refused = [v for v in verdicts if v.refused]
    if refused:
        raise DomainError(
            _("These items cannot be lent: %(list)s")
            % {"list": "；".join(f"{v.document.title}: {v.reason}" for v in refused)}
        )
    allowed_days = min((v.loan_days for v in verdicts if v.loan_days), default=default_loan_days())
    days = allowed_days if days in (None, "") else int(days)
    if days < 1 or days > allowed_days:
        raise DomainError(_("The rules allow 1 to %(n)s days.") % {"n": allowed_days})
    most = min((v.max_items for v in verdicts if v.max_items), default=None)
    if most is not None and borrower is not None:
        held = LoanItem.objects.filter(out=True, loan__borrower=borrower).count()
        if held + len(items) > most:
            raise DomainError(
                _("%(who)s holds %(held)s items; the rules allow %(most)s at a time.")
                % {"who": borrower, "held": held, "most": most}
            )
    direct = borrower is not None and can(borrower, BORROW_DIRECTLY)
    needs_approval = any(v.access == Access.APPROVAL for v in verdicts) and not direct
    if outside:
        needs_approval = any(v.access == Access.APPROVAL for v in verdicts)
    renewals = [v.renewals for v in verdicts if v.renewals is not None]
    renewal_days = min((v.renewal_days for v in verdicts if v.renewal_days), default=days)

    with transaction.atomic():
        loan = Loan(
            dossier=dossier,
            whole_dossier=whole_dossier,
            mode=mode,
            purpose=purpose[:300],
            days=days,
            borrower_kind=(
                BorrowerKind.OUTSIDE
                if outside
                else BorrowerKind.EXECUTIVE
                if direct
                else BorrowerKind.STAFF
            ),
            borrower=borrower,
            party=party if outside else "",
            party_organisation=party_organisation.strip()[:100],
            party_person=party_person.strip()[:50],
            party_credential=party_credential.strip()[:50],
            party_notice=party_notice if outside else None,
            needs_approval=needs_approval,
            needs_legal=outside,
            needs_owner_consent=any(v.owner_consent for v in verdicts),
            personal_data=any(v.personal_data for v in verdicts),
            renewals_allowed=min(renewals) if renewals else None,
            renewal_days=renewal_days,
            renewal_needs_approval=any(v.renewal_needs_approval for v in verdicts),
            requested_by=actor,
        )
        workflow.save_with_history(loan, actor=actor, reason=Line("Loan requested"))
        loan.number = f"JY{timezone.localdate():%Y}-{loan.pk:06d}"
        Loan.objects.filter(pk=loan.pk).update(number=loan.number)
        LoanItem.objects.bulk_create([LoanItem(loan=loan, document=d) for d in items])
        _event(
            loan,
            Kind.LOAN_REQUESTED,
            Line(
                "Loan %(number)s requested: %(n)s items, %(mode)s",
                number=loan.number,
                n=len(items),
                mode=mode.label,
            ),
            actor=actor,
        )
        if not _waiting_for(loan):
            reason = (
                _("Executive's loan, registered without separate approval")
                if direct
                else _("Registration suffices")
            )
            workflow.transition(
                loan, S.APPROVED, actor=actor, reason=reason, approved_at=timezone.now()
            )
        else:
            if outside:
                _open_to_legal(dossier)
            _tell_deciders(loan, actor=actor)
        if direct:
            notify_users = managers_of(loan)
            if notify_users:
                from core.services import notify

                notify(
                    notify_users,
                    Line(
                        "%(who)s borrows %(number)s directly: %(purpose)s",
                        who=borrower,
                        number=loan.number,
                        purpose=loan.purpose,
                    ),
                    loan_link(loan),
                    about=dossier,
                )
    return loan


def _waiting_for(loan) -> list[str]:
    """What the loan still waits for before it is approved."""
    waiting = []
    if loan.needs_owner_consent and not loan.owner_consent_at:
        waiting.append("owner")
    if loan.needs_approval and not loan.approved_by_id:
        waiting.append("manager")
    if loan.needs_legal and not loan.legal_approved_by_id:
        waiting.append("legal")
    return waiting


def _open_to_legal(dossier):
    """The legal department sees the dossier an outside party asks to read (an object grant
    to its group, R17): it decides on what it can read. It keeps that sight afterwards, as the
    loans it approved are its record."""
    from django.contrib.auth.models import Group

    from core.roles import Role
    from customers.permissions import grant_dossier

    group = Group.objects.filter(name=Role.LEGAL.value).first()
    if group is not None:
        grant_dossier(group, dossier)


def _tell_deciders(loan, *, actor):
    from core.services import notify

    message = Line(
        "Loan %(number)s waits for your decision: %(purpose)s",
        number=loan.number,
        purpose=loan.purpose,
    )
    if loan.needs_approval and not loan.approved_by_id:
        notify(_managers(loan, exclude=actor), message, loan_link(loan), about=loan.dossier)
    if loan.needs_legal and not loan.legal_approved_by_id:
        from core.roles import Role

        legal = who_is_told(loan.dossier, roles=(Role.LEGAL,), perm=APPROVE_OUTSIDE, exclude=actor)
        notify(legal, message, loan_link(loan), about=loan.dossier)


def _approved_if_complete(loan, *, actor, reason, **fields):
    """Save the part just given (``fields``); approve the loan when nothing else is awaited."""
    for name, value in fields.items():
        setattr(loan, name, value)
    if _waiting_for(loan):
        workflow.save_with_history(loan, actor=actor, reason=reason, update_fields=list(fields))
        return loan
    fields.setdefault("approved_at", loan.approved_at or timezone.now())
    loan = workflow.transition(
        loan,
        S.APPROVED,
        actor=actor,
        reason=reason,
        already_locked=True,
        tell=_told_of_decision(loan, Line("approved")),
        **fields,
    )
    _event(
        loan,
        Kind.LOAN_DECIDED,
        Line("Loan %(number)s approved", number=loan.number),
        actor=actor,
    )
    return loan


def _told_of_decision(loan, word):
    people = [p for p in (loan.borrower, loan.requested_by) if p is not None]
    message = Line("Loan %(number)s %(decision)s.", number=loan.number, decision=word)
    return [(people, message, loan_link(loan), loan.dossier)]


def loan_owner_consent(*, loan, note, actor) -> Loan:
    """Record the owner's consent (R19): how and when it was given."""
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say how the owner consented (in writing, by phone …)."))
    workflow.require_move(actor, loan, "owner_consent")
    with transaction.atomic():
        loan = workflow.lock_for_move(actor, loan, "owner_consent", related=("dossier",))
        return _approved_if_complete(
            loan,
            actor=actor,
            reason=Line("Owner's consent recorded"),
            owner_consent_at=timezone.now(),
            owner_consent_by=actor,
            owner_consent_note=note[:200],
        )


def loan_approve(*, loan, actor, note="") -> Loan:
    """A manager's approval (R22; the service-centre head's consent for personal data, R19)."""
    workflow.require_move(actor, loan, "approve")
    with transaction.atomic():
        loan = workflow.lock_for_move(actor, loan, "approve", related=("dossier",))
        return _approved_if_complete(
            loan,
            actor=actor,
            reason=Line("Approved by a manager"),
            approved_by=actor,
            approved_at=timezone.now(),
            decision_note=(note or "").strip()[:300],
        )


def loan_approve_outside(*, loan, actor, note="") -> Loan:
    """The legal department's approval of an outside party's reading (R20)."""
    workflow.require_move(actor, loan, "approve_outside")
    with transaction.atomic():
        loan = workflow.lock_for_move(actor, loan, "approve_outside", related=("dossier",))
        return _approved_if_complete(
            loan,
            actor=actor,
            reason=Line("Approved by the legal department"),
            legal_approved_by=actor,
            legal_approved_at=timezone.now(),
        )


def loan_reject(*, loan, actor, note) -> Loan:
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say why the loan is rejected."))
    name = "reject" if "reject" in workflow.allowed_moves(actor, loan) else "reject_outside"
    workflow.require_move(actor, loan, name)
    with transaction.atomic():
        loan = workflow.lock_for_move(actor, loan, name, related=("dossier",))
        loan = workflow.transition(
            loan,
            S.REJECTED,
            actor=actor,
            reason=Line("Rejected: %(note)s", note=note),
            already_locked=True,
            decision_note=note[:300],
            tell=_told_of_decision(loan, Line("rejected")),
        )
        _event(
            loan,
            Kind.LOAN_DECIDED,
            Line("Loan %(number)s rejected", number=loan.number),
            actor=actor,
        )
    return loan


def loan_cancel(*, loan, actor, reason="") -> Loan:
    workflow.require_move(actor, loan, "cancel")
    with transaction.atomic():
        loan = workflow.lock_for_move(actor, loan, "cancel", related=("dossier",))
        return workflow.transition(
            loan,
            S.CANCELLED,
            actor=actor,
            reason=(
                Line("%(what)s: %(note)s", what=Line("Cancelled"), note=reason)
                if reason
                else Line("Cancelled")
            ),
            already_locked=True,
        )


def loan_hand_out(*, loan, actor) -> Loan:
    """The archivist hands the items out (出借). Refused, with each item's reason, when an
    item is in a handover, destroyed, lost or out on another loan; the partial unique index
    keeps two desks from handing out one document at the same moment."""
    workflow.require_move(actor, loan, "hand_out")
    with transaction.atomic():
        loan = workflow.lock_for_move(actor, loan, "hand_out", related=("dossier",))
        if loan.borrower_id is not None:
            # serialised with a deactivation of the borrower (core.clearance, R28)
            borrower = get_user_model().objects.select_for_update().get(pk=loan.borrower_id)
            if not borrower.is_active:
                raise DomainError(_("The borrower's account is no longer active."))
        items = list(loan.items.select_related("document", "document__dossier"))
        blocked = [i for i in items if i.document.status not in LENDABLE_STATUSES]
        if blocked:
            raise DomainError(
                _("These items cannot be handed out: %(list)s")
                % {
                    "list": "；".join(
                        f"{i.document.title}: {unavailable_reason(i.document)}" for i in blocked
                    )
                }
            )
        for item in items:
            item.status_before = item.document.status
            item.out = True
        try:
            with transaction.atomic():
                LoanItem.objects.bulk_update(items, ["status_before", "out"])
        except IntegrityError:
            raise DomainError(
                _("One of these items has just been handed out on another loan.")
            ) from None
        documents_move(
            [i.document for i in items],
            Document.Status.ON_LOAN,
            actor=actor,
            reason=Line("Lent on %(number)s", number=loan.number),
        )
        start = timezone.localdate()
        due = calendar.due_on(start, loan.days)
        loan = workflow.transition(
            loan,
            S.OUT,
            actor=actor,
            reason=Line("Handed out"),
            already_locked=True,
            handed_out_at=timezone.now(),
            handed_out_by=actor,
            period_start=start,
            due_on=due,
            escalate_on=calendar.escalate_on(start, due),
        )
        _event(
            loan,
            Kind.LOAN_OUT,
            Line(
                "Loan %(number)s handed out, due %(due)s",
                number=loan.number,
                due=loan.due_on,
            ),
            actor=actor,
        )
    return loan


# --- Renewals -----------------------------------------------------------------------------
def _renewal_refusal(loan) -> str | None:
    """Why the loan cannot be renewed now (R23): past the allowed count, or someone else waits
    for one of its items."""
    if loan.renewals_allowed is not None and loan.renewal_count >= loan.renewals_allowed:
        return _("This loan has been renewed %(n)s times, as often as the rules allow.") % {
            "n": loan.renewal_count
        }
    waiting = (
        LoanItem.objects.filter(
            document__in=loan.items.values("document"),
            loan__status__in=Loan.WAITING_STATUSES,
        )
        .exclude(loan=loan)
        .exists()
    )
    if waiting:
        return _("Someone else is waiting for an item of this loan: bring it back.")
    return None


def renewal_request(*, loan, reason, actor, days=None) -> Renewal:
    """The borrower asks to renew (续借); granted at once where the rules need no approval."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the items are still needed."))
    workflow.require_move(actor, loan, "renew")
    days = loan.renewal_days if days in (None, "") else int(days)
    if days < 1 or days > loan.renewal_days:
        raise DomainError(_("A renewal is 1 to %(n)s days.") % {"n": loan.renewal_days})
    with transaction.atomic():
        loan = workflow.lock_for_move(actor, loan, "renew", related=("dossier",))
        refusal = _renewal_refusal(loan)
        if refusal:
            raise DomainError(refusal)
        if loan.renewals.filter(status=Renewal.Status.REQUESTED).exists():
            raise DomainError(_("A renewal of this loan is already waiting for a decision."))
        renewal = Renewal(loan=loan, days=days, reason=reason[:300], requested_by=actor)
        workflow.save_with_history(renewal, actor=actor, reason=Line("Renewal requested"))
        if loan.renewal_needs_approval and not can(loan.borrower, BORROW_DIRECTLY):
            from core.services import notify

            notify(
                _managers(loan, exclude=actor),
                Line(
                    "Renewal of loan %(number)s waits for your decision: %(reason)s",
                    number=loan.number,
                    reason=renewal.reason,
                ),
                loan_link(loan),
                about=loan.dossier,
            )
            return renewal
        return _grant(renewal, loan, actor=actor, note=_("No approval needed"))


def _grant(renewal, loan, *, actor, note=""):
    start = timezone.localdate()
    new_due = calendar.due_on(start, renewal.days)
    workflow.transition(
        renewal,
        Renewal.Status.APPROVED,
        actor=actor,
        reason=Line("Renewal granted"),
        decided_by=actor if renewal.requested_by_id != actor.pk else None,
        decided_at=timezone.now(),
        decision_note=str(note)[:300],
        new_due_on=new_due,
    )
    # a new period: the ledger re-arms from today (R23)
    workflow.transition(
        loan,
        S.RENEWED,
        actor=actor,
        reason=Line("Renewed until %(day)s", day=new_due),
        already_locked=True,
        period_start=start,
        due_on=new_due,
        escalate_on=calendar.escalate_on(start, new_due),
        renewal_count=loan.renewal_count + 1,
        escalated=False,
        tell=_told_of_decision(loan, Line("renewed until %(day)s", day=new_due)),
    )
    _event(
        loan,
        Kind.LOAN_RENEWED,
        Line("Loan %(number)s renewed until %(day)s", number=loan.number, day=new_due),
        actor=actor,
    )
    return renewal


def renewal_approve(*, renewal, actor, note="") -> Renewal:
    workflow.require_move(actor, renewal, "approve")
    with transaction.atomic():
        loan = workflow.lock(Loan, renewal.loan_id, related=("dossier",))
        renewal = workflow.lock_for_move(actor, renewal, "approve")
        if loan.status not in (S.OUT, S.RENEWED):
            raise DomainError(_("This loan is no longer out."))
        refusal = _renewal_refusal(loan)
        if refusal:
            raise DomainError(refusal)
        return _grant(renewal, loan, actor=actor, note=note)


def renewal_refuse(*, renewal, actor, note) -> Renewal:
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say why the renewal is refused."))
    workflow.require_move(actor, renewal, "refuse")
    with transaction.atomic():
        renewal = workflow.lock_for_move(
            actor, renewal, "refuse", related=("loan", "loan__dossier")
        )
        loan = renewal.loan
        return workflow.transition(
            renewal,
            Renewal.Status.REFUSED,
            actor=actor,
            reason=Line("Renewal refused: %(note)s", note=note),
            already_locked=True,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=note[:300],
            tell=_told_of_decision(loan, Line("not renewed: %(note)s", note=note)),
        )


def renewal_cancel(*, renewal, actor) -> Renewal:
    workflow.require_move(actor, renewal, "cancel")
    with transaction.atomic():
        renewal = workflow.lock_for_move(actor, renewal, "cancel")
        return workflow.transition(
            renewal,
            Renewal.Status.CANCELLED,
            actor=actor,
            reason=Line("Cancelled"),
            already_locked=True,
        )
