"""Backups (R44, R45): made monthly, on demand and before risky operations, proven restorable
by a drill, kept as the last ``BACKUP_KEEP`` good ones (docs/operations.md).

- ``backup_make``: the job. The database (engines) and the stored files go into one archive
  in a work folder of ``BACKUP_ROOT``, encrypted when ``BACKUP_AGE_RECIPIENTS`` is set, and
  renamed to its final name only when complete: a failed or partial backup is never recorded
  as good and leaves no archive; the good ones stay. Then the new one is drilled and the old
  ones are pruned. A failure tells the administrators.
- ``backup_drill``: restore into a scratch database and folder, compare with the manifest,
  record passed/failed with the differences; a failure tells the administrators.
- ``backups_prune``: keep the newest ``BACKUP_KEEP`` good backups, none older than
  ``BACKUP_RETENTION_MONTHS`` (the destruction register promises that copies of destroyed
  files leave the backups by then) except the newest good one; the others' archives are
  removed and their rows kept as pruned.
- ``backup_request``: an administrator's "back up now": queued, never run in the request.
- ``backup_for_operation``: registered with ``core.safeguards`` (a backup before a destruction
  or a bulk import).
"""

from __future__ import annotations

import datetime
import logging
import os
import platform
import shutil
import uuid
from pathlib import Path

import django
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import safeguards
from core.lines import Line
from core.permissions import holders_of, require
from core.tasks import enqueue_on_commit

from . import archive, engines
from .engines import BackupError
from .models import Backup
from .restore import restore_archive

logger = logging.getLogger(__name__)

RUN = "reports.run_backup"
WATCH = "reports.watch_jobs"
WORK_PREFIX = ".partial-"
BEAT_EVERY = datetime.timedelta(seconds=2)

REASON_OF = {
    safeguards.DESTRUCTION: Backup.Reason.BEFORE_DESTRUCTION,
    safeguards.IMPORT: Backup.Reason.BEFORE_IMPORT,
}

__all__ = [
    "backup_make",
    "backup_drill",
    "backups_prune",
    "backup_request",
    "backup_for_operation",
    "archive_path",
    "backup_root",
]


def backup_root() -> Path:
    return Path(settings.BACKUP_ROOT)


def archive_path(backup: Backup) -> Path | None:
    return backup_root() / backup.file_name if backup.file_name else None


def admins():
    """Who is told of a failed job, backup or drill: the holders of ``reports.watch_jobs``."""
    return list(holders_of(WATCH))


def tell_admins(message: str) -> None:
    from core.services import notify

    notify(admins(), message, reverse("reports:jobs"))


def product_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("customer-archive")
    except PackageNotFoundError:
        return "unknown"


class _Beat:
    """Signs of life as the backup goes: the backup's heartbeat and its job's progress."""

    def __init__(self, backup: Backup):
        self.backup = backup
        self.last = None
        self.done = 0
        self.total = 0

    def __call__(self, done=None, total=None, *, force=False):
        from ..jobs.services import run_progress

        if done is not None:
            self.done = done
        if total is not None:
            self.total = total
        now = timezone.now()
        if not force and self.last is not None and now - self.last < BEAT_EVERY:
            return
        self.last = now
        Backup.objects.filter(pk=self.backup.pk, status=Backup.Status.RUNNING).update(
            heartbeat_at=now
        )
        run_progress(done=self.done, total=self.total)


def _final_name(backup: Backup, encrypted: bool) -> str:
    stamp = timezone.localtime(backup.started_at).strftime("%Y%m%d-%H%M%S")
    return f"archive-{stamp}-{backup.pk}.tar" + (".age" if encrypted else "")


def _base_manifest(backup: Backup, vendor: str) -> dict:
    return {
        "format": archive.FORMAT,
        "backup": backup.pk,
        "reason": backup.reason,
        "created_at": timezone.localtime(backup.started_at).isoformat(),
        "database": {"engine": vendor},
        "versions": {
            "python": platform.python_version(),
            "django": django.get_version(),
            "product": product_version(),
        },
    }


def _written(path: Path, write) -> int:
    """``write(handle)`` into ``path``, made durable; its size as written."""
    with open(path, "wb") as handle:
        out = archive.DurableWriter(handle)
        write(out)
        out.sync()
    return out.size


