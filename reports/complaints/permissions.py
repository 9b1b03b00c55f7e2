"""Who may see and compile the monthly complaint summary (R41).

The summary is counts: it names no dossier, so it is not filtered by the sight of dossiers.
The list of the month's complaints still waiting for a return visit is, like every list of
complaints (``records.permissions.record_visible_to``). Read by the holders of
``reports.view_complaintsummary`` (front desk, managers, executives, administrators); compiled
by managers (``compile_complaintsummary``).
"""

from core import permissions as gate

from ..roles import COMPILE_COMPLAINTS, RECEIVE_COMPLAINTS, VIEW_COMPLAINTS
from .models import ComplaintSummary

__all__ = [
    "COMPILE_COMPLAINTS",
    "RECEIVE_COMPLAINTS",
    "VIEW_COMPLAINTS",
    "access_summary_or_404",
    "can_compile",
    "can_view",
    "summary_visible_to",
]


def can_view(user):
    return gate.can(user, VIEW_COMPLAINTS)


def can_compile(user):
    return gate.can(user, COMPILE_COMPLAINTS)


def summary_visible_to(user, queryset=None):
    queryset = ComplaintSummary.objects.all() if queryset is None else queryset
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    return queryset if user.is_superuser or user.has_perm(VIEW_COMPLAINTS) else queryset.none()


def access_summary_or_404(user, pk, *, request=None):
    gate.require(user, VIEW_COMPLAINTS, request=request)
    visible = summary_visible_to(user).select_related("computed_by")
    return gate.get_or_404(user, visible, request=request, pk=pk)
