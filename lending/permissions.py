"""Who may see and handle loans. A loan is seen through its dossier (R17): the borrower and
whoever registered it see their own loans in the dossiers they may see; those who hold
``view_all_loans`` (managers, the archive room, executives) see every loan of those dossiers.
A loan's documents are still shown only as ``documents.permissions`` allows."""

from django.db.models import Q

from core import permissions as gate
from core.models import AccessLog
from core.services import log_access
from customers.permissions import with_visible_dossier
from documents.permissions import document_visible_to

from .models import Loan

VIEW = "lending.view_loan"
VIEW_ALL = "lending.view_all_loans"
REQUEST = "lending.add_loan"
APPROVE = "lending.approve_loan"
APPROVE_OUTSIDE = "lending.approve_outside_loan"
HAND_OUT = "lending.hand_out_loan"
BORROW_DIRECTLY = "lending.borrow_directly"
HANDLE_INCIDENT = "lending.handle_incident"
LEAD = "lending.lead_archive_room"


def loan_visible_to(user, queryset=None, *, dossier=None):
    """The loans ``user`` may see; with ``dossier``, of that dossier alone."""
    queryset = Loan.objects.all() if queryset is None else queryset
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if user.is_superuser:
        return queryset if dossier is None else queryset.filter(dossier=dossier)
    if not user.has_perm(VIEW):
        return queryset.none()
    visible = with_visible_dossier(user, queryset, within=dossier)
    if user.has_perm(VIEW_ALL):
        return visible
    return visible.filter(Q(borrower=user) | Q(requested_by=user))


def on_loan(user, loan, perm=None) -> bool:
    """The gate of a loan's moves: the sight of its dossier (R17); a page's copy read through
    ``access_loan_or_404`` is not asked again."""
    if getattr(loan, "_seen_by", None) == user.pk:
        return True
    return loan_visible_to(user).filter(pk=loan.pk).exists()


def access_loan_or_404(user, pk, *, perm=None, request=None, queryset=None):
    """The loan ``pk`` if ``user`` holds ``perm`` (refused and logged otherwise) and may see it
    (else 404, the same for missing and not yours); the read of a confidential dossier's loan
    is logged (R21)."""
    if perm:
        gate.require(user, perm, request=request)
    loan = gate.get_or_404(
        user,
        loan_visible_to(user, queryset).select_related("dossier"),
        request=request,
        pk=pk,
    )
    loan._seen_by = user.pk
    if loan.dossier.is_confidential:
        log_access(user, loan, AccessLog.Action.VIEW, request=request)
    return loan


def lendable_documents(user, dossier):
    """The documents of ``dossier`` that ``user`` may see (and so may ask to borrow)."""
    return document_visible_to(user).filter(dossier=dossier)
