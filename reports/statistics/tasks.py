"""The yearly statistics' task (R40): beat runs it before 31 December
(``STATISTICS_YEARLY_MONTH_DAY``), the page's button queues it.

Idempotent: the snapshot carries the task's id, so a redelivery (a killed worker) finds it and
neither counts nor tells anyone again; hence acknowledged late and given back on worker loss.
"""

from celery import shared_task
from django.utils import timezone


@shared_task(
    name="reports.compile_yearly_statistics", bind=True, acks_late=True, reject_on_worker_lost=True
)
def compile_yearly_statistics(self, year=None, actor_id=None):
    from .services import requester, statistics_compile

    year = year or timezone.localdate().year
    snapshot = statistics_compile(
        year=year, actor=requester(actor_id), task_id=self.request.id or ""
    )
    return snapshot.pk
