"""Who may see and do what with the records of a dossier: everything is inherited from the
dossier (customers.permissions). Whoever cannot see a dossier sees none of its records,
anywhere: lists, timelines, detail pages, admin.
"""

from django.db.models import Q

from core import permissions as gate
from core.choices import CONFIDENTIAL_LEVELS
from core.models import AccessLog
from core.services import log_access
from customers.permissions import (
    can_view_dossier,
    visible_dossier_condition,
    with_visible_dossier,
)

from .models import Complaint


def record_visible_to(user, model, queryset=None):
    """The records of ``model`` in the dossiers ``user`` may see: one subquery."""
    queryset = model._default_manager.all() if queryset is None else queryset
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    condition = visible_dossier_condition(user, "dossier")
    if condition is None:
        return queryset
    if model is Complaint:
        # a collective complaint is a record of every dossier it concerns: its own dossier or
        # one of the link table's rows. The links are few (one for each other dossier of a
        # collective complaint): PostgreSQL hashes the visible ones once and probes each row,
        # so a page cut from the newest still stops after 25 rows. A correlated EXISTS made
        # the count of every visible complaint three times as slow (docs/PERFORMANCE.md)
        others = with_visible_dossier(user, Complaint.other_dossiers.through.objects.order_by())
        return queryset.filter(condition | Q(pk__in=others.values("complaint")))
    return queryset.filter(condition)


def is_confidential_record(record) -> bool:
    """A record of a confidential dossier (level B or A). A collective complaint is a record of
    every dossier it names, so it is confidential when one of them is, whichever dossier it
    is read through (R21)."""
    if record.dossier.is_confidential:
        return True
    if isinstance(record, Complaint):
        return record.other_dossiers.filter(secrecy_level__in=CONFIDENTIAL_LEVELS).exists()
    return False


def access_record_or_404(user, model, pk, *, perm=None, request=None, queryset=None):
    """Fetch a record the user may see (404 otherwise, the same for missing and forbidden);
    opening a confidential record is logged (R21). ``perm``: the page's model permission too
    (403, logged, to whoever sees the dossier but lacks it)."""
    record = gate.get_or_404(user, record_visible_to(user, model, queryset), request=request, pk=pk)
    if is_confidential_record(record):
        log_access(user, record, AccessLog.Action.VIEW, request=request)
    if perm:
        gate.require(user, perm, request=request)
    return record


def require_record(user, perm, dossier, *, request=None):
    """Services call this: the model permission and the sight of the dossier."""
    gate.require(user, perm, request=request)
    if not can_view_dossier(user, dossier):
        gate.record_refusal(user, perm, dossier, request=request)
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied


def can(user, perm) -> bool:
    """The model permission alone (the dossier is checked where the record is fetched)."""
    return gate.can(user, perm)


def on_dossier(user, record, perm=None) -> bool:
    """The gate of every records workflow (``core.workflow``): the right on the record's
    dossier. Asked once per user and record (a page asks it for each of its buttons)."""
    seen = record.__dict__.setdefault("_dossier_seen_by", {})
    if user.pk not in seen:
        seen[user.pk] = can_view_dossier(user, record.dossier)
    return seen[user.pk]


# --- The dossier page's records panel ----------------------------------------------------------
def sees_records_panel(user) -> bool:
    return gate.can(user, "records.view_complaint")


def addable(user, kinds):
    """The kinds of record ``user`` may add: ``(label, url_name, perm, icon)`` rows →
    ``(label, url_name, icon)``."""
    return [(label, url, icon) for label, url, perm, icon in kinds if gate.can(user, perm)]
