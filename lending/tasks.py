"""The periodic work of lending: the daily escalation of loans (R23), at 07:30 Asia/Shanghai
from beat (``CELERY_BEAT_SCHEDULE["lending-escalate-loans"]``)."""

import datetime

from celery import shared_task

from core.tasks import enqueue


# Idempotent (the ledger holds one notice per loan, period and level; a second run sends
# nothing twice), and each run stops within its time budget, well under the broker's visibility
# timeout: acknowledged when done, and run again when its worker is lost.
@shared_task(name="lending.escalate_loans", acks_late=True, reject_on_worker_lost=True)
def escalate_loans(today=None, after=None):
    """Send the reminders, overdue notices and escalations due ``today`` (ISO day; default
    today). A run that spent its time budget queues the rest of the day's work, from where it
    stopped (``after``: [due day, loan id])."""
    from .escalation.services import escalation_run

    day = datetime.date.fromisoformat(today) if today else None
    resume = (datetime.date.fromisoformat(after[0]), int(after[1])) if after else None
    summary = escalation_run(today=day, after=resume)
    result = summary.as_dict()
    if not summary.complete:
        enqueue(escalate_loans, today=result["day"], after=result["resume_after"])
    return result
