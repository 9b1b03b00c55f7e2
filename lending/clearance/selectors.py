"""What a member of staff still holds of the archive (R28): the items out on the loans they
borrow (``LoanItem.out``) and the copies they hold (``CopyRecord`` held, ``holder``).

- ``holdings``: the lines ``core.clearance`` shows wherever an account is to be deactivated
  (registered in ``LendingConfig.ready``). They name loans by number and dossier by archive
  number only, never a document's title: they are read by administrators, who may not see
  the dossier (R17).
- ``clearance_of``: the clearance page of one person, as a viewer may see it.
- ``staff_holding``: the report "staff with items out", one row per person, counted over the
  loans the viewer may see.
"""

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from documents.permissions import document_visible_to

from ..models import CopyRecord, Loan, LoanItem
from ..permissions import loan_visible_to

HELD = CopyRecord.Status.HELD


def _items_out(holder):
    return LoanItem.objects.filter(out=True, loan__borrower=holder)


def _copies_held(holder):
    return CopyRecord.objects.filter(status=HELD, holder=holder)


def holdings(user) -> list[str]:
    """One line per loan with items out and per copy record held by ``user``."""
    lines = []
    loans = (
        _items_out(user)
        .values("loan_id", "loan__number", "loan__due_on", "loan__dossier__archive_number")
        .annotate(n=Count("pk"))
        .order_by("loan__due_on", "loan_id")
    )
    for row in loans:
        lines.append(
            _("loan %(number)s (dossier %(dossier)s): %(n)s items out, due %(due)s")
            % {
                "number": row["loan__number"] or f"#{row['loan_id']}",
                "dossier": row["loan__dossier__archive_number"],
                "n": row["n"],
                "due": date_format(row["loan__due_on"]) if row["loan__due_on"] else "—",
            }
        )
    copies = _copies_held(user).values(
        "pk", "kind", "count", "loan_id", "loan__number", "loan__dossier__archive_number"
    )
    for row in copies.order_by("made_at", "pk"):
        lines.append(
            _("%(count)s × %(kind)s from loan %(number)s (dossier %(dossier)s) held")
            % {
                "count": row["count"],
                "kind": CopyRecord.Kind(row["kind"]).label,
                "number": row["loan__number"] or f"#{row['loan_id']}",
                "dossier": row["loan__dossier__archive_number"],
            }
        )
    return lines


def clearance_of(*, holder, viewer) -> dict:
    """What ``holder`` holds, as ``viewer`` may see it: ``loans`` (out, with ``items_out``
    and ``titles`` of the items the viewer may see, soonest due first), ``copies`` (held,
    with ``shown_title``), and what lies in dossiers the viewer may not see, counted only
    (``hidden_loans``, ``hidden_copies``). Five queries, whatever the numbers."""
    visible = loan_visible_to(viewer)
    out_items = _items_out(holder)
    held_loans = Loan.objects.filter(pk__in=out_items.values("loan_id"))
    loans = list(
        visible.filter(pk__in=held_loans.values("pk"))
        .annotate(items_out=Count("items", filter=Q(items__out=True)))
        .select_related("dossier")
        .order_by("due_on", "pk")
    )
    seen_documents = document_visible_to(viewer).filter(pk=OuterRef("document_id"))
    titles: dict[int, list[str]] = {}
    for loan_id, title in (
        out_items.filter(loan__in=[loan.pk for loan in loans])
        .filter(Exists(seen_documents))
        .order_by("loan_id", "pk")
        .values_list("loan_id", "document__title")
    ):
        titles.setdefault(loan_id, []).append(title)
    today = timezone.localdate()
    for loan in loans:
        loan.titles = titles.get(loan.pk, [])
        loan.overdue = loan.status != Loan.Status.RETURN_CHECKED and bool(
            loan.due_on and loan.due_on < today
        )
    copies = list(
        _copies_held(holder)
        .filter(loan__in=visible.values("pk"))
        .annotate(title_visible=Exists(seen_documents))
        .select_related("loan__dossier", "document")
        .order_by("made_at", "pk")
    )
    for copy in copies:
        copy.shown_title = copy.document.title if copy.title_visible else ""
    totals = {
        "loans": held_loans.count(),
        "copies": _copies_held(holder).count(),
    }
    return {
        "loans": loans,
        "copies": copies,
        "hidden_loans": totals["loans"] - len(loans),
        "hidden_copies": totals["copies"] - len(copies),
        "clear": not totals["loans"] and not totals["copies"],
    }


def _count(queryset, column):
    """A correlated count of ``queryset`` per user (``column`` names the user)."""
    counted = (
        queryset.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def staff_holding(*, viewer):
    """The people who hold something in the loans ``viewer`` may see, soonest due first:
    ``items_out``, ``loans_out``, ``held_copies``, ``next_due``. One query per page (and
    one to count), whatever the number of people."""
    visible = loan_visible_to(viewer).values("pk")
    items = LoanItem.objects.filter(out=True, loan__in=visible)
    copies = CopyRecord.objects.filter(status=HELD, loan__in=visible)
    loans_out = Loan.objects.filter(pk__in=items.values("loan_id"))
    next_due = (
        loans_out.filter(borrower=OuterRef("pk"))
        .order_by()
        .values("borrower")
        .annotate(first=Min("due_on"))
        .values("first")
    )
    return (
        get_user_model()
        .objects.annotate(
            items_out=_count(items, "loan__borrower"),
            loans_out=_count(loans_out, "borrower"),
            held_copies=_count(copies, "holder"),
            next_due=Subquery(next_due),
        )
        .filter(Q(pk__in=items.values("loan__borrower")) | Q(pk__in=copies.values("holder")))
        .order_by(F("next_due").asc(nulls_last=True), "last_name", "first_name", "username", "pk")
    )
