"""Reads of the return pages and the incidents (R24, R25): no side effects."""

from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When

from documents.permissions import document_visible_to

from ..models import Incident
from .permissions import incident_visible_to


def return_items(loan):
    """The items of ``loan`` still out, with their documents: what the check and the
    confirmation show."""
    return loan.items.filter(out=True).select_related("document__dossier", "document__category")


def incident_list(*, user, status=""):
    """The incidents ``user`` may see, open ones first, newest first (index
    ``incident_status_idx``). ``document_seen``: whether the user may see the item itself (a
    document of a higher level than its dossier shows only to those granted on it)."""
    qs = incident_visible_to(user)
    if status in Incident.Status.values:
        qs = qs.filter(status=status)
    seen = document_visible_to(user).filter(pk=OuterRef("item__document_id"))
    return (
        qs.select_related(
            "loan__dossier",
            "loan__borrower",
            "item__document__dossier",
            "responsible",
            "handled_by",
        )
        .annotate(
            open_first=Case(
                When(status=Incident.Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            document_seen=Exists(seen),
        )
        .order_by("open_first", "-reported_at", "-pk")
    )
