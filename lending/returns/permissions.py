"""Who may see an incident (R24): whoever may see its loan (``lending.permissions``)."""

from core import permissions as gate
from core.models import AccessLog
from core.services import log_access

from ..models import Incident
from ..permissions import loan_visible_to

VIEW_INCIDENT = "lending.view_incident"


def incident_visible_to(user, queryset=None):
    queryset = Incident.objects.all() if queryset is None else queryset
    return queryset.filter(loan__in=loan_visible_to(user).values("pk"))


def access_incident_or_404(user, pk, *, perm=VIEW_INCIDENT, request=None):
    """The incident ``pk`` if ``user`` holds ``perm`` (refused and logged otherwise) and may
    see its loan (else 404, the same for missing and not yours); a confidential dossier's
    incident read is logged (R21)."""
    if perm:
        gate.require(user, perm, request=request)
    incident = gate.get_or_404(
        user,
        incident_visible_to(user).select_related(
            "loan__dossier",
            "loan__borrower",
            "item__document__dossier",
            "item__document__category",
            "responsible",
            "reported_by",
            "handled_by",
        ),
        request=request,
        pk=pk,
    )
    incident.loan._seen_by = user.pk  # read through the user's sight: the moves' gate passes
    if incident.loan.dossier.is_confidential:
        log_access(user, incident, AccessLog.Action.VIEW, request=request)
    return incident
