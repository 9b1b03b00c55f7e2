"""Periodic work of the documents app."""

from celery import shared_task

from .handover_tasks import remind_half_yearly_handover  # noqa: F401  (autodiscovered here)
from .integrity import check_files, notify_problems


# Acknowledged when it starts: its run grows with the archive and may outlast the broker's
# visibility timeout (Redis would then hand it to a second worker), and a run again repeats the
# alarm. A killed run is lost; rerun it with `manage.py check_document_files`.
@shared_task(acks_late=False)
def check_document_files():
    """R45: the weekly integrity check of the stored files; returns the counts."""
    report = check_files()
    notify_problems(report)
    return report.counts()
