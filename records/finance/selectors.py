"""The reads of leases, deposits, charges and payments: what the pages and the other apps
list and count, without side effects (the writes are in ``services`` and ``leases``)."""

from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.core.paginator import InvalidPage, Paginator
from django.db import connections
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workflow
from customers.models import Customer, Dossier, Occupancy
from customers.permissions import with_visible_dossier
from records.finance import balances
from records.models import Charge, Deposit, DossierBalance, Payment
from records.permissions import record_visible_to

__all__ = [
    "tenant_choices",
    "linkable_lease_deposits",
    "lease_deposit_in_force",
    "DECIDE",
    "can_decide_deposit",
    "deposits_awaiting_decision",
    "arrears",
    "arrears_summary",
    "arrears_page",
    "kept_arrears",
    "attach_occupants",
]

MONEY = DecimalField(max_digits=12, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)
# the moves of a manager deciding a requested settlement (records.finance.services.WORKFLOW)
DECIDE = frozenset({"refund", "forfeit", "reject"})


# --- Leases -----------------------------------------------------------------------------------
def tenant_choices(dossier):
    """The customers who hold a current section of the dossier, tenants first."""
    sections = Occupancy.objects.current().filter(dossier=dossier)
    tenant = sections.filter(customer=OuterRef("pk"), role=Occupancy.Role.TENANT)
    return (
        Customer.objects.filter(Exists(sections.filter(customer=OuterRef("pk"))))
        .annotate(is_tenant=Exists(tenant))
        .order_by("-is_tenant", "name", "pk")
    )


def linkable_lease_deposits(dossier):
    """Lease deposits of the dossier still held and not yet tied to a lease."""
    return Deposit.objects.filter(
        dossier=dossier, kind=Deposit.Kind.LEASE, status=Deposit.Status.HELD, lease__isnull=True
    ).order_by("-received_on", "-pk")


def lease_deposit_in_force(lease):
    """The deposit a lease holds: its own, or the one carried over from the lease it renews
    (a renewal keeps the deposit; the renewed lease keeps its link, locked)."""
    seen = 0
    current = lease
    while current is not None and seen < 50:
        if current.deposit_id:
            return current.deposit
        current = current.renewal_of
        seen += 1
    return None


# --- Deposits ---------------------------------------------------------------------------------
def can_decide_deposit(user, deposit):
    """A manager other than the requester decides a requested settlement."""
    return bool(DECIDE & workflow.allowed_moves(user, deposit))


def deposits_awaiting_decision(*, user):
    """Requested refunds and forfeits the user may see (for the approvals page)."""
    return (
        record_visible_to(user, Deposit)
        .filter(status__in=(Deposit.Status.REFUND_REQUESTED, Deposit.Status.FORFEIT_REQUESTED))
        .select_related("dossier", "settlement_requested_by")
        .order_by("received_on", "pk")
    )


