"""The counts of the monthly complaint summary (客户月投诉统计表, R41): SQL aggregates over the
complaints received in one calendar month in Asia/Shanghai, and the complaints of that month
still waiting for their return visit (R43), which the summary is followed by.

Each figure is defined in ``docs/reports.md``. A complaint is counted once, in the estate of
the dossier it is filed in (a collective complaint is filed in one dossier and names the
others). The time to close runs from its receipt to its closing; the figures of a month are
those known when it is computed (a complaint closed or visited later counts in a later
snapshot).
"""

import datetime

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Estate
from records.complaints.selectors import complaint_list
from records.models import Complaint, Visit

from ..statistics.selectors import rate

DAY = datetime.timedelta(days=1)
# (key, label, label printed on the Chinese PDF, longest time to close it holds)
BUCKETS = (
    ("within_1_day", _("Within a day"), "1天内", DAY),
    ("within_3_days", _("1 to 3 days"), "1至3天", 3 * DAY),
    ("within_7_days", _("3 to 7 days"), "3至7天", 7 * DAY),
    ("over_7_days", _("More than 7 days"), "7天以上", None),
)
BUCKET_KEYS = tuple(b[0] for b in BUCKETS)
# the counts of a line of the summary (a category, an estate, the total)
LINE = ("complaints", "major", "closed", "return_visited")


def month_bounds(month: datetime.date):
    """The first moment of ``month`` and of the next one, in the company's zone."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime(month.year, month.month, 1, tzinfo=zone)
    following = (
        datetime.date(month.year + 1, 1, 1)
        if month.month == 12
        else datetime.date(month.year, month.month + 1, 1)
    )
    return start, datetime.datetime(following.year, following.month, 1, tzinfo=zone)


def previous_month(day: datetime.date) -> datetime.date:
    first = day.replace(day=1)
    return (first - DAY).replace(day=1)


def _return_visits():
    return Visit.objects.filter(complaint=OuterRef("pk"), kind=Visit.Kind.RETURN_VISIT)


def _took():
    return ExpressionWrapper(F("closed_at") - F("received_at"), output_field=DurationField())


def received_in(month: datetime.date):
    start, end = month_bounds(month)
    return Complaint.objects.filter(received_at__gte=start, received_at__lt=end)


CLOSED = Q(status=Complaint.Status.CLOSED, closed_at__isnull=False)


def _line_counts():
    return {
        "complaints": Count("pk"),
        "major": Count("pk", filter=Q(is_major=True)),
        "closed": Count("pk", filter=CLOSED),
        "return_visited": Count("pk", filter=Exists(_return_visits())),
    }


def _hours(value):
    if value is None:
        return None
    if not isinstance(value, datetime.timedelta):  # a database without durations: microseconds
        value = datetime.timedelta(microseconds=value)
    return round(value.total_seconds() / 3600, 1)


def _bucket_counts():
    counts, low = {}, None
    for key, _label, _zh, high in BUCKETS:
        condition = CLOSED
        if low is not None:
            condition &= Q(closed_at__gt=F("received_at") + low)
        if high is not None:
            condition &= Q(closed_at__lte=F("received_at") + high)
        counts[key] = Count("pk", filter=condition)
        low = high
    return counts


def _median(complaints, closed: int):
    """The median time to close: the middle one or two of the closed complaints in order of
    their time, read by one query of at most two rows."""
    if not closed:
        return None
    middle = (
        complaints.filter(CLOSED)
        .annotate(duration=_took())
        .order_by("duration", "pk")
        .values_list("duration", flat=True)[(closed - 1) // 2 : closed // 2 + 1]
    )
    values = [_hours(v) for v in middle]
    return round(sum(values) / len(values), 1)


def monthly_figures(month: datetime.date) -> dict:
    """The figures of a snapshot of ``month``: the totals (general and major, time to close,
    return visits), one line per category with complaints and one per estate."""
    complaints = received_in(month)
    total = complaints.aggregate(
        **_line_counts(),
        written=Count("pk", filter=Q(is_written=True)),
        average=Avg(_took(), filter=CLOSED),
        **_bucket_counts(),
    )
    average = total.pop("average")
    buckets = {key: total.pop(key) for key in BUCKET_KEYS}
    total.update(
        general=total["complaints"] - total["major"],
        open=total["complaints"] - total["closed"],
        without_return_visit=total["complaints"] - total["return_visited"],
        return_visit_rate=rate(total["return_visited"], total["complaints"]),
        close_hours_average=_hours(average),
        close_hours_median=_median(complaints, total["closed"]),
        buckets=buckets,
    )
    by_category = {
        row.pop("category"): row
        for row in complaints.order_by()
        .values("category")
        .annotate(**_line_counts(), average=Avg(_took(), filter=CLOSED))
    }
    categories = []
    for code in Complaint.Category.values:  # in the order of the form
        if code in by_category:
            row = by_category[code]
            average = row.pop("average")
            categories.append({"category": code, **row, "close_hours_average": _hours(average)})
    by_estate = {
        row.pop("estate"): row
        for row in complaints.order_by()
        .values(estate=F("dossier__unit__building__estate"))
        .annotate(**_line_counts())
    }
    estates = []
    for estate in Estate.objects.order_by("code").values(
        "id", "code", "name", centre=F("service_centre__name")
    ):
        row = by_estate.get(estate["id"], dict.fromkeys(LINE, 0))
        estates.append(
            {**estate, **row, "return_visit_rate": rate(row["return_visited"], row["complaints"])}
        )
    return {
        "month": month.strftime("%Y-%m"),
        "total": total,
        "categories": categories,
        "estates": estates,
    }


def waiting_for_return_visit(*, user, month: datetime.date, limit=50):
    """The complaints of ``month`` that ``user`` may see and that have no return visit yet,
    oldest first: what the summary is followed by (R41, R43)."""
    rows = complaint_list(user=user, month=month.strftime("%Y-%m")).filter(has_return_visit=False)
    return list(rows.order_by("received_at", "pk")[:limit])
