"""The writes of the yearly statistics (R40): compile a snapshot, and ask for one.

``statistics_compile`` computes the figures (``selectors.yearly_figures``) and keeps them as a
new snapshot, then tells the head: the holders of ``reports.receive_yearlystatistics`` (the
executives) and the archive-room head (``lending.lead_archive_room``), and whoever asked. It
runs in the task ``reports.compile_yearly_statistics`` (beat, before 31 December; or queued by
``statistics_request``, the page's button), never in a request.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions as gate
from core.lines import Line
from core.services import notify
from core.tasks import enqueue_on_commit
from core.workflow import DomainError
from lending.permissions import LEAD

from . import selectors
from .models import Source, YearlyStatistics
from .permissions import COMPILE_STATISTICS, RECEIVE_STATISTICS

FIRST_YEAR = 1990


def check_year(year) -> int:
    """``year`` as a number, refused unless it has begun (in Asia/Shanghai)."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise DomainError(_("Give the year as a number, such as 2026.")) from None
    this_year = timezone.localdate().year
    if year > this_year:
        raise DomainError(_("The statistics of a year still to come cannot be compiled."))
    if year < FIRST_YEAR:
        raise DomainError(_("Statistics are compiled from %(year)s on.") % {"year": FIRST_YEAR})
    return year


def heads():
    """Who receives the yearly statistics: the executives and the archive-room head."""
    users = {}
    for perm in (RECEIVE_STATISTICS, LEAD):
        users.update({u.pk: u for u in gate.holders_of(perm)})
    return list(users.values())


def statistics_request(*, year, actor) -> int:
    """The button "compute now": the right to compile, then the task queued after the commit
    (the counts never run inside a request). Returns the year."""
    gate.require(actor, COMPILE_STATISTICS)
    year = check_year(year)
    from .tasks import compile_yearly_statistics

    enqueue_on_commit(compile_yearly_statistics, year=year, actor_id=actor.pk)
    return year


def statistics_compile(*, year, actor=None, task_id="") -> YearlyStatistics:
    """Count ``year`` and keep the figures as a new snapshot; tell the head. ``actor`` None is
    the schedule. ``task_id``: the task computing it, whose redelivery finds this snapshot
    instead of making and sending a second one."""
    if actor is not None:
        gate.require(actor, COMPILE_STATISTICS)
    year = check_year(year)
    return keep_snapshot(
        YearlyStatistics,
        count=lambda: selectors.yearly_figures(year),
        tell=_tell,
        computed_by=actor,
        task_id=task_id,
        year=year,
    )


def keep_snapshot(model, *, count, tell, computed_by=None, task_id="", **fields):
    """A new snapshot of ``model`` (``fields`` and the figures ``count()`` gives), told with
    ``tell(snapshot, computed_by)`` in the same transaction; ``computed_by`` None is the
    schedule. A task delivered again (``task_id``)
    finds the snapshot it made, before counting or telling anyone again; two deliveries at
    the same moment meet at the unique ``task_id``. The caller has checked the right."""
    if task_id and (done := model.objects.filter(task_id=task_id).first()):
        return done
    figures = count()
    try:
        with transaction.atomic():
            snapshot = model.objects.create(
                figures=figures,
                computed_at=timezone.now(),
                computed_by=computed_by,
                source=Source.SCHEDULE if computed_by is None else Source.DEMAND,
                task_id=task_id,
                **fields,
            )
            tell(snapshot, computed_by)
    except IntegrityError:  # the same task, delivered twice, at the same moment
        return model.objects.get(task_id=task_id)
    return snapshot


def _tell(snapshot, actor):
    counts = snapshot.figures["total"]["counts"]
    message = Line(
        "The archive statistics of %(year)s are ready (dossiers moved out: %(moved_out)s; "
        "documents received: %(received)s, filed: %(filed)s, destroyed: %(destroyed)s; "
        "loans: %(loans)s).",
        **{"year": snapshot.year, **counts},
    )
    recipients = heads()
    if actor is not None:
        recipients.append(actor)
    notify(recipients, message, reverse("reports:statistics_snapshot", args=[snapshot.pk]))


def requester(actor_id):
    """The person who asked, re-read by the task (None: the schedule)."""
    if actor_id is None:
        return None
    return get_user_model().objects.get(pk=actor_id)
