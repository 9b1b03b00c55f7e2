"""The backup job (R44): monthly from beat (``reports-backup-monthly``) and on demand.

Acknowledged when it starts (``acks_late=False``): a backup may run longer than
``BROKER_VISIBILITY_TIMEOUT``, and Redis would hand a live run to a second worker. A run lost
with its worker is marked failed by the watchdog ("the worker stopped"); the next one makes a
new backup."""

from celery import shared_task


class BackupFailed(Exception):
    """The backup or its drill failed (the administrators have been told already)."""

    already_told = True


@shared_task(name="reports.make_backup", acks_late=False, ignore_result=True)
def make_backup(reason="monthly", requested_by_id=None):
    from django.contrib.auth import get_user_model

    from .models import Backup
    from .services import backup_make

    requested_by = None
    if requested_by_id is not None:
        requested_by = get_user_model().objects.filter(pk=requested_by_id).first()
    backup = backup_make(reason=reason, requested_by=requested_by)
    result = {
        "backup": backup.pk,
        "status": backup.status,
        "drill": backup.drill_status,
        "size": backup.size or 0,
    }
    if backup.status != Backup.Status.GOOD or backup.drill_status != Backup.Drill.PASSED:
        why = backup.error or backup.drill_result.get("error") or "its restore drill failed"
        raise BackupFailed(f"backup #{backup.pk}: {why}")
    return result
