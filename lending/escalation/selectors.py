"""The reads of the escalation ledger (R23): what the daily job must send, and what the pages
show of what it sent.

- ``loans_due_a_notice(today)``: the job's candidates, in SQL.
- ``notices_of(loan)``: a loan's ledger.
- ``escalations(user=...)``: the escalations (问责) of the loans ``user`` may see.
- ``escalations_against(borrower)``: the escalations recorded against one person.
- ``archive_room_heads()``, ``managers_of(loan)``: who is told of an escalation.
"""

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Value, When

from core.audience import who_may_see
from core.permissions import holders_of
from core.roles import Role
from customers.permissions import who_is_told

from ..models import Loan, Notice
from ..permissions import APPROVE, LEAD, loan_visible_to

S = Loan.Status
L = Notice.Level

# the loans the ledger follows: out, and not being returned (RETURN_CHECKED waits for the
# borrower's confirmation: the items are back on the archivist's desk)
FOLLOWED_STATUSES = (S.OUT, S.RENEWED)


def level_due(loan, today):
    """The highest level of the ledger due on ``today`` in the loan's current period, or None.

    REMINDER on the due day, OVERDUE from the day after, ESCALATION once out more than 15 days
    in the period (``escalate_on``) — never before the loan is overdue, so a loan lent for more
    than 15 days is escalated only once it is past its own due day."""
    if loan.status not in FOLLOWED_STATUSES or loan.due_on is None or today < loan.due_on:
        return None
    if today == loan.due_on:
        return L.REMINDER
    if loan.escalate_on is not None and today >= loan.escalate_on:
        return L.ESCALATION
    return L.OVERDUE


def _level_due_sql(today):
    """``level_due`` in SQL, for the loans with ``due_on <= today``."""
    return Case(
        When(due_on__lt=today, escalate_on__lte=today, then=Value(L.ESCALATION.value)),
        When(due_on__lt=today, then=Value(L.OVERDUE.value)),
        default=Value(L.REMINDER.value),
        output_field=IntegerField(),
    )


def loans_due_a_notice(today):
    """The loans that owe a notice on ``today``: followed, due by today (``loan_status_due_idx``),
    and without a notice of the level due or a higher one in their current period. A loan
    already escalated in its period (``escalated``) has had its last notice. Ordered by due day
    and id, for the job's batches; annotated ``level_due``."""
    sent = Notice.objects.filter(
        loan=OuterRef("pk"), period=OuterRef("renewal_count"), level__gte=OuterRef("level_due")
    )
    return (
        Loan.objects.filter(status__in=FOLLOWED_STATUSES, due_on__lte=today, escalated=False)
        .annotate(level_due=_level_due_sql(today))
        .filter(~Exists(sent))
        .order_by("due_on", "pk")
    )


def notices_of(loan):
    """A loan's ledger, newest first: every notice of every period."""
    return Notice.objects.filter(loan=loan).select_related("borrower").order_by("-day", "-pk")


def _escalation_rows():
    return Notice.objects.filter(level=L.ESCALATION).select_related(
        "borrower", "loan", "loan__dossier", "loan__borrower"
    )


def escalations(*, user, current=False):
    """The escalations (问责, ``Notice`` rows of level ESCALATION) of the loans ``user`` may see
    (``loan_visible_to``: a manager sees those of the dossiers they see), newest first; one row
    per loan and period. ``current``: only the loans still out and escalated now."""
    loans = loan_visible_to(user)
    if current:
        loans = loans.filter(status__in=Loan.OUT_STATUSES, escalated=True)
    rows = _escalation_rows().filter(loan__in=loans.order_by().values("pk"))
    if current:
        # the escalation of the period the loan is in now, not an earlier one
        rows = rows.filter(period=F("loan__renewal_count"))
    return rows.order_by("-day", "-pk")


def escalations_against(borrower, *, user=None):
    """The escalations recorded against ``borrower``, newest first; ``user``: only those of
    loans ``user`` may see (a page shows another person's record through its reader's eyes)."""
    rows = _escalation_rows().filter(borrower=borrower)
    if user is not None:
        rows = rows.filter(loan__in=loan_visible_to(user).order_by().values("pk"))
    return rows.order_by("-day", "-pk")


# --- Who is told ---------------------------------------------------------------------------
def archive_room_heads():
    """The active holders of ``lending.lead_archive_room``, granted through a group or to the
    person (a superuser is not a head for holding every permission). Read once per run."""
    return list(holders_of(LEAD))


def archive_room_of(loan, heads):
    """Who in the archive room hears of ``loan``'s escalation: the heads among ``heads`` who may
    see its dossier; when none may, every active archivist who may (R17: nobody is told of a
    dossier they may not see)."""
    seen = who_may_see(loan.dossier, heads)
    return seen or who_is_told(loan.dossier, roles=(Role.ARCHIVIST,))


def managers_of(loan):
    """The borrower's manager (``reports_to``) when active and allowed to see the dossier; else
    the managers who see it (approvers of loans), the borrower left out."""
    borrower = loan.borrower
    boss = borrower.reports_to if borrower is not None else None
    if boss is not None and boss.is_active and who_may_see(loan.dossier, [boss]):
        return [boss]
    return who_is_told(loan.dossier, perm=APPROVE, exclude=borrower)
