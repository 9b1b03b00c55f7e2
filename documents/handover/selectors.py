"""Reads of the handover (R30): periods, the list of handovers, the items a user may see."""

import re

from django.db.models import Count, Q

from ..models import HandoverItem
from ..permissions import handover_items_visible_to, handover_visible_to

__all__ = [
    "PERIOD_PATTERN",
    "current_period",
    "previous_period",
    "handover_rows",
    "visible_items",
    "item_counts",
]

Result = HandoverItem.Result
PERIOD_PATTERN = re.compile(r"^(\d{4})H([12])$")


def current_period(today) -> str:
    """The half-year ``today`` falls in: 2026H1 (January–June) or 2026H2 (July–December)."""
    return f"{today.year}H{1 if today.month <= 6 else 2}"


def previous_period(today) -> str:
    """The half-year before the one ``today`` falls in: the one due for handover."""
    return f"{today.year}H1" if today.month > 6 else f"{today.year - 1}H2"


def handover_rows(*, user, status="", centre=None):
    """The handovers ``user`` may see, newest first, with their item counts."""
    rows = (
        handover_visible_to(user)
        .select_related("service_centre", "prepared_by")
        .annotate(
            item_count=Count("items"),
            pending_count=Count("items", filter=Q(items__result=Result.PENDING)),
            accepted_count=Count("items", filter=Q(items__result=Result.ACCEPTED)),
        )
        .order_by("-prepared_at", "-pk")
    )
    if status:
        rows = rows.filter(status=status)
    if centre:
        rows = rows.filter(service_centre=centre)
    return rows


def visible_items(*, user, handover):
    """The items of ``handover`` that ``user`` may see, in list order."""
    return (
        handover_items_visible_to(user, handover)
        .select_related("document__dossier", "document__category")
        .order_by("document__dossier__archive_number", "document__document_date", "pk")
    )


def item_counts(handover, *, pending=True):
    """How many items the handover has, and of each result (all of them, seen or not)."""
    counts = {
        "total": Count("pk"),
        "accepted": Count("pk", filter=Q(result=Result.ACCEPTED)),
        "missing": Count("pk", filter=Q(result=Result.MISSING)),
        "differs": Count("pk", filter=Q(result=Result.DIFFERS)),
    }
    if pending:
        counts["pending"] = Count("pk", filter=Q(result=Result.PENDING))
    return handover.items.aggregate(**counts)
