"""The writes of the monthly complaint summary (R41): compile a snapshot, and ask for one.

``summary_compile`` computes the figures of a month (``selectors.monthly_figures``), keeps them
as a new snapshot and tells the managers (``reports.receive_complaintsummary``), who follow it
with return visits, and whoever asked. It runs in the task ``reports.compile_complaint_summary``
(beat, on the 1st, for the month before; or queued by ``summary_request``), never in a request.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions as gate
from core.lines import Line
from core.services import notify
from core.tasks import enqueue_on_commit
from core.workflow import DomainError

from ..statistics.services import FIRST_YEAR, keep_snapshot, requester
from . import selectors
from .models import ComplaintSummary
from .permissions import COMPILE_COMPLAINTS, RECEIVE_COMPLAINTS

__all__ = ["check_month", "requester", "summary_compile", "summary_request"]


def check_month(month) -> datetime.date:
    """``month`` ("2026-05" or a date) as its first day, refused unless it has begun."""
    if isinstance(month, str):
        month = _parse_month(month.strip())
    if not isinstance(month, datetime.date):
        raise DomainError(_("Give the month as year and month, such as 2026-05."))
    month = month.replace(day=1)
    if month > timezone.localdate():
        raise DomainError(_("The summary of a month still to come cannot be compiled."))
    if month.year < FIRST_YEAR:
        raise DomainError(_("Summaries are compiled from %(year)s on.") % {"year": FIRST_YEAR})
    return month


def _parse_month(text):
    for pattern in ("%Y-%m", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise DomainError(_("Give the month as year and month, such as 2026-05."))


def summary_request(*, month, actor) -> datetime.date:
    """The button "compute now": the right to compile, then the task queued after the commit.
    Returns the month."""
    gate.require(actor, COMPILE_COMPLAINTS)
    month = check_month(month)
    from .tasks import compile_complaint_summary

    enqueue_on_commit(compile_complaint_summary, month=month.isoformat(), actor_id=actor.pk)
    return month


def summary_compile(*, month, actor=None, task_id="") -> ComplaintSummary:
    """Count the complaints of ``month`` and keep the figures as a new snapshot; tell the
    managers. ``actor`` None is the schedule; ``task_id`` as for the yearly statistics."""
    if actor is not None:
        gate.require(actor, COMPILE_COMPLAINTS)
    month = check_month(month)
    return keep_snapshot(
        ComplaintSummary,
        count=lambda: selectors.monthly_figures(month),
        tell=_tell,
        computed_by=actor,
        task_id=task_id,
        month=month,
    )


def _tell(summary, actor):
    total = summary.figures["total"]
    message = Line(
        "The complaint summary of %(month)s is ready (complaints: %(complaints)s, major: "
        "%(major)s; still waiting for a return visit: %(waiting)s).",
        month=summary.figures["month"],
        complaints=total["complaints"],
        major=total["major"],
        waiting=total["without_return_visit"],
    )
    recipients = list(gate.holders_of(RECEIVE_COMPLAINTS))
    if actor is not None:
        recipients.append(actor)
    notify(recipients, message, reverse("reports:complaint_summary_snapshot", args=[summary.pk]))