def _write(backup: Backup, work: Path, beat: _Beat) -> tuple[Path, dict, int]:
    """Everything in the work folder; returns the finished (maybe encrypted) file, the
    manifest and the file's size."""
    db = engines.configured()
    engine = engines.engine_for(db)
    files = archive.media_files(Path(settings.MEDIA_ROOT))
    total = len(files) + 3
    beat(0, total, force=True)
    manifest = _base_manifest(backup, engine.vendor)
    tar = work / "archive.tar"
    made = {}
    with engine.dumping(db, work, beat=beat) as dumping:
        # the stored files go in while the database is dumped
        def write_tar(out):
            made["manifest"] = archive.write_tar(
                out, dumping=dumping, files=files, manifest=manifest, step=beat
            )

        size = _written(tar, write_tar)
    (work / engine.member).unlink()
    recipients = [k for k in settings.BACKUP_AGE_RECIPIENTS if k.strip()]
    final = tar
    if recipients:
        final = work / "archive.tar.age"
        size = _written(final, lambda out: archive.encrypt(tar, out, recipients))
        tar.unlink()
    beat(total, force=True)
    return final, made["manifest"], size


def backup_make(*, reason, requested_by=None, drill=True) -> Backup:
    """Make a backup now (the job: minutes on a large archive; run by a worker). Returns the
    backup, good or failed; a good one has been drilled (unless ``drill`` is False: the
    benchmark times the writing alone) and pruned around."""
    now = timezone.now()
    backup = Backup.objects.create(
        reason=reason, started_at=now, heartbeat_at=now, requested_by=requested_by
    )
    root = backup_root()
    work = root / f"{WORK_PREFIX}{backup.pk}-{uuid.uuid4().hex[:8]}"
    beat = _Beat(backup)
    try:
        work.mkdir(parents=True)
        made, manifest, size = _write(backup, work, beat)
        encrypted = made.name.endswith(".age")
        final = root / _final_name(backup, encrypted)
        os.replace(made, final)  # complete: only now under its name
        folder = os.open(root, os.O_RDONLY)
        try:
            os.fsync(folder)  # and the name itself reaches the disk
        finally:
            os.close(folder)
    except Exception as exc:
        logger.exception("backup %s failed", backup.pk)
        shutil.rmtree(work, ignore_errors=True)
        Backup.objects.filter(pk=backup.pk).update(
            status=Backup.Status.FAILED, finished_at=timezone.now(), error=str(exc)[:4000]
        )
        backup.refresh_from_db()
        tell_admins(
            Line(
                "Backup #%(pk)s failed: %(error)s. The last good backup is kept.",
                pk=backup.pk,
                error=str(exc)[:300],
            )
        )
        return backup
    shutil.rmtree(work, ignore_errors=True)
    recipients = [k.strip() for k in settings.BACKUP_AGE_RECIPIENTS if k.strip()]
    Backup.objects.filter(pk=backup.pk).update(
        status=Backup.Status.GOOD,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        file_name=final.name,
        size=size,
        encrypted=encrypted,
        recipients="\n".join(recipients) if encrypted else "",
        manifest=manifest,
    )
    backup.refresh_from_db()
    if drill:
        backup = backup_drill(backup=backup, beat=beat)
    backups_prune()
    return backup


def backup_drill(*, backup: Backup, identity_file=None, beat=None) -> Backup:
    """The restore drill (R44): restore ``backup`` into a scratch database and folder, compare
    with its manifest and record the result; a failure tells the administrators."""
    identity_file = identity_file or settings.BACKUP_AGE_IDENTITY_FILE or None
    db = engines.configured()
    started = timezone.now()
    try:
        path = archive_path(backup)
        if backup.status != Backup.Status.GOOD or path is None:
            raise BackupError(f"backup #{backup.pk} has no archive to restore")
        expected = backup.sha256
        if not expected:
            # The archive's own SHA-256 (R45: what an off-site copy is checked against) is
            # taken by its first drill, which reads the archive anyway, not while it is
            # written: the stored files' hashes in the manifest prove its contents meanwhile.
            Backup.objects.filter(pk=backup.pk).update(sha256=archive.sha256_of(path))
        engine = engines.engine_for(db)
        with engine.scratch(db, label=str(backup.pk)) as scratch:
            media = backup_root() / f"{WORK_PREFIX}drill-{backup.pk}-{uuid.uuid4().hex[:8]}"
            try:
                restored = restore_archive(
                    path,
                    database=scratch,
                    media_root=media,
                    identity_file=identity_file,
                    expected_sha256=expected,
                    beat=beat,
                )
            finally:
                shutil.rmtree(media, ignore_errors=True)
        result = restored.as_result()
        passed = restored.ok
    except Exception as exc:
        logger.exception("restore drill of backup %s failed", backup.pk)
        result = {"error": str(exc)[:4000], "differences": []}
        passed = False
    result["seconds"] = round((timezone.now() - started).total_seconds(), 1)
    status = Backup.Drill.PASSED if passed else Backup.Drill.FAILED
    Backup.objects.filter(pk=backup.pk).update(
        drill_status=status, drill_result=result, drill_at=timezone.now()
    )
    backup.refresh_from_db()
    if not passed:
        what = result.get("error") or Line(
            "%(n)s differences with the manifest", n=len(result["differences"])
        )
        tell_admins(
            Line(
                "The restore drill of backup #%(pk)s failed: %(what)s",
                pk=backup.pk,
                what=what[:300] if isinstance(what, str) else what,
            )
        )
    return backup


