"""The loan register (档案借阅登记表) of a period: every loan whose request or handing-out falls
in it, one plain dict per loan, streamed from two queries whatever the number of rows.

The loans and their items are read with ``.values().iterator()`` in the same order (the
request's time, then the loan's id) and merged as they come, so a register of 10,000 loans
holds neither 10,000 model instances nor a query per row. A document's title is given only
when the reader may see the document (``documents.permissions``); the others are counted.
The outside party's credential number is masked here, before any output sees it (R16).
"""

import datetime
import zoneinfo
from collections.abc import Iterator
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from core.choices import CONFIDENTIAL_LEVELS
from core.masking import mask_field
from documents.permissions import document_visible_to

from ..models import BorrowerKind, Loan, LoanItem, Mode, Notice, OutsideParty
from ..permissions import loan_visible_to

# the company's days, whatever zone a user has activated
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")

_PERSON = ("first_name", "last_name", "username")
_LOAN_FIELDS = (
    "pk",
    "number",
    "dossier__archive_number",
    "dossier__secrecy_level",
    "mode",
    "purpose",
    "status",
    "borrower_kind",
    *(f"borrower__{f}" for f in _PERSON),
    "party",
    "party_organisation",
    "party_person",
    "party_credential",
    *(f"requested_by__{f}" for f in _PERSON),
    "requested_at",
    *(f"approved_by__{f}" for f in _PERSON),
    "approved_at",
    "handed_out_at",
    "due_on",
    "renewal_count",
    "returned_at",
    "escalated",
)


def period_bounds(date_from: datetime.date, date_to: datetime.date):
    """The period's first and last day as [start, end) moments in Asia/Shanghai."""
    start = datetime.datetime.combine(date_from, datetime.time.min, ZONE)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, ZONE)
    return start, end


def register_loans(*, user, date_from, date_to):
    """The loans of the register that ``user`` may see: requested or handed out in the
    period, oldest request first."""
    start, end = period_bounds(date_from, date_to)
    in_period = Q(requested_at__gte=start, requested_at__lt=end) | Q(
        handed_out_at__gte=start, handed_out_at__lt=end
    )
    return loan_visible_to(user).filter(in_period).order_by("requested_at", "pk")


def register_count(*, user, date_from, date_to) -> int:
    return register_loans(user=user, date_from=date_from, date_to=date_to).count()


@lru_cache(maxsize=4096)
def _full_name(first, last, username) -> str:
    """``str(user)`` (family name first in Chinese) without reading the user: a register
    names the same few people thousands of times."""
    if username is None:
        return ""
    return str(get_user_model()(first_name=first or "", last_name=last or "", username=username))


def _name(row, prefix) -> str:
    return _full_name(*(row[f"{prefix}__{f}"] for f in _PERSON))


def _borrower(row) -> dict:
    outside = row["borrower_kind"] == BorrowerKind.OUTSIDE
    return {
        "borrower_kind": row["borrower_kind"],
        "borrower_kind_label": BorrowerKind(row["borrower_kind"]).label,
        "borrower": "" if outside else _name(row, "borrower"),
        "party": OutsideParty(row["party"]).label if outside and row["party"] else "",
        "party_organisation": row["party_organisation"] if outside else "",
        "party_person": row["party_person"] if outside else "",
        # R16: masked here, so neither the PDF nor the sheet ever holds the whole number
        "party_credential": (
            mask_field(Loan, "party_credential", row["party_credential"]) if outside else ""
        ),
    }


def register_rows(*, user, date_from, date_to, chunk_size=2000) -> Iterator[dict]:
    """One dict per loan of the register (the order of ``register_loans``):

    ``pk``, ``number``, ``archive_number``, ``confidential`` (the dossier or a shown document
    is of level B/A: the caller logs the read, R21), ``item_count``, ``titles`` (of the items
    the reader may see), ``hidden_items`` (the others), ``borrower_kind`` (the code) and
    ``borrower_kind_label``, ``borrower`` (a staff member's name), ``party``,
    ``party_organisation``, ``party_person``,
    ``party_credential`` (masked), ``mode``, ``purpose``, ``requested_by``, ``requested_at``,
    ``approved_by``, ``approved_at``, ``handed_out_at``, ``due_on``, ``renewals``,
    ``returned_at``, ``status``, ``escalated`` (escalated now, or once in its life: a
    renewal clears the flag, the ledger keeps the notice).
    """
    loans = register_loans(user=user, date_from=date_from, date_to=date_to)
    escalations = Notice.objects.filter(loan=OuterRef("pk"), level=Notice.Level.ESCALATION)
    loan_rows = (
        loans.annotate(ever_escalated=Exists(escalations))
        .values(*_LOAN_FIELDS, "ever_escalated")
        .iterator(chunk_size=chunk_size)
    )
    seen = document_visible_to(user).filter(pk=OuterRef("document_id"))
    item_rows = (
        LoanItem.objects.filter(loan__in=loans.order_by().values("pk"))
        .annotate(visible=Exists(seen))
        .order_by("loan__requested_at", "loan_id", "pk")
        .values_list(
            "loan__requested_at", "loan_id", "document__title", "document__secrecy_level", "visible"
        )
        .iterator(chunk_size=chunk_size)
    )
    pending = next(item_rows, None)
    for row in loan_rows:
        titles, hidden, count = [], 0, 0
        confidential = row["dossier__secrecy_level"] in CONFIDENTIAL_LEVELS
        key = (row["requested_at"], row["pk"])
        # the items come in the loans' order: skip any of a loan this read did not see (made
        # between the two queries), take this loan's, leave the next loan's
        while pending is not None and pending[:2] < key:
            pending = next(item_rows, None)
        while pending is not None and pending[1] == row["pk"]:
            _at, _loan, title, level, visible = pending
            count += 1
            if visible:
                titles.append(title)
                confidential = confidential or level in CONFIDENTIAL_LEVELS
            else:
                hidden += 1
            pending = next(item_rows, None)
        yield {
            "pk": row["pk"],
            "number": row["number"] or f"#{row['pk']}",
            "archive_number": row["dossier__archive_number"],
            "confidential": confidential,
            "item_count": count,
            "titles": titles,
            "hidden_items": hidden,
            **_borrower(row),
            "mode": Mode(row["mode"]).label,
            "purpose": row["purpose"],
            "requested_by": _name(row, "requested_by"),
            "requested_at": row["requested_at"],
            "approved_by": _name(row, "approved_by") if row["approved_by__username"] else "",
            "approved_at": row["approved_at"],
            "handed_out_at": row["handed_out_at"],
            "due_on": row["due_on"],
            "renewals": row["renewal_count"],
            "returned_at": row["returned_at"],
            "status": Loan.Status(row["status"]).label,
            "escalated": bool(row["escalated"] or row["ever_escalated"]),
        }
