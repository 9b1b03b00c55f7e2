"""Periodic work of the documents app."""

from celery import shared_task

from .handover_tasks import remind_half_yearly_handover  # noqa: F401  (autodiscovered here)
from .integrity import check_files, notify_problems


@shared_task
def check_document_files():
    """R45: the weekly integrity check of the stored files; returns the counts."""
    report = check_files()
    notify_problems(report)
    return report.counts()
