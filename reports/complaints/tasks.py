"""The monthly complaint summary's task (R41): beat runs it on the 1st for the month before;
the page's button queues it for a chosen month. Idempotent like the yearly statistics' task
(the snapshot carries the task's id)."""

from celery import shared_task
from django.utils import timezone


@shared_task(
    name="reports.compile_complaint_summary", bind=True, acks_late=True, reject_on_worker_lost=True
)
def compile_complaint_summary(self, month=None, actor_id=None):
    from .selectors import previous_month
    from .services import requester, summary_compile

    month = month or previous_month(timezone.localdate())
    summary = summary_compile(month=month, actor=requester(actor_id), task_id=self.request.id or "")
    return summary.pk
