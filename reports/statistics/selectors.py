"""The counts of the yearly statistics (R40) and of the dashboard: SQL aggregates grouped by
service centre, one query per table they count, never a loop over rows.

Each count is defined in ``docs/reports.md``; in short, for the calendar year in Asia/Shanghai:

- ``moved_out``: dossiers with a section closed by a move-out dated in the year;
- ``received``: documents accepted by the company archive room in a handover completed in
  the year (both signatures, the later one in the year), counted for the centre handing over;
- ``filed``: documents filed into a box in the year (their filing time);
- ``appraised``, ``kept``: items decided in an appraisal approved in the year, and of them
  those kept (for some years, permanently, or undecided: kept and appraised again, R34);
- ``destroyed``: items destroyed in the year;
- ``loans``: loans handed out in the year; ``overdue``, ``escalated``: loans that had an
  overdue notice, or an escalation (问责), dated in the year (R23);
- ``complaints``: complaints received in the year; ``return_visited``: those of them with a
  return visit by the time of the count (R43).

Counts are of everything, confidential dossiers included: a count names no dossier.
"""

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Greatest, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Dossier, Occupancy, ServiceCentre
from destruction.models import BatchItem, Decision
from documents.models import Document, Handover, HandoverItem
from lending.models import Loan, Notice
from records.models import Complaint, Visit

# (key, label on the pages and in the spreadsheet, label printed on the Chinese PDF)
METRICS = (
    ("moved_out", _("Dossiers moved out"), "移出户数"),
    ("received", _("Documents received"), "收进件数"),
    ("filed", _("Documents filed"), "整理归档件数"),
    ("appraised", _("Items appraised"), "鉴定件数"),
    ("kept", _("Items kept"), "保留件数"),
    ("destroyed", _("Items destroyed"), "销毁件数"),
    ("loans", _("Loans"), "借阅次数"),
    ("overdue", _("Overdue loans"), "逾期借阅"),
    ("escalated", _("Escalations"), "超期问责"),
    ("complaints", _("Complaints"), "投诉件数"),
    ("return_visited", _("Complaints with a return visit"), "已回访投诉"),
)
METRIC_KEYS = tuple(key for key, _label, _zh in METRICS)
DOSSIER_STATUSES = tuple(Dossier.Status.values)

CENTRE = "dossier__unit__building__estate__service_centre"


def year_bounds(year: int):
    """The first moment of ``year`` and of the next one, in the company's zone (Asia/Shanghai,
    whatever zone a user has activated)."""
    zone = timezone.get_default_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=zone),
        datetime.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def _in(field, start, end):
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _grouped(queryset, centre_path, **counts):
    """{centre id: {name: count}} of ``queryset`` grouped by the centre at ``centre_path``."""
    rows = queryset.order_by().values(centre=F(centre_path)).annotate(**counts)
    return {row.pop("centre"): row for row in rows}


def _return_visits():
    return Visit.objects.filter(complaint=OuterRef("pk"), kind=Visit.Kind.RETURN_VISIT)


def counts_by_centre(year: int) -> dict:
    """{centre id: {metric: count}} for ``year``: one query per table counted."""
    start, end = year_bounds(year)
    first_day, next_first_day = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    approved = _in("batch__approved_at", start, end)
    destroyed = Q(state=BatchItem.State.DESTROYED) & _in("destroyed_at", start, end)
    decided = [Decision.DESTROY, Decision.KEEP, Decision.UNDECIDED]
    parts = [
        _grouped(
            Occupancy.objects.filter(
                Q(status=Occupancy.Status.MOVED_OUT) & _in("moved_out", first_day, next_first_day)
            ),
            CENTRE,
            moved_out=Count("dossier", distinct=True),
        ),
        _grouped(
            HandoverItem.objects.alias(
                done=Greatest("handover__centre_signed_at", "handover__archive_signed_at")
            ).filter(
                Q(handover__status=Handover.Status.COMPLETED, result=HandoverItem.Result.ACCEPTED)
                & _in("done", start, end)
            ),
            "handover__service_centre",
            received=Count("pk"),
        ),
        _grouped(Document.objects.filter(_in("filed_at", start, end)), CENTRE, filed=Count("pk")),
        _grouped(
            BatchItem.objects.filter((approved & Q(decision__in=decided)) | destroyed),
            CENTRE,
            appraised=Count("pk", filter=approved & Q(decision__in=decided)),
            kept=Count("pk", filter=approved & Q(decision__in=[Decision.KEEP, Decision.UNDECIDED])),
            destroyed=Count("pk", filter=destroyed),
        ),
        _grouped(Loan.objects.filter(_in("handed_out_at", start, end)), CENTRE, loans=Count("pk")),
        _grouped(
            Notice.objects.filter(
                Q(level__gte=Notice.Level.OVERDUE) & _in("day", first_day, next_first_day)
            ),
            f"loan__{CENTRE}",
            overdue=Count("loan", distinct=True),
            escalated=Count("loan", distinct=True, filter=Q(level=Notice.Level.ESCALATION)),
        ),
        _grouped(
            Complaint.objects.filter(_in("received_at", start, end)),
            CENTRE,
            complaints=Count("pk"),
            return_visited=Count("pk", filter=Exists(_return_visits())),
        ),
    ]
    merged: dict = {}
    for part in parts:
        for centre, values in part.items():
            merged.setdefault(centre, {}).update(values)
    return merged


