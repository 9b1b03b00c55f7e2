"""What the holds' pages read: the holds a user may see, the documents a hold may name."""

from documents.models import Document
from documents.permissions import document_visible_to

from ..models import Hold
from ..permissions import hold_visible_to


def hold_list(*, user, state="active"):
    """The holds ``user`` may see, newest first: in force, lifted, or all."""
    holds = Hold.objects.all()
    if state == "active":
        holds = holds.filter(lifted_at__isnull=True)
    elif state == "lifted":
        holds = holds.filter(lifted_at__isnull=False)
    return (
        hold_visible_to(user, holds)
        .select_related("dossier", "document__dossier", "placed_by", "lifted_by")
        .order_by("-placed_at", "-pk")
    )


def holdable_documents(*, user, dossier):
    """The documents of ``dossier`` ``user`` may see and that are still there to be kept."""
    return (
        document_visible_to(user)
        .filter(dossier=dossier)
        .exclude(status__in=(Document.Status.DESTROYED, Document.Status.LOST))
        .order_by("document_date", "pk")
    )
