"""Who may see a copy record (R26, R19): whoever may see its loan (``lending.permissions``)."""

from core import permissions as gate

from ..models import CopyRecord
from ..permissions import loan_visible_to
from ..returns.permissions import log_loans_shown

VIEW_COPY = "lending.view_copyrecord"


def copy_visible_to(user, queryset=None):
    queryset = CopyRecord.objects.all() if queryset is None else queryset
    return queryset.filter(loan__in=loan_visible_to(user).values("pk"))


def access_copy_or_404(user, pk, *, perm=VIEW_COPY, request=None):
    """The copy record ``pk`` if ``user`` holds ``perm`` and may see its loan (else 404);
    the read of a confidential dossier's loan is logged (R21)."""
    if perm:
        gate.require(user, perm, request=request)
    copy = gate.get_or_404(
        user,
        copy_visible_to(user).select_related("loan__dossier", "document", "holder"),
        request=request,
        pk=pk,
    )
    copy.loan._seen_by = user.pk
    log_loans_shown(user, [copy.loan], request=request)
    return copy