# --- Arrears ----------------------------------------------------------------------------------
def _owed_charges(*, user, on, estate=None):
    """The visible charges due before ``on`` and not paid by then, each with what it owed.

    A charge's ``paid_amount`` is the sum of its payments (``payment_record`` keeps it so, and
    the dossier's records panel counts its arrears from it), and its ``last_paid_on`` the day
    of the latest. What a charge owed on ``on`` is what it owes now plus what was paid after
    that day, which only a charge with ``last_paid_on`` after the day has. So for today (no
    payment is dated ahead) the owing charges are read from one index (migration 0007); for
    an earlier day, from that one or the index of the charges paid since (migration 0006),
    and only the charges paid since have their later payments added up: not every payment of
    every charge due before the day (1.5 s at 100,000 units, docs/PERFORMANCE.md).
    """
    charges = record_visible_to(user, Charge).filter(due_on__lt=on)
    if estate is not None:
        charges = charges.filter(dossier__unit__building__estate=estate)
    outstanding = F("amount") - F("paid_amount")
    if not Charge.objects.filter(last_paid_on__gt=on).order_by().exists():
        return (
            charges.alias(outstanding=outstanding)
            .filter(outstanding__gt=0)
            .annotate(owed=outstanding)
        )
    paid_after = (
        Payment.objects.filter(charge=OuterRef("pk"), paid_on__gt=on)
        .order_by()
        .values("charge")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    later = Case(
        When(last_paid_on__gt=on, then=Coalesce(Subquery(paid_after, output_field=MONEY), ZERO)),
        default=ZERO,
        output_field=MONEY,
    )
    # Each of these owed something on the day: a charge is never paid beyond its amount
    # (charge_paid_within_amount) and a payment is never removed, so one paid since the day
    # had at least that payment outstanding then. ``owed > 0`` is not asked again: each time
    # the expression is written PostgreSQL runs its subquery again, for every charge paid since.
    return (
        charges.alias(outstanding=outstanding)
        .filter(Q(outstanding__gt=0) | Q(last_paid_on__gt=on))
        .annotate(owed=ExpressionWrapper(outstanding + later, output_field=MONEY))
    )


def arrears(*, user, on, estate=None):
    """One row per visible dossier owing money on ``on``: charges due before that day, less
    the payments received by then. Rows are dicts, the largest debt first and, for the same
    sum, the debt owed longest; one query.

    The rows are grouped by the dossier's id alone: joining the dossier (let alone its unit,
    building and estate) to every owing charge hashed all 100,000 dossiers at 100,000 units,
    and reading its archive number for each group cost 7,120 lookups for 90 days back
    (docs/PERFORMANCE.md). ``attach_occupants`` labels the rows that are shown."""
    return (
        _owed_charges(user=user, on=on, estate=estate)
        .order_by()
        .values("dossier_id")
        .annotate(
            total=Sum("owed", output_field=MONEY),
            periods=Count("period", distinct=True),
            oldest_period=Min("period"),
            oldest_due=Min("due_on"),
        )
        .order_by(*ORDER)
    )


# the arrears' order, whichever way they are read: the largest debt first, then the oldest
ORDER = ("-total", "oldest_due", "dossier_id")


def arrears_summary(*, user, on, estate=None):
    """How many dossiers owe, and how much in all: one query."""
    return _owed_charges(user=user, on=on, estate=estate).aggregate(
        dossiers=Count("dossier", distinct=True),
        total=Coalesce(Sum("owed", output_field=MONEY), ZERO),
    )


class _Totalled:
    """The rows of ``arrears``, each with the count and sum of all of them, a slice at a time.

    The grouped query is wrapped in one whose window functions read its rows: written as
    ``SUM(SUM(…)) OVER ()`` on the grouped query itself, the sum of what was paid after the
    day ran its subquery twice for every charge paid since (4,179 at 100,000 units, 90 days
    back; docs/PERFORMANCE.md)."""

    OVER_ALL = "COUNT(*) OVER () AS all_dossiers, SUM(a.total) OVER () AS all_total"
    ORDER = "a.total DESC, a.oldest_due ASC, a.dossier_id ASC"  # ORDER, in SQL

    def __init__(self, grouped):
        grouped = grouped.order_by()
        self.db = grouped.db
        try:
            self.sql, self.params = grouped.query.get_compiler(using=self.db).as_sql()
        except EmptyResultSet:  # nothing visible (an inactive user)
            self.sql = None

    def __getitem__(self, cut):
        if self.sql is None:
            return []
        # the inner SQL is Django's own compilation of the queryset, its values parameters
        sql = f"SELECT a.*, {self.OVER_ALL} FROM ({self.sql}) a ORDER BY {self.ORDER}"  # noqa: S608
        sql += " LIMIT %s OFFSET %s"
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, (*self.params, cut.stop - cut.start, cut.start))
            names = [column[0] for column in cursor.description]
            return [self._typed(dict(zip(names, row, strict=True))) for row in cursor]

    @staticmethod
    def _typed(row):
        """The values as the queryset gives them (SQLite hands back text and floats)."""
        for key in ("total", "all_total"):
            row[key] = Decimal(str(row[key])).quantize(CENT)
        row["oldest_due"] = _DATE.to_python(row["oldest_due"])
        return row


CENT = Decimal("0.01")
_DATE = DateField()


