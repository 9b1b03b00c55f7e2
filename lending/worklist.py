"""The home page's sections of lending (``core.worklist``): the loans and renewals waiting
for a decision (R22, R23) and, at the archive room's desk, the loans due back (R23)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import worklist
from core.permissions import can

from .loans import selectors
from .permissions import APPROVE, APPROVE_OUTSIDE, HAND_OUT


def _loan_item(loan, *, when=None):
    return worklist.Item(
        label=f"{loan} · {loan.dossier.archive_number}",
        url=reverse("lending:loan_detail", args=[loan.pk]),
        detail=str(loan.borrower.get_full_name() or loan.borrower),
        when=when if when is not None else loan.due_on,
        flag=_("Escalated") if loan.escalated else "",
    )


def loan_approvals(user, limit):
    """The loans and renewals the approval queue shows this user."""
    if not (can(user, APPROVE) or can(user, APPROVE_OUTSIDE)):
        return None

    def renewal(r):
        return worklist.Item(
            label=_("Renewal of %(loan)s · %(number)s")
            % {"loan": r.loan, "number": r.loan.dossier.archive_number},
            url=reverse("lending:loan_detail", args=[r.loan_id]),
            detail=str(r.requested_by.get_full_name() or r.requested_by),
            when=r.requested_at,
        )

    merged = worklist.merged(
        [
            (
                selectors.approval_loans(user=user),
                lambda loan: _loan_item(loan, when=loan.requested_at),
            ),
            (selectors.approval_renewals(user=user), renewal),
        ],
        limit,
    )
    return worklist.Section(
        title=_("Loans to decide"),
        count=merged.count,
        items=merged.rows,
        icon="check2-square",
        url=reverse("lending:approval_queue"),
    )


def _desk(tab, title, icon):
    def provider(user, limit):
        if not can(user, HAND_OUT):
            return None
        rows = selectors.desk_rows(user=user, tab=tab, today=timezone.localdate())
        count, first = worklist.first(rows, limit)
        return worklist.Section(
            title=title,
            count=count,
            items=[_loan_item(loan) for loan in first],
            icon=icon,
            url=reverse("lending:desk") + f"?tab={tab}",
        )

    return provider


def register():
    worklist.register("loan_approvals", loan_approvals, order=60)
    worklist.register("loans_overdue", _desk("overdue", _("Loans overdue"), "alarm"), order=62)
    worklist.register(
        "loans_due_today", _desk("due_today", _("Loans due back today"), "calendar-event"), order=63
    )
