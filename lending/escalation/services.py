"""The daily escalation of loans (R23): due in 7 days, renew after that, escalated for
accountability (问责) once out more than 15 days without renewal.

``escalation_run`` is the system's own work (the Celery task ``lending.escalate_loans``, the
command ``manage.py escalate_loans``): it has no ``actor``, and its history rows and timeline
lines name no user. For every loan the ledger follows it sends the highest level due today in
the loan's current period (``selectors.level_due``), once:

- REMINDER on the due day, to the borrower;
- OVERDUE from the day after, to the borrower and the registrant;
- ESCALATION from the day the loan has been out more than 15 days in the period: recorded
  against the borrower, ``loan.escalated`` set (a history row), a line on the dossier's
  timeline, and told to the borrower, the registrant, the borrower's manager and the
  archive-room head, in the app and by e-mail (``core.services.notify``).

An outside party's loan has no borrower: its registrant is told in the borrower's place.

Sent once: one ``Notice`` row per (loan, period, level), inserted before anything is sent, in
a savepoint; the unique constraint turns a second run (the same day, or two at once) into a
skip. After missed days only the highest level due is sent, and never a level lower than one
already sent in the period. A renewal opens a new period (``renewal_count``), so the ledger
re-arms with the new dates (``lending.loans.services._grant``).
"""

from __future__ import annotations

import datetime
import logging
import time
from dataclasses import asdict, dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workflow
from core.lines import Line
from core.services import notify
from core.workflow import DomainError
from customers.timeline import record_event

from ..loans.services import loan_link
from ..models import Loan, Notice
from ..timeline import Kind
from .selectors import (
    archive_room_heads,
    archive_room_of,
    level_due,
    loans_due_a_notice,
    managers_of,
)

logger = logging.getLogger(__name__)

L = Notice.Level

__all__ = ["escalation_run", "EscalationSummary", "BATCH", "RUN_BUDGET"]

# loans read per query of the candidates
BATCH = 200
# one run stops after this long and says where it stopped (the task queues the rest), so that
# no run nears BROKER_VISIBILITY_TIMEOUT, after which Redis would hand it to a second worker
RUN_BUDGET = datetime.timedelta(minutes=5)


@dataclass
class EscalationSummary:
    """What one run did. ``resume_after``: the (due day, id) of the last loan looked at when
    the run stopped on its time budget, for the next run to go on from; None when done."""

    day: datetime.date
    sent: dict = field(default_factory=lambda: {level.name.lower(): 0 for level in L})
    skipped: int = 0  # sent meanwhile by another run, or no longer due once locked
    failed: int = 0
    resume_after: tuple | None = None

    @property
    def complete(self) -> bool:
        return self.resume_after is None

    def as_dict(self) -> dict:
        data = asdict(self)
        data["day"] = self.day.isoformat()
        if self.resume_after:
            data["resume_after"] = [self.resume_after[0].isoformat(), self.resume_after[1]]
        return data


def escalation_run(*, today=None, after=None, budget=None) -> EscalationSummary:
    """Send what the ledger owes on ``today`` (default: today in Asia/Shanghai). ``after``:
    a (due day, id) to go on from (``EscalationSummary.resume_after``); ``budget``: how long
    the run may take (``RUN_BUDGET``).

    The candidates are read in batches by one query each (``loans_due_a_notice``: in SQL, on
    ``loan_status_due_idx``), so the loans that owe nothing cost no query of their own. Each
    loan is then handled in its own transaction: one that fails is logged and the rest go on.
    """
    today = today or timezone.localdate()
    if workflow.is_future_day(today):
        raise DomainError(_("The loans cannot be escalated for a day still to come."))
    summary = EscalationSummary(day=today)
    heads = archive_room_heads()
    budget = RUN_BUDGET if budget is None else budget
    deadline = time.monotonic() + budget.total_seconds()
    cursor = after
    while True:
        batch = loans_due_a_notice(today)
        if cursor is not None:
            due, pk = cursor
            batch = batch.filter(Q(due_on__gt=due) | Q(due_on=due, pk__gt=pk))
        rows = list(batch.values_list("pk", "due_on")[:BATCH])
        for pk, due in rows:
            cursor = (due, pk)
            try:
                level = _send_due(pk, today, heads)
            except Exception:
                # the loan's transaction is rolled back (no notice row): the next run tries again
                logger.exception("escalation of loan %s on %s failed", pk, today)
                summary.failed += 1
            else:
                if level is None:
                    summary.skipped += 1
                else:
                    summary.sent[L(level).name.lower()] += 1
            if time.monotonic() > deadline:
                summary.resume_after = cursor
                logger.warning("loan escalation: time budget spent at loan %s, to be resumed", pk)
                break
        if summary.resume_after is not None or len(rows) < BATCH:
            break
    logger.info(
        "loan escalation of %s: sent %s, skipped %s, failed %s",
        today,
        summary.sent,
        summary.skipped,
        summary.failed,
    )
    return summary