def kept_arrears(*, user, on, estate=None):
    """The rows of ``arrears`` read from the dossiers' kept balances (``records.finance.
    balances``), or ``None`` when they are not right for ``on``: an earlier day, or a charge
    fallen due since the nightly job. One row per owing dossier, not every owing charge."""
    if on != timezone.localdate() or not balances.current(on):
        return None
    rows = with_visible_dossier(user, DossierBalance.objects.filter(total__gt=0))
    if estate is not None:
        rows = rows.filter(dossier__unit__building__estate=estate)
    return rows.values("dossier_id", "total", "periods", "oldest_period", "oldest_due").order_by(
        *ORDER
    )


def arrears_page(*, user, on, estate=None, number=1, per_page=25):
    """``(a page of arrears rows labelled by attach_occupants, the summary)`` in one query:
    every row carries the count and sum of all the rows (window functions), so the owing
    dossiers are read once, not again by ``arrears_summary`` (at 100,000 units each pass was
    most of the page, docs/PERFORMANCE.md). Today's come from the kept balances when they are
    right (``kept_arrears``), any other day's from the charges. A page past the end answers
    the last page, and only then is the summary asked on its own; one that is not a number,
    or below 1, answers the first."""
    kept = kept_arrears(user=user, on=on, estate=estate)
    if kept is not None:
        rows = kept.annotate(
            all_dossiers=Window(Count("dossier_id"), output_field=IntegerField()),
            all_total=Window(Sum("total"), output_field=MONEY),
        )
    else:
        rows = _Totalled(arrears(user=user, on=on, estate=estate))
    paginator = Paginator(rows, per_page)
    try:
        # past the end either way; a larger one would be an OFFSET the database refuses
        number = min(max(int(number), 1), 1_000_000)
    except (TypeError, ValueError):
        number = 1
    shown = list(rows[(number - 1) * per_page : number * per_page])
    if shown:
        summary = {"dossiers": shown[0]["all_dossiers"], "total": shown[0]["all_total"]}
    elif number > 1 and kept is not None:
        summary = kept.aggregate(
            dossiers=Count("dossier_id"), total=Coalesce(Sum("total", output_field=MONEY), ZERO)
        )
    elif number > 1:
        summary = arrears_summary(user=user, on=on, estate=estate)
    else:
        summary = {"dossiers": 0, "total": ZERO.value}
    paginator.count = summary["dossiers"]  # one row per dossier: counted already
    if not shown and number > 1:
        try:
            number = paginator.validate_number(number)
        except InvalidPage:
            number = paginator.num_pages
        shown = list(rows[(number - 1) * per_page : number * per_page])
    return paginator._get_page(attach_occupants(shown), number, paginator), summary


def attach_occupants(rows):
    """Give each arrears row its archive number, unit label and current occupants' names: two
    queries for every 500 rows."""
    rows = list(rows)
    names, units = {}, {}
    ids = [row["dossier_id"] for row in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        sections = (
            Occupancy.objects.current()
            .filter(dossier_id__in=chunk)
            .select_related("customer")
            .only("dossier_id", "customer__name")
            .order_by("dossier_id", "section_number")
        )
        for section in sections:
            names.setdefault(section.dossier_id, []).append(section.customer.name)
        units.update(
            (row["pk"], row)
            for row in Dossier.objects.filter(pk__in=chunk).values(
                "pk",
                "archive_number",
                estate=F("unit__building__estate__name"),
                building=F("unit__building__number"),
                entrance=F("unit__entrance"),
                room=F("unit__room"),
            )
        )
    for row in rows:
        row["occupants"] = names.get(row["dossier_id"], [])
        unit = units.get(row["dossier_id"])
        if unit is None:  # the dossier went between the two reads
            row["unit"] = row["archive_number"] = ""
            continue
        row["archive_number"] = unit["archive_number"]
        parts = [unit["estate"], _("Building %(n)s") % {"n": unit["building"]}]
        if unit["entrance"]:
            parts.append(_("Entrance %(n)s") % {"n": unit["entrance"]})
        parts.append(unit["room"])
        row["unit"] = " ".join(str(p) for p in parts)
    return rows
