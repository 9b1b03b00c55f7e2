"""Periodic task of the handover (R30). Imported by ``documents/tasks.py`` so Celery finds it.

Beat entry (archive_project/celery.py), run on 1 January and 1 July at 09:00 Asia/Shanghai:
``"documents-handover-reminder": {"task": "documents.handover_tasks.remind_half_yearly_handover",
"schedule": crontab(minute=0, hour=9, day_of_month=1, month_of_year="1,7")}``
"""

from celery import shared_task


# Not idempotent (each run tells everyone again): acknowledged when it starts, at most once.
@shared_task(acks_late=False)
def remind_half_yearly_handover():
    """Tell the front desks, managers and archivists that the half-yearly handover is due."""
    from .handover.services import handover_remind

    return handover_remind()