def _send_due(pk, today, heads):
    """Send loan ``pk`` the level due today, once; returns the level sent or None."""
    with transaction.atomic():
        loan = workflow.lock(
            Loan, pk, related=("dossier", "borrower", "borrower__reports_to", "requested_by")
        )
        # read again under the lock: returned, renewed or escalated since it was selected
        level = level_due(loan, today)
        if level is None or loan.escalated:
            return None
        period = loan.renewal_count
        if Notice.objects.filter(loan=loan, period=period, level__gte=level).exists():
            return None
        notice = Notice(loan=loan, period=period, level=level, day=today, borrower=loan.borrower)
        try:
            with transaction.atomic():
                notice.save()
        except IntegrityError:
            return None  # another run has just sent it
        people = _people(loan, level, heads)
        message, link = _message(loan, level)
        told = {n.recipient_id for n in notify(people, message, link, about=loan.dossier)}
        notice.recipients = "、".join(str(u) for u in people if u.pk in told)[:500]
        notice.save(update_fields=["recipients"])
        if level == L.ESCALATION:
            loan.escalated = True
            workflow.save_with_history(
                loan,
                actor=None,
                reason=Line("Escalated: out more than 15 days without renewal"),
                update_fields=["escalated"],
            )
            record_event(
                dossier=loan.dossier,
                kind=Kind.LOAN_ESCALATED,
                title=Line(
                    "Loan %(number)s escalated: %(who)s, out since %(start)s without renewal",
                    number=loan.number,
                    who=loan.borrower_label,
                    start=loan.period_start,
                ),
                record=loan,
                occurred_on=today,
            )
        return level


def _responsible(loan):
    """The borrower; for an outside party, the person who registered its reading."""
    return loan.borrower or loan.requested_by


def _people(loan, level, heads) -> list:
    people = [_responsible(loan)]
    if level >= L.OVERDUE:
        people.append(loan.requested_by)
    if level == L.ESCALATION:
        people += managers_of(loan)
        people += archive_room_of(loan, heads)
    unique = {}
    for person in people:
        unique.setdefault(person.pk, person)
    return list(unique.values())


def _message(loan, level):
    if loan.period_start is None or loan.due_on is None:
        # a loan out always has both: a damaged row fails here (and is logged), it is never
        # told about with an empty date
        raise ValueError(f"loan {loan.pk} has no period start or due date")
    values = {
        "number": loan.number,
        "due": loan.due_on,
        "who": loan.borrower_label,
        "start": loan.period_start,
    }
    if level == L.REMINDER:
        text = Line(
            "Loan %(number)s is due today (%(due)s): return the items or renew the loan.",
            **values,
        )
    elif level == L.OVERDUE:
        text = Line(
            "Loan %(number)s was due on %(due)s: renew it or return the items now.",
            **values,
        )
    else:
        text = Line(
            "Loan %(number)s of %(who)s has been out since %(start)s, more than 15 days without "
            "renewal: escalated for accountability.",
            **values,
        )
    return text, loan_link(loan)
