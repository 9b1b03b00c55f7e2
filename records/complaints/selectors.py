"""Reads of the complaint (R42) and visit (R43) pages: no side effects.

``complaint_list``, ``complaint_return_visits``, ``complaints_concerning``, ``close_blockers``;
the visits due (R43): ``manager_visits_due``, ``staff_visits_by_building``,
``complaints_without_return_visit``, and their rates.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import Role
from customers.models import Building, Dossier
from customers.permissions import dossier_visible_to
from records.models import Complaint, ComplaintStep, Visit
from records.permissions import record_visible_to

Status = Complaint.Status
Step = ComplaintStep.Step


def close_blockers(complaint) -> list[str]:
    """What is still missing before ``complaint`` may close, one sentence each (R42, R43)."""
    missing = []
    empty = [Step(name).label for name in Complaint.STEPS if not getattr(complaint, name).strip()]
    if empty:
        missing.append(
            _("the five clears are not complete: %(steps)s not recorded")
            % {"steps": "、".join(str(label) for label in empty)}
        )
    if complaint.is_written and not complaint.written_reply.strip():
        missing.append(_("a written complaint needs its written reply"))
    elif not complaint.is_written and complaint.status == Status.OPEN:
        missing.append(_("the complaint has not been marked as handled"))
    if not complaint.return_visits.filter(kind=Visit.Kind.RETURN_VISIT).exists():
        missing.append(_("no return visit has been recorded"))
    return missing


def complaints_concerning(dossier):
    """The complaints of ``dossier``: filed in it, or collective ones concerning it."""
    ids = Complaint.objects.filter(Q(dossier=dossier) | Q(other_dossiers=dossier)).values("pk")
    return Complaint.objects.filter(pk__in=ids)


# --- Reading -------------------------------------------------------------------------------
STEPS_DONE = sum(
    (
        Case(When(~Q(**{name: ""}), then=Value(1)), default=Value(0), output_field=IntegerField())
        for name in Complaint.STEPS
    ),
    Value(0),
)


def _return_visits(outer="pk"):
    return Visit.objects.filter(complaint=OuterRef(outer), kind=Visit.Kind.RETURN_VISIT)


def _month_range(month):
    year, number = (int(part) for part in month.split("-"))
    start = datetime.date(year, number, 1)
    end = datetime.date(year + number // 12, number % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), tzinfo=tz),
        datetime.datetime.combine(end, datetime.time(), tzinfo=tz),
    )


def complaint_list(
    *, user, status="", major_only=False, channel="", month="", estate=None, overdue=False
):
    """The complaints ``user`` may see, newest first, with their progress: one query."""
    qs = record_visible_to(user, Complaint).select_related("dossier")
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=Complaint.Status.OPEN, received_at__lt=Complaint.overdue_since())
    if major_only:
        qs = qs.filter(is_major=True)
    if channel:
        qs = qs.filter(channel=channel)
    if month:
        start, end = _month_range(month)
        qs = qs.filter(received_at__gte=start, received_at__lt=end)
    if estate:
        qs = qs.filter(dossier__unit__building__estate=estate)
    return qs.annotate(
        steps_done=STEPS_DONE,
        # a scalar subquery, not EXISTS: PostgreSQL hashed every return visit for an EXISTS
        # (46,710 at 100,000 units, most of the page's time) where this runs for the 25 rows
        # of the page only (docs/PERFORMANCE.md)
        has_return_visit=Coalesce(
            Subquery(_return_visits().values(found=Value(True))[:1], output_field=BooleanField()),
            Value(False),
        ),
        # a subquery, not a Count over the join: grouping every visible complaint before the
        # page is cut took most of the list's time
        others_count=Coalesce(
            Subquery(
                Complaint.other_dossiers.through.objects.filter(complaint=OuterRef("pk"))
                .order_by()
                .values("complaint")
                .annotate(n=Count("*"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
    ).order_by("-received_at", "-pk")


def complaint_return_visits(*, complaint, user):
    return (
        record_visible_to(user, Visit)
        .filter(complaint=complaint, kind=Visit.Kind.RETURN_VISIT)
        .select_related("visitor", "dossier")
        .order_by("-visited_on", "-pk")
    )


def quarter_range(year, quarter):
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return start, end


def _manager_ids():
    return get_user_model().objects.filter(groups__name=Role.MANAGER).values("pk")


def _occupied(user, estate=None):
    qs = dossier_visible_to(user).filter(status=Dossier.Status.OCCUPIED)
    if estate:
        qs = qs.filter(unit__building__estate=estate)
    return qs


def manager_visits_due(*, user, year, estate=None):
    """R43 (managers visit each household 1–2 times a year): the occupied households ``user``
    may see, each with its number of manager visits in ``year``; ``summary`` counts them.
    Returns (households without a manager visit, summary)."""
    by_manager = record_visible_to(user, Visit).filter(
        visitor__in=_manager_ids(), visited_on__year=year
    )
    per_dossier = (
        by_manager.filter(dossier=OuterRef("pk"))
        .order_by()
        .values("dossier")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_ever = (
        record_visible_to(user, Visit)
        .filter(dossier=OuterRef("pk"), visitor__in=_manager_ids())
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    households = _occupied(user, estate).annotate(
        manager_visits=Coalesce(Subquery(per_dossier, output_field=IntegerField()), 0)
    )
    summary = households.aggregate(
        total=Count("pk"),
        visited=Count("pk", filter=Q(manager_visits__gte=1)),
        twice=Count("pk", filter=Q(manager_visits__gte=2)),
    )
    summary["due"] = summary["total"] - summary["visited"]
    summary["rate"] = _rate(summary["visited"], summary["total"])
    due = (
        households.filter(manager_visits=0)
        .annotate(last_manager_visit=Subquery(last_ever))
        .select_related("unit__building__estate")
        .with_current_occupants()
        .order_by("archive_number")
    )
    return due, summary


def staff_visits_by_building(*, user, year, quarter, estate=None, limit=200):
    """R43 (staff visit quarterly per area): each building with occupied households ``user``
    may see, and whether a staff member (not a manager) visited any of its dossiers in the
    quarter. Those still due come first. Returns (rows, summary)."""
    start, end = quarter_range(year, quarter)
    occupied = _occupied(user, estate)
    staff = (
        record_visible_to(user, Visit)
        .filter(dossier__unit__building=OuterRef("pk"), visited_on__gte=start, visited_on__lt=end)
        .exclude(visitor__in=_manager_ids())
    )
    households = (
        occupied.filter(unit__building=OuterRef("pk"))
        .order_by()
        .values("unit__building")
        .annotate(n=Count("pk"))
        .values("n")
    )
    buildings = (
        Building.objects.filter(pk__in=occupied.values("unit__building"))
        .annotate(
            staff_visited=Exists(staff),
            last_staff_visit=Subquery(staff.order_by("-visited_on").values("visited_on")[:1]),
            households=Coalesce(Subquery(households, output_field=IntegerField()), 0),
        )
        .select_related("estate")
    )
    summary = buildings.aggregate(
        total=Count("pk"), visited=Count("pk", filter=Q(staff_visited=True))
    )
    summary["due"] = summary["total"] - summary["visited"]
    summary["rate"] = _rate(summary["visited"], summary["total"])
    rows = list(buildings.order_by("staff_visited", "estate__code", "number")[:limit])
    return rows, summary


def complaints_without_return_visit(*, user, year, estate=None, limit=50):
    """R43 (every complaint gets a return visit, target 100 %): the complaints received in
    ``year`` that ``user`` may see and that have none yet, oldest first, and the rate."""
    qs = record_visible_to(user, Complaint).filter(received_at__year=year)
    if estate:
        qs = qs.filter(dossier__unit__building__estate=estate)
    qs = qs.annotate(has_return_visit=Exists(_return_visits()))
    summary = qs.aggregate(total=Count("pk"), visited=Count("pk", filter=Q(has_return_visit=True)))
    summary["due"] = summary["total"] - summary["visited"]
    summary["rate"] = _rate(summary["visited"], summary["total"], empty=100)
    rows = list(
        qs.filter(has_return_visit=False)
        .select_related("dossier")
        .annotate(steps_done=STEPS_DONE)
        .order_by("received_at", "pk")[:limit]
    )
    return rows, summary


def _rate(part, total, empty=None):
    """A percentage rounded down to one decimal; ``empty`` when there is nothing to count."""
    if not total:
        return empty
    return int(part * 1000 / total) / 10
