"""Security-matrix expectations of the backups' pages (merged in matrix.py): a backup and its
restore drill are seen by the administrators (``reports.watch_jobs``); "back up now" is a POST
(``reports.run_backup``, asked of the service)."""

from django.utils import timezone

from core.roles import Role

from .matrix import Expect, only


def _backup(o):
    from reports.backups.models import Backup

    backup = Backup.objects.create(
        reason=Backup.Reason.MONTHLY, status=Backup.Status.GOOD, started_at=timezone.now()
    )
    return {"pk": backup.pk}


EXPECTATIONS: dict[str, Expect] = {
    "reports:backup_run": Expect(default=405),  # POST only: answered before anything else
    "reports:backup_detail": only(Role.ADMIN, kwargs=_backup),
}