def backups_prune(*, now=None) -> list[int]:
    """Remove the archives of good backups past the newest ``BACKUP_KEEP`` or older than
    ``BACKUP_RETENTION_MONTHS``; the newest good one always stays. Their rows become pruned."""
    now = now or timezone.now()
    keep = max(1, int(settings.BACKUP_KEEP))
    oldest = now - relativedelta(months=int(settings.BACKUP_RETENTION_MONTHS))
    good = list(Backup.objects.good().newest_first())
    pruned = []
    for n, backup in enumerate(good):
        if n == 0 or (n < keep and backup.started_at >= oldest):
            continue
        path = archive_path(backup)
        if path is not None:
            path.unlink(missing_ok=True)
        Backup.objects.filter(pk=backup.pk, status=Backup.Status.GOOD).update(
            status=Backup.Status.PRUNED, pruned_at=now
        )
        pruned.append(backup.pk)
    return pruned


def running_backup():
    """A backup being made now (its heartbeat fresh), if any."""
    since = timezone.now() - datetime.timedelta(minutes=settings.JOB_HEARTBEAT_TIMEOUT_MINUTES)
    return Backup.objects.filter(status=Backup.Status.RUNNING, heartbeat_at__gte=since).first()


def _queue(*, reason, requested_by=None) -> bool:
    """Queue a backup after the commit unless one is being made; True when queued."""
    from .tasks import make_backup

    if running_backup() is not None:
        return False
    by = getattr(requested_by, "pk", None)
    enqueue_on_commit(make_backup, reason=str(reason), requested_by_id=by)
    return True


def backup_request(*, actor) -> bool:
    """An administrator's "back up now" (R44): queued for a worker, never run in the request.
    False when a backup is already being made (nothing queued)."""
    require(actor, RUN)
    return _queue(reason=Backup.Reason.ON_DEMAND, requested_by=actor)


def fresh_backup():
    """The newest good, drilled backup of the last ``BACKUP_FRESH_MINUTES`` whose archive is
    still there, or None."""
    since = timezone.now() - datetime.timedelta(minutes=int(settings.BACKUP_FRESH_MINUTES))
    for backup in Backup.objects.usable(since=since).newest_first()[:5]:
        path = archive_path(backup)
        if path is not None and path.is_file():
            return backup
    return None


def backup_for_operation(operation, *, actor, wait) -> str:
    """``core.safeguards``' backup (R44): a fresh good backup, else one made now (``wait``) or
    queued with a refusal (a request)."""
    reason = REASON_OF.get(operation, Backup.Reason.ON_DEMAND)
    backup = fresh_backup()
    if backup is None and not wait:
        queued = _queue(reason=reason, requested_by=actor)
        raise safeguards.BackupRefused(
            _(
                "This needs a good backup from the last %(minutes)s minutes first. "
                "%(state)s Try again in a few minutes."
            )
            % {
                "minutes": settings.BACKUP_FRESH_MINUTES,
                "state": _("One has been queued now.") if queued else _("One is being made now."),
            }
        )
    if backup is None:
        backup = backup_make(reason=reason, requested_by=actor)
        if backup.status != Backup.Status.GOOD or backup.drill_status != Backup.Drill.PASSED:
            error = backup.error or backup.drill_result.get("error")
            raise safeguards.BackupRefused(
                _("The backup made first failed: %(error)s")
                % {"error": error or _("its restore drill failed")}
            )
    return _("backup #%(pk)s of %(at)s") % {
        "pk": backup.pk,
        "at": date_format(timezone.localtime(backup.finished_at), "DATETIME_FORMAT"),
    }
