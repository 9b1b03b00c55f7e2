"""The moves of lending's workflows, declared once (docs/ARCHITECTURE.md, "The move"): who may
make each move, from which status, under which guard. The services (``lending.loans``,
``lending.returns``, ``lending.copies``) make them; the pages offer them (``allowed_moves``)."""

from django.utils.translation import gettext_lazy as _

from core import workflow
from core.workflow import Move

from .models import CopyRecord, Incident, Loan, Mode, Renewal
from .permissions import (
    APPROVE,
    APPROVE_OUTSIDE,
    HAND_OUT,
    HANDLE_INCIDENT,
    REQUEST,
    on_loan,
)

S = Loan.Status
RENEW = "lending.add_renewal"


def _own(user, loan):
    return user.pk in (loan.borrower_id, loan.requested_by_id)


def _approve_guard(user, loan):
    if not loan.needs_approval or loan.approved_by_id:
        return False
    if _own(user, loan):
        return _("You cannot approve a loan you asked for or borrow yourself.")
    if loan.needs_owner_consent and not loan.owner_consent_at:
        return _("Record the owner's consent first.")
    return None


def _approve_outside_guard(user, loan):
    if not loan.needs_legal or loan.legal_approved_by_id:
        return False
    if _own(user, loan):
        return _("You cannot approve a loan you registered yourself.")
    return None


def _owner_consent_guard(user, loan):
    if not loan.needs_owner_consent or loan.owner_consent_at:
        return False
    return None


def _reject_guard(user, loan):
    if _own(user, loan):
        return _("You cannot decide on a loan you asked for or borrow yourself.")
    return None


def _cancel_guard(user, loan):
    return None if _own(user, loan) else False


def _hand_out_guard(user, loan):
    if loan.mode == Mode.COPY:
        return False  # copies are made, the originals stay (make_copies)
    if user.pk == loan.borrower_id:
        return _("Someone else hands the items out to you.")
    return None


def _copies_guard(user, loan):
    if loan.mode != Mode.COPY:
        return False
    if user.pk == loan.borrower_id:
        return _("Someone else makes the copies for you.")
    return None


def _renew_guard(user, loan):
    if loan.borrower_kind == "outside":
        return False
    return None if _own(user, loan) else False


def _check_guard(user, loan):
    if user.pk == loan.borrower_id:
        return _("Someone else checks what you bring back.")
    return None


def _confirm_guard(user, loan):
    # the borrower on their own screen, or the archive room at the desk (with the
    # borrower's password, or an outside party's signature on the paper form)
    if user.pk == loan.borrower_id:
        return None
    from core.permissions import can

    return None if can(user, HAND_OUT) else False


LOANS = workflow.declare(
    Loan,
    Move("owner_consent", None, perm=REQUEST, source=(S.REQUESTED,), guard=_owner_consent_guard),
    Move("approve", None, perm=APPROVE, source=(S.REQUESTED,), guard=_approve_guard),
    Move(
        "approve_outside",
        None,
        perm=APPROVE_OUTSIDE,
        source=(S.REQUESTED,),
        guard=_approve_outside_guard,
    ),
    Move("reject", S.REJECTED, perm=APPROVE, guard=_reject_guard),
    Move("reject_outside", S.REJECTED, perm=APPROVE_OUTSIDE, guard=_approve_outside_guard),
    Move("cancel", S.CANCELLED, perm=REQUEST, guard=_cancel_guard),
    Move("hand_out", S.OUT, perm=HAND_OUT, guard=_hand_out_guard),
    Move("make_copies", S.COPIED, perm=HAND_OUT, guard=_copies_guard),
    Move("renew", None, perm=RENEW, source=(S.OUT, S.RENEWED), guard=_renew_guard),
    Move("check_return", S.RETURN_CHECKED, perm=HAND_OUT, guard=_check_guard),
    Move("confirm_return", None, perm=None, source=(S.RETURN_CHECKED,), guard=_confirm_guard),
    Move("check_again", None, perm=HAND_OUT, source=(S.RETURN_CHECKED,)),
    gate=on_loan,
)


def _on_loan_of(user, obj, perm=None):
    return on_loan(user, obj.loan, perm)


def _decide_renewal_guard(user, renewal):
    if user.pk in (renewal.requested_by_id, renewal.loan.borrower_id):
        return _("You cannot decide on your own renewal.")
    return None


def _cancel_renewal_guard(user, renewal):
    return None if user.pk == renewal.requested_by_id else False


RENEWALS = workflow.declare(
    Renewal,
    Move("approve", Renewal.Status.APPROVED, perm=APPROVE, guard=_decide_renewal_guard),
    Move("refuse", Renewal.Status.REFUSED, perm=APPROVE, guard=_decide_renewal_guard),
    Move("cancel", Renewal.Status.CANCELLED, perm=RENEW, guard=_cancel_renewal_guard),
    gate=_on_loan_of,
)


def _handle_guard(user, incident):
    if user.pk in (incident.responsible_id, incident.loan.borrower_id):
        return _("Someone else handles a loss or damage on your own loan.")
    return None


INCIDENTS = workflow.declare(
    Incident,
    Move("handle", Incident.Status.HANDLED, perm=HANDLE_INCIDENT, guard=_handle_guard),
    gate=_on_loan_of,
)

COPIES = workflow.declare(
    CopyRecord,
    Move("returned", CopyRecord.Status.RETURNED, perm=HAND_OUT),
    Move("destroyed", CopyRecord.Status.DESTROYED, perm=HAND_OUT),
    gate=_on_loan_of,
)
