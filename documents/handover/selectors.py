"""Reads of the handover (R30): periods, the list of handovers, the items a user may see."""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Document, Handover, HandoverItem
from ..permissions import handover_items_visible_to, handover_visible_to
from ..selectors import gaps_for_dossiers

__all__ = [
    "PERIOD_PATTERN",
    "OPEN",
    "HANDABLE",
    "current_period",
    "previous_period",
    "period_end",
    "handover_rows",
    "visible_items",
    "item_counts",
    "Eligibility",
    "handable_documents",
    "dossier_eligibility",
    "eligibility_for",
    "start_rows",
    "ready_papers",
]

Result = HandoverItem.Result
PERIOD_PATTERN = re.compile(r"^(\d{4})H([12])$")
# A document sits in at most one of these at a time.
OPEN = (Handover.Status.DRAFT, Handover.Status.SUBMITTED, Handover.Status.CHECKED)
# Only these may be handed over: at the centre, neither destroyed, on loan nor in a handover.
HANDABLE = (Document.Status.RECEIVED, Document.Status.FILED)


def current_period(today) -> str:
    """The half-year ``today`` falls in: 2026H1 (January–June) or 2026H2 (July–December)."""
    return f"{today.year}H{1 if today.month <= 6 else 2}"


def previous_period(today) -> str:
    """The half-year before the one ``today`` falls in: the one due for handover."""
    return f"{today.year}H1" if today.month > 6 else f"{today.year - 1}H2"


def period_end(period) -> datetime.date | None:
    """The last day of ``period`` ("2026H1" → 30 June 2026), or None for a malformed one."""
    match = PERIOD_PATTERN.match(period or "")
    if not match:
        return None
    year, half = int(match[1]), int(match[2])
    return datetime.date(year, 6, 30) if half == 1 else datetime.date(year, 12, 31)


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


# --- Which dossiers a service centre can hand over (R30) -----------------------------------
def _in_open_handover():
    return HandoverItem.objects.filter(handover__status__in=OPEN).values("document_id")


def handable_documents(dossier, *, until=None, queryset=None):
    """The documents of ``dossier`` (one, or a list) the centre can put on a handover list now:
    held by the centre, received or filed, in no open handover (and dated on or before
    ``until``)."""
    queryset = Document.objects.all() if queryset is None else queryset
    dossiers = dossier if isinstance(dossier, list | tuple) else [dossier]
    documents = queryset.filter(
        dossier__in=dossiers, custody=Document.Custody.SERVICE_CENTRE, status__in=HANDABLE
    ).exclude(pk__in=_in_open_handover())
    if until:
        documents = documents.filter(document_date__lte=until)
    return documents.order_by("document_date", "pk")


@dataclass
class Eligibility:
    """What a dossier's documents are doing, for the handover: ``ready`` can go on a list;
    ``reasons`` say, in the archive's words, why the others cannot (empty when all can)."""

    dossier: object
    ready: int = 0
    total: int = 0
    counts: dict = field(default_factory=dict)
    gaps: list = field(default_factory=list)  # selectors.Gap: the checklist's missing papers
    reasons: list = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.ready > 0 and not self.gaps

    @property
    def refusal(self) -> str:
        """The refusal of the whole dossier, naming its real reasons; "" when it is eligible."""
        if self.eligible:
            return ""
        return self.note

    @property
    def note(self) -> str:
        return "；".join(self.reasons)


def _counts(until):
    centre = Q(documents__custody=Document.Custody.SERVICE_CENTRE)
    archive = Q(documents__custody=Document.Custody.ARCHIVE)
    open_items = Q(documents__pk__in=_in_open_handover())
    handable = centre & Q(documents__status__in=HANDABLE) & ~open_items
    dated = Q(documents__document_date__lte=until) if until else Q()
    return {
        "total": Count("documents", distinct=True),
        "ready": Count("documents", filter=handable & dated, distinct=True),
        "later": Count("documents", filter=handable & ~dated, distinct=True) if until else None,
        "in_handover": Count("documents", filter=open_items, distinct=True),
        "on_loan": Count(
            "documents", filter=Q(documents__status=Document.Status.ON_LOAN), distinct=True
        ),
        "destroyed": Count(
            "documents",
            filter=Q(documents__status__in=(Document.Status.DESTROYED, Document.Status.LOST)),
            distinct=True,
        ),
        "awaiting_filing": Count(
            "documents",
            filter=archive & Q(documents__status=Document.Status.RECEIVED) & ~open_items,
            distinct=True,
        ),
        "in_archive": Count(
            "documents",
            filter=archive & Q(documents__status=Document.Status.FILED) & ~open_items,
            distinct=True,
        ),
    }


