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
    see its loan (else 404, the same for missing and not yours); the read of a confidential
    dossier's loan is logged (R21)."""
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
    log_loans_shown(user, [incident.loan], request=request)
    return incident


def log_loans_shown(user, loans, *, request=None):
    """R21: a page that shows loans of a confidential dossier (its archive number) writes a
    read of each such loan (one row per loan, whatever number of its lines the page shows)."""
    seen = set()
    for loan in loans:
        if loan.pk not in seen and loan.dossier.is_confidential:
            seen.add(loan.pk)
            log_access(user, loan, AccessLog.Action.VIEW, request=request)