def dossiers_by_centre(centre=None) -> dict:
    """{centre id: {dossier status: count}} now: one query."""
    dossiers = Dossier.objects.all()
    if centre is not None:
        dossiers = dossiers.filter(unit__building__estate__service_centre=centre)
    rows = (
        dossiers.order_by()
        .values(centre=F("unit__building__estate__service_centre"), state=F("status"))
        .annotate(n=Count("pk"))
    )
    result: dict = {}
    for row in rows:
        result.setdefault(row["centre"], {})[row["state"]] = row["n"]
    return result


def dossier_status_rows(centre=None) -> list[dict]:
    """The dossiers of each service centre (or of ``centre``) by status now: two queries."""
    counts = dossiers_by_centre(centre)
    centres = ServiceCentre.objects.order_by("code")
    if centre is not None:
        centres = centres.filter(pk=centre.pk)
    return [
        {
            "code": c["code"],
            "name": c["name"],
            "dossiers": {s: counts.get(c["id"], {}).get(s, 0) for s in DOSSIER_STATUSES},
        }
        for c in centres.values("id", "code", "name")
    ]


def rate(part, total):
    """A percentage rounded down to one decimal; None when there is nothing to count."""
    if not total:
        return None
    return int(part * 1000 / total) / 10


def _line(counts, dossiers):
    counts = {key: counts.get(key, 0) for key in METRIC_KEYS}
    return {
        "counts": counts,
        "return_visit_rate": rate(counts["return_visited"], counts["complaints"]),
        "dossiers": {state: dossiers.get(state, 0) for state in DOSSIER_STATUSES},
    }


def yearly_figures(year: int) -> dict:
    """The figures of a snapshot: one line per service centre (by code) and the company's
    total, which is their sum (every dossier and handover belongs to one centre)."""
    counts = counts_by_centre(year)
    dossiers = dossiers_by_centre()
    centres = []
    for centre in ServiceCentre.objects.order_by("code").values("id", "code", "name"):
        line = _line(counts.get(centre["id"], {}), dossiers.get(centre["id"], {}))
        centres.append({**centre, **line})
    total_counts = {key: sum(c["counts"][key] for c in centres) for key in METRIC_KEYS}
    total_dossiers = {s: sum(c["dossiers"][s] for c in centres) for s in DOSSIER_STATUSES}
    return {
        "year": year,
        "centres": centres,
        "total": _line(total_counts, total_dossiers),
    }


# --- The dashboard (live) ------------------------------------------------------------------
def last_months(today: datetime.date, count: int = 12) -> list[datetime.date]:
    """The first days of the ``count`` months up to ``today``'s, oldest first."""
    months = []
    year, month = today.year, today.month
    for _i in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _month_start(day):
    zone = timezone.get_default_timezone()
    return datetime.datetime(day.year, day.month, 1, tzinfo=zone)


def _per_month(rows, months, *names):
    by_month = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month, timezone.get_default_timezone()).date()
        by_month[month.replace(day=1)] = row
    return [{"month": m, **{n: by_month.get(m, {}).get(n, 0) for n in names}} for m in months]


def _of_centre(queryset, path, centre):
    return queryset if centre is None else queryset.filter(**{path: centre})


def complaints_by_month(*, today, centre=None, count=12) -> list[dict]:
    """Complaints received per month (all, major, with a return visit), the last ``count``
    months up to ``today``'s: one query."""
    months = last_months(today, count)
    zone = timezone.get_default_timezone()
    rows = (
        _of_centre(Complaint.objects.all(), CENTRE, centre)
        .filter(received_at__gte=_month_start(months[0]))
        .order_by()
        .values(month=TruncMonth("received_at", tzinfo=zone))
        .annotate(
            complaints=Count("pk"),
            major=Count("pk", filter=Q(is_major=True)),
            return_visited=Count("pk", filter=Exists(_return_visits())),
        )
    )
    return _per_month(rows, months, "complaints", "major", "return_visited")


def loans_by_month(*, today, centre=None, count=12) -> list[dict]:
    """Loans handed out per month, and loans overdue (an overdue notice or an escalation that
    month), the last ``count`` months: two queries."""
    months = last_months(today, count)
    zone = timezone.get_default_timezone()
    out = (
        _of_centre(Loan.objects.all(), CENTRE, centre)
        .filter(handed_out_at__gte=_month_start(months[0]))
        .order_by()
        .values(month=TruncMonth("handed_out_at", tzinfo=zone))
        .annotate(loans=Count("pk"))
    )
    overdue = (
        _of_centre(Notice.objects.all(), f"loan__{CENTRE}", centre)
        .filter(level__gte=Notice.Level.OVERDUE, day__gte=months[0])
        .order_by()
        .values(month=TruncMonth("day"))
        .annotate(overdue=Count("loan", distinct=True))
    )
    lent = _per_month(out, months, "loans")
    late = _per_month(overdue, months, "overdue")
    return [{**a, **b} for a, b in zip(lent, late, strict=True)]


def loans_now(*, today, centre=None) -> dict:
    """Loans out now and, of them, those past their due day: one query."""
    out = _of_centre(Loan.objects.out(), CENTRE, centre)
    return out.aggregate(out=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
