"""Who may see and compile the yearly statistics (R40).

The statistics are counts: they name no dossier, so they are not filtered by the sight of
dossiers. They are read by the holders of ``reports.view_yearlystatistics`` (managers,
archivists, executives, administrators), company-wide and per service centre; the archive
room compiles them (``compile_yearlystatistics``).
"""

from core import permissions as gate

from ..roles import COMPILE_STATISTICS, RECEIVE_STATISTICS, VIEW_STATISTICS
from .models import YearlyStatistics

__all__ = [
    "COMPILE_STATISTICS",
    "RECEIVE_STATISTICS",
    "VIEW_STATISTICS",
    "access_statistics_or_404",
    "can_compile",
    "can_view",
    "statistics_visible_to",
]


def can_view(user):
    return gate.can(user, VIEW_STATISTICS)


def can_compile(user):
    return gate.can(user, COMPILE_STATISTICS)


def statistics_visible_to(user, queryset=None):
    queryset = YearlyStatistics.objects.all() if queryset is None else queryset
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    return queryset if user.is_superuser or user.has_perm(VIEW_STATISTICS) else queryset.none()


def access_statistics_or_404(user, pk, *, request=None):
    """A snapshot, after the right to read the statistics at all (403, logged); a missing one
    is 404."""
    gate.require(user, VIEW_STATISTICS, request=request)
    visible = statistics_visible_to(user).select_related("computed_by")
    return gate.get_or_404(user, visible, request=request, pk=pk)
