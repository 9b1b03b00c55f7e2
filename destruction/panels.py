"""The destruction panel of the dossier page (registered in ``DestructionConfig.ready``): the
dossier's legal holds in force, and the tombstones of its destroyed documents (R38), each
by its reference alone when the reader may not see the document. Three queries at most,
whatever the number of holds and items."""

from django.db.models import Exists

from core import permissions as gate
from documents.models import Document

from .models import BatchItem, Hold
from .permissions import PLACE_HOLD, VIEW, VIEW_HOLD, hold_visible_to, seen_document_ids


def _tombstones(dossier):
    remaining = Document.objects.filter(dossier_id=dossier.pk).exclude(
        status=Document.Status.DESTROYED
    )
    return list(
        BatchItem.objects.filter(dossier=dossier, state=BatchItem.State.DESTROYED)
        .select_related("batch")
        .annotate(dossier_remains=Exists(remaining))  # one constant subquery, not per row
        .order_by("-destroyed_at", "-pk")
    )


def destruction_panel(*, dossier, user):
    can_place = gate.can(user, PLACE_HOLD)
    holds = []
    if gate.can(user, VIEW_HOLD):
        holds = list(
            hold_visible_to(user, Hold.objects.filter(lifted_at__isnull=True), dossier=dossier)
            .select_related("document")
            .order_by("-placed_at", "-pk")
        )
    items = _tombstones(dossier)
    if not holds and not items and not can_place:
        return None
    seen = seen_document_ids(user, items) if items else set()
    for item in items:
        item.shown_title = item.title if item.document_id in seen else ""
    everything = None
    if items and not items[0].dossier_remains:
        last = items[0]
        batches = list(dict.fromkeys(i.batch for i in items))
        everything = {"on": last.destroyed_at, "batches": batches}
    return {
        "template": "destruction/panels/dossier_destruction.html",
        "dossier": dossier,
        "holds": holds,
        "items": items,
        "everything": everything,
        "can_place": can_place,
        "can_see_batches": gate.can(user, VIEW),
    }
