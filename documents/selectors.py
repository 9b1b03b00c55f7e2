"""Reads across the documents app: catalogs, locations, the checklist of required documents."""

from collections import defaultdict
from dataclasses import dataclass, field

from core.validators import is_pk
from customers.models import Dossier, Occupancy

from . import permissions
from .models import Box, Document, RequiredDocument

# Off the shelf for good: a destroyed document, and one lost on a loan (R24). They stay in the
# catalog with their history, but the location index and a box's contents no longer show them.
OFF_SHELF = (Document.Status.DESTROYED, Document.Status.LOST)


def dossier_catalog(*, dossier, user):
    """R6: the dossier's documents that ``user`` may see, newest first, with their places."""
    return (
        permissions.document_visible_to(user, dossier=dossier)
        .select_related("category", "box__shelf__room", "section__customer", "recorded_by")
        .for_catalog()
    )


def box_contents(*, box, user):
    """R31: what is in this box (the items ``user`` may see), in item order."""
    return (
        permissions.document_visible_to(user)
        .filter(box=box)
        .exclude(status__in=OFF_SHELF)
        .select_related("dossier", "category")
        .order_by("item_number", "pk")
    )


def boxes(*, user, room=None):
    qs = permissions.box_visible_to(user).select_related("shelf__room", "dossier")
    if room:
        qs = qs.filter(shelf__room=room)
    return qs


def filing_boxes(*, user, q="", shelf=None, also=None):
    """The boxes filing offers (R15, R31): the dossier's own boxes (``q``, its archive number)
    first, then, when a ``shelf`` is chosen, the other boxes on that shelf; never the whole
    store. Without ``q`` nor ``shelf``: none. ``also``: a box chosen already (kept offered)."""
    from django.db.models import Case, IntegerField, Q, Value, When

    q = (q or "").strip()
    if not q and not shelf and not also:
        return Box.objects.none()
    own = Q(dossier__archive_number__iexact=q) if q else Q(pk__in=[])
    condition = own | (Q(shelf=shelf) if shelf else Q(pk__in=[]))
    if also:
        condition |= Q(pk=also)
    return (
        boxes(user=user)
        .filter(condition)
        .annotate(own=Case(When(own, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("own", "shelf__room__code", "shelf__number", "number")
    )


def next_step(document) -> str:
    """What happens next to ``document`` and who does it, in the archive's words (the document
    page says it after an upload)."""
    from django.utils.translation import gettext as _

    Status, Custody = Document.Status, Document.Custody
    if document.status == Status.RECEIVED and document.custody == Custody.SERVICE_CENTRE:
        return _(
            "Waits for the archive room to file it into the dossier's box — the archivists are "
            "told. Then its place can be looked up in the location index."
        )
    if document.status == Status.RECEIVED:
        return _(
            "Handed over to the company archive room; waits for an archivist to file it there."
        )
    if document.status == Status.FILED:
        return _("Filed in box %(box)s as item %(item)s: look it up in the location index.") % {
            "box": document.box,
            "item": document.reference or document.item_number,
        }
    if document.status == Status.IN_HANDOVER:
        return _(
            "On a handover list to the company archive room: the archive room checks it, then "
            "both sides sign."
        )
    if document.status == Status.ON_LOAN:
        return _("On loan: the archivist checks it back in when it is returned.")
    return _("No longer on the shelf; it stays in the catalog with its history.")


def with_item_counts(boxes):
    """``boxes`` with ``items``: the documents on the shelf in each (not destroyed nor lost)."""
    from django.db.models import Count, Q

    return boxes.annotate(items=Count("documents", filter=~Q(documents__status__in=OFF_SHELF)))


def find_documents(*, user, q):
    """R31: "where is this item": by archive number (of the dossier or the item) or title;
    destroyed and lost documents have no place any more (their own page says what became of
    them)."""
    from django.db.models import Q

    q = q.strip()
    qs = (
        permissions.document_visible_to(user)
        .exclude(status__in=OFF_SHELF)
        .select_related("dossier", "category", "box__shelf__room")
    )
    if not q:
        return qs.none()
    condition = Q(dossier__archive_number__icontains=q) | Q(title__icontains=q)
    number, _sep, item = q.rpartition("-")
    if number and is_pk(item):
        condition |= Q(dossier__archive_number=number, item_number=int(item))
    return qs.filter(condition).order_by("dossier__archive_number", "item_number", "-pk")


# --- The checklist of required documents --------------------------------------------------
@dataclass
class Gap:
    section: Occupancy
    missing: list = field(default_factory=list)  # DocumentCategory


def _required_for(requirements, kind, role):
    return [
        r.category for r in requirements if r.customer_kind in ("", kind) and r.role in ("", role)
    ]


def gaps_for_dossiers(dossier_ids):
    """For each dossier id, the open sections that lack a required document.

    Three queries whatever the number of dossiers: the checklist, the open sections with their
    customers, and the (dossier, section, category) triples of the documents held."""
    requirements = list(RequiredDocument.objects.filter(active=True).select_related("category"))
    sections = (
        Occupancy.objects.current()
        .filter(dossier_id__in=dossier_ids)
        .select_related("customer")
        .order_by("dossier_id", "section_number")
    )
    held = defaultdict(set)  # (dossier_id, section_id or None) -> category ids
    rows = (
        Document.objects.filter(dossier_id__in=dossier_ids)
        .exclude(status=Document.Status.DESTROYED)
        .values_list("dossier_id", "section_id", "category_id")
        .distinct()
    )
    for dossier_id, section_id, category_id in rows:
        held[(dossier_id, section_id)].add(category_id)
    result = defaultdict(list)
    for section in sections:
        have = held[(section.dossier_id, section.pk)] | held[(section.dossier_id, None)]
        missing = [
            c
            for c in _required_for(requirements, section.customer.kind, section.role)
            if c.pk not in have
        ]
        if missing:
            result[section.dossier_id].append(Gap(section=section, missing=missing))
    return result


def dossier_gaps(dossier):
    return gaps_for_dossiers([dossier.pk]).get(dossier.pk, [])


def incomplete_dossiers(*, user, service_centre=None):
    """The gaps view: the visible dossiers (of a service centre) that lack required documents."""
    from customers.permissions import dossier_visible_to

    dossiers = dossier_visible_to(user).select_related("unit__building__estate__service_centre")
    if service_centre:
        dossiers = dossiers.filter(unit__building__estate__service_centre=service_centre)
    dossiers = dossiers.exclude(status=Dossier.Status.VACANT)
    by_id = {d.pk: d for d in dossiers}
    gaps = gaps_for_dossiers(dossiers.values("pk"))
    return [(by_id[pk], gaps[pk]) for pk in sorted(gaps, key=lambda pk: by_id[pk].archive_number)]
