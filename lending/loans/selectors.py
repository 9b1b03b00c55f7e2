"""The loan pages' reads: the request form's items with the rules' verdicts, one loan's
sections, the borrower's own loans, the approval queue, the archivist's desk and the dossier's
loans panel. Every list starts from ``loan_visible_to`` and runs a constant number of queries
whatever its length (items are counted by a correlated subquery, run for the page's rows only);
the order of each list is one an index of ``Loan.Meta.indexes`` serves."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.history import with_changes
from core.permissions import can
from customers.permissions import users_who_see
from documents.models import Document

from ..escalation.selectors import notices_of
from ..models import Access, Loan, LoanItem, Mode, Renewal
from ..permissions import APPROVE, APPROVE_OUTSIDE, lendable_documents, loan_visible_to
from ..rules import default_loan_days
from . import services

S = Loan.Status


# --- The request form -----------------------------------------------------------------------
def request_documents(*, user, dossier):
    """The documents of ``dossier`` that ``user`` may see and ask for (not the destroyed ones),
    in the catalog's order of the whole-dossier loan."""
    return (
        lendable_documents(user, dossier)
        .exclude(status=Document.Status.DESTROYED)
        .select_related("dossier", "category")
        .order_by("document_date", "pk")
    )


def hidden_documents(*, dossier, shown: int) -> int:
    """How many documents of ``dossier`` the user is not shown (a whole-dossier loan then
    cannot be asked for: the service refuses it)."""
    held = Document.objects.filter(dossier=dossier).exclude(status=Document.Status.DESTROYED)
    return max(held.count() - shown, 0)


@dataclass
class RequestRow:
    document: Document
    verdict: object  # lending.rules.Verdict
    checked: bool

    @property
    def disabled(self) -> bool:
        return self.verdict.refused

    @property
    def access_label(self) -> str:
        return Access.REFUSED.label if self.verdict.refused else Access(self.verdict.access).label


def request_rows(*, dossier, documents, mode, whole_dossier, chosen) -> list[RequestRow]:
    """Each document with what the rules say of it in ``mode`` (``request_verdicts``, the
    answer ``loan_request`` gives): refused ones with the reason, ones out now with a note."""
    verdicts = services.request_verdicts(
        dossier=dossier, documents=documents, mode=mode, whole_dossier=whole_dossier
    )
    chosen = {str(pk) for pk in chosen}
    return [
        RequestRow(
            document=v.document,
            verdict=v,
            checked=not v.refused and (whole_dossier or str(v.document.pk) in chosen),
        )
        for v in verdicts
    ]


def allowed_days(rows) -> int:
    """The most days the rules allow for the chosen items (all of them when none is chosen)."""
    chosen = [r for r in rows if r.checked] or [r for r in rows if not r.disabled]
    return min(
        (r.verdict.loan_days for r in chosen if r.verdict.loan_days),
        default=default_loan_days(),
    )


def borrower_choices(*, dossier):
    """Who the archive room may register a loan for: active users who may see ``dossier``
    (R22: an executive borrows directly through the archivist). A read of users only: names,
    no personal data."""
    users = get_user_model().objects.filter(is_active=True)
    return users_who_see(dossier, users).order_by("last_name", "first_name", "username")


# --- One loan -------------------------------------------------------------------------------
WAITING_LABELS = {
    "owner": _("the owner's consent"),
    "manager": _("a manager's approval"),
    "legal": _("the legal department's approval"),
}


def waiting_for(loan) -> list[str]:
    """What a requested loan still waits for, as the services decide it."""
    if loan.status != S.REQUESTED:
        return []
    return [WAITING_LABELS[part] for part in services._waiting_for(loan)]


def loan_items(*, user, loan):
    """The loan's items whose documents ``user`` may see, and how many are not shown."""
    items = loan.items.select_related("document__category", "document__dossier").order_by("pk")
    visible = set(
        lendable_documents(user, loan.dossier)
        .filter(pk__in=items.values("document_id"))
        .values_list("pk", flat=True)
    )
    rows = list(items)
    shown = [i for i in rows if i.document_id in visible]
    return shown, len(rows) - len(shown), visible


def loan_renewals(loan):
    renewals = list(loan.renewals.select_related("requested_by", "decided_by").order_by("pk"))
    for renewal in renewals:
        renewal.loan = loan  # the page's copy, read through the viewer's sight (on_loan)
    return renewals


def loan_notices(loan):
    """The loan's escalation ledger, newest first (R23)."""
    return list(notices_of(loan))


def loan_incidents(loan):
    return list(
        loan.incidents.select_related(
            "item__document", "responsible", "reported_by", "handled_by"
        ).order_by("pk")
    )


def loan_copies(loan):
    return list(loan.copies.select_related("document", "holder", "made_by").order_by("pk"))


