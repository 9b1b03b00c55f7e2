"""Reads of the repair pages: no side effects."""

from records.common import next_number
from records.models import Repair

__all__ = ["WORK_ORDER_PREFIX", "next_work_order_number", "repair_steps", "return_visits"]

WORK_ORDER_PREFIX = "WX"


def next_work_order_number(day) -> str:
    """The next free work order number of ``day``: WX20260520-001, WX20260520-002 …"""
    return next_number(Repair, "work_order_number", f"{WORK_ORDER_PREFIX}{day:%Y%m%d}-", 3)


def repair_steps(repair):
    """The four stages for the progress line: (label, done, current)."""
    order = list(Repair.Status)
    reached = order.index(Repair.Status(repair.status))
    return [(s.label, i <= reached, i == reached) for i, s in enumerate(order)]


def return_visits(repair):
    """The return visits after ``repair``, newest first."""
    return list(repair.return_visits.select_related("visitor").order_by("-visited_on"))