def _reasons(row: Eligibility, until) -> list[str]:
    """Why the documents that cannot go on a list cannot, the numbers named."""
    c = row.counts
    if not row.total:
        return [_("it holds no documents yet")]
    reasons = []
    if c["awaiting_filing"]:
        reasons.append(
            ngettext(
                "%(n)d document is already at the archive room and awaits filing there",
                "%(n)d documents are already at the archive room and await filing there",
                c["awaiting_filing"],
            )
            % {"n": c["awaiting_filing"]}
        )
    if c["in_archive"]:
        reasons.append(
            ngettext(
                "%(n)d document is already filed in the archive room",
                "%(n)d documents are already filed in the archive room",
                c["in_archive"],
            )
            % {"n": c["in_archive"]}
        )
    if c["in_handover"]:
        reasons.append(
            ngettext(
                "%(n)d document is in another open handover",
                "%(n)d documents are in another open handover",
                c["in_handover"],
            )
            % {"n": c["in_handover"]}
        )
    if c["on_loan"]:
        reasons.append(
            ngettext("%(n)d document is on loan", "%(n)d documents are on loan", c["on_loan"])
            % {"n": c["on_loan"]}
        )
    if c["destroyed"]:
        reasons.append(
            ngettext(
                "%(n)d document is destroyed or lost",
                "%(n)d documents are destroyed or lost",
                c["destroyed"],
            )
            % {"n": c["destroyed"]}
        )
    if c.get("later"):
        reasons.append(
            ngettext(
                "%(n)d document is dated after %(day)s",
                "%(n)d documents are dated after %(day)s",
                c["later"],
            )
            % {"n": c["later"], "day": until.isoformat()}
        )
    if row.gaps and row.ready:
        missing = sorted({c.name for gap in row.gaps for c in gap.missing})
        reasons.insert(
            0,
            _("it is incomplete, it lacks: %(missing)s (a manager may accept it with a reason)")
            % {"missing": "、".join(missing)},
        )
    return reasons


def dossier_eligibility(dossiers, *, until=None) -> list[Eligibility]:
    """For each of ``dossiers`` (a queryset, in its order): how many of its documents the
    centre can hand over now, and the real reason for each that it cannot. Four queries
    whatever the number of dossiers (the counts, and the checklist's three)."""
    fields = {k: v for k, v in _counts(until).items() if v is not None}
    rows = []
    for dossier in dossiers.annotate(**{f"handover_{k}": v for k, v in fields.items()}):
        counts = {k: getattr(dossier, f"handover_{k}") for k in fields}
        rows.append(
            Eligibility(
                dossier=dossier, ready=counts["ready"], total=counts["total"], counts=counts
            )
        )
    gaps = gaps_for_dossiers([row.dossier.pk for row in rows]) if rows else {}
    for row in rows:
        row.gaps = gaps.get(row.dossier.pk, [])
        row.reasons = _reasons(row, until)
    return rows


def eligibility_for(dossier, *, until=None) -> Eligibility:
    """``dossier_eligibility`` of one dossier."""
    from customers.models import Dossier

    return dossier_eligibility(Dossier.objects.filter(pk=dossier.pk), until=until)[0]


def start_rows(*, user, centre, until=None, eligibility=""):
    """The list a handover is started from: the dossiers of ``centre`` that ``user`` may see,
    each with its eligibility, and the totals (dossiers and documents that can go, refused).
    ``eligibility``: "ready" or "refused" keeps only those."""
    from customers.permissions import dossier_visible_to

    dossiers = (
        dossier_visible_to(user)
        .filter(unit__building__estate__service_centre=centre)
        .select_related("unit__building__estate")
        .with_current_occupants()
        .order_by("archive_number")
    )
    rows = dossier_eligibility(dossiers, until=until) if centre else []
    totals = {
        "dossiers": len(rows),
        "ready": sum(1 for r in rows if r.eligible),
        "documents": sum(r.ready for r in rows if r.eligible),
        "refused": sum(1 for r in rows if not r.eligible),
    }
    if eligibility == "ready":
        rows = [r for r in rows if r.eligible]
    elif eligibility == "refused":
        rows = [r for r in rows if not r.eligible]
    return {"rows": rows, "totals": totals}


def ready_papers(*, user, rows, until=None) -> dict:
    """The papers that can go of the eligible ``rows`` (a page of the start list), those
    ``user`` may see, by dossier id: one query. Their titles are shown, so the caller logs the
    confidential ones (R21)."""
    from ..permissions import document_visible_to

    dossiers = [row.dossier for row in rows if row.eligible]
    if not dossiers:
        return {}
    papers = {}
    visible = document_visible_to(user).select_related("category", "dossier")
    for document in handable_documents(dossiers, until=until, queryset=visible):
        papers.setdefault(document.dossier_id, []).append(document)
    return papers