def loan_history(loan):
    """The loan's history rows, oldest first, each with what it changed (``core.history``)."""
    rows = loan.history.select_related("history_user").order_by("-history_date", "-pk")
    return with_changes(rows)[::-1]


# --- Lists ----------------------------------------------------------------------------------
def _with_item_count(qs):
    count = (
        LoanItem.objects.filter(loan=OuterRef("pk"))
        .order_by()
        .values("loan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(item_count=Coalesce(Subquery(count, output_field=IntegerField()), 0))


def _rows(qs):
    return _with_item_count(qs.select_related("dossier", "borrower", "requested_by"))


def mark_seen(rows, user):
    """The rows were read through ``loan_visible_to(user)``: their moves need not ask the gate
    again (``lending.permissions.on_loan``)."""
    for loan in rows:
        loan._seen_by = user.pk
    return rows


def my_loans(*, user):
    """The user's own loans (borrower or registered by them): out first by due day, then those
    waiting, then the closed ones, newest first."""
    group = Case(
        When(status__in=Loan.OUT_STATUSES, then=Value(0)),
        When(status__in=Loan.WAITING_STATUSES, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    due = Case(When(status__in=Loan.OUT_STATUSES, then=F("due_on")), default=None)
    qs = loan_visible_to(user).filter(Q(borrower=user) | Q(requested_by=user))
    return _rows(qs).order_by(group, due.asc(nulls_last=True), "-requested_at", "-pk")


def approval_loans(*, user):
    """Requested loans that wait for this user's kind of decision (a manager's, the legal
    department's), not their own, oldest first."""
    waiting = Q()
    if can(user, APPROVE):
        waiting |= Q(needs_approval=True, approved_by__isnull=True)
    if can(user, APPROVE_OUTSIDE):
        waiting |= Q(needs_legal=True, legal_approved_by__isnull=True)
    if not waiting:
        return Loan.objects.none()
    qs = (
        loan_visible_to(user)
        .filter(status=S.REQUESTED)
        .filter(waiting)
        .exclude(borrower=user)
        .exclude(requested_by=user)
    )
    return _rows(qs).order_by("requested_at", "pk")


def approval_renewals(*, user):
    """Renewals waiting for a manager, not the user's own, oldest first."""
    if not can(user, APPROVE):
        return Renewal.objects.none()
    waiting = Renewal.Status.REQUESTED
    # the loans with a renewal waiting, of those the user sees: a few, not every loan
    loans = loan_visible_to(user, Loan.objects.filter(renewals__status=waiting)).values("pk")
    return (
        Renewal.objects.filter(status=waiting, loan__in=loans)
        .exclude(requested_by=user)
        .exclude(loan__borrower=user)
        .select_related("loan__dossier", "loan__borrower", "requested_by")
        .order_by("requested_at", "pk")
    )


# The archivist's desk: its tabs, each a filter of the loans the user may see.
DESK_TABS = {
    "hand_out": (_("To hand out"), Q(status=S.APPROVED) & ~Q(mode=Mode.COPY)),
    "copies": (_("Copies to make"), Q(status=S.APPROVED, mode=Mode.COPY)),
    "out": (_("Out"), Q(status__in=(S.OUT, S.RENEWED))),
    "due_today": (_("Due today"), None),  # by the day: see desk_filter
    "overdue": (_("Overdue"), None),
    "escalated": (_("Escalated"), Q(status__in=Loan.OUT_STATUSES, escalated=True)),
    "check_back": (_("To check back"), Q(status__in=Loan.OUT_STATUSES)),
}
DESK_STATUSES = (S.APPROVED, *Loan.OUT_STATUSES)


def desk_filter(tab, today):
    if tab == "due_today":
        return Q(status__in=(S.OUT, S.RENEWED), due_on=today)
    if tab == "overdue":
        return Q(status__in=(S.OUT, S.RENEWED), due_on__lt=today)
    return DESK_TABS[tab][1]


def desk_counts(*, user, today) -> dict[str, int]:
    """The number of loans in each tab: one aggregate query."""
    qs = loan_visible_to(user).filter(status__in=DESK_STATUSES).order_by()
    return qs.aggregate(**{tab: Count("pk", filter=desk_filter(tab, today)) for tab in DESK_TABS})


def desk_rows(*, user, tab, today):
    """The loans of one tab by due day, in the order of an index: ``loan_status_due_idx``
    (status, due day, id) for the approved ones (oldest first: they have no due day yet),
    ``loan_out_due_idx`` (due day, id of the loans out) for the others."""
    qs = _rows(loan_visible_to(user).filter(desk_filter(tab, today)))
    return qs.order_by("due_on", "pk")


# --- The dossier's panel --------------------------------------------------------------------
def dossier_loans(*, user, dossier):
    """The dossier's loans that ``user`` may see, newest first (``loan_dossier_idx``)."""
    return (
        loan_visible_to(user, dossier=dossier)
        .select_related("borrower")
        .order_by("-requested_at", "-pk")
    )
