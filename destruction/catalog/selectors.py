"""The catalog of destroyed files (销毁文件目录, R38): every destroyed item's tombstone, newest
first (``batch_item_catalog_idx``), searchable; kept for good (nothing here is deleted)."""

import datetime

from django.db.models import Q
from django.utils import timezone

from core.pdf import PRINT_ZONE
from documents.permissions import document_visible_to

from ..models import BatchItem
from ..permissions import item_visible_to

FIELDS = (
    "id",
    "batch__id",
    "batch__number",
    "document_id",
    "reference",
    "archive_number",
    "title",
    "category_name",
    "document_date",
    "carrier",
    "secrecy_level",
    "pages",
    "copies",
    "destroyed_at",
)


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, PRINT_ZONE)


def catalog(user, *, q="", batch="", category="", date_from=None, date_to=None):
    """The destroyed items ``user`` may see in the catalog, filtered, newest first.

    ``q`` is looked for in the title, the reference and the archive number; the dates are the
    company's calendar days (Asia/Shanghai) of the destruction, both included."""
    items = item_visible_to(user, BatchItem.objects.filter(state=BatchItem.State.DESTROYED))
    q = (q or "").strip()
    if q:
        # a title is searched only where it is shown: an unseen one is not guessed at
        seen = document_visible_to(user).values("pk")
        items = items.filter(
            Q(title__icontains=q, document__in=seen)
            | Q(reference__icontains=q)
            | Q(archive_number__icontains=q)
        )
    if batch:
        items = items.filter(batch__number__icontains=batch.strip())
    if category:
        items = items.filter(category_name=category)
    if date_from:
        items = items.filter(destroyed_at__gte=_start_of(date_from))
    if date_to:
        items = items.filter(destroyed_at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    return items.select_related("batch").only(*FIELDS).order_by("-destroyed_at", "-id")


def destroyed_day(item) -> datetime.date | None:
    if item.destroyed_at is None:
        return None
    return timezone.localtime(item.destroyed_at, PRINT_ZONE).date()
