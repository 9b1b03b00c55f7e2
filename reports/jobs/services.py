"""The runs of the scheduled jobs and the watchdog (R44; docs/operations.md).

- Every run of a scheduled task (those of ``CELERY_BEAT_SCHEDULE`` and of django-celery-beat's
  ``PeriodicTask`` table) is a ``JobRun``, written by Celery's signals (``signals.py``,
  connected from ``ReportsConfig.ready``: the apps below know nothing of it).
- A run in a worker beats (its heartbeat every ``JOB_HEARTBEAT_SECONDS``, from a thread of its
  own); a backup also reports its progress (``run_progress``).
- ``watchdog`` (beat, every 5 minutes): a running job or backup whose last sign of life is older
  than ``JOB_HEARTBEAT_TIMEOUT_MINUTES`` has lost its worker: it is marked failed ("the worker
  stopped"), a backup's unfinished work folder is removed, and the administrators are told.
- A failed run tells the administrators (a backup's failure has told them already).
"""

from __future__ import annotations

import datetime
import logging
import shutil
import time

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.lines import Line

from .models import JobRun

logger = logging.getLogger(__name__)

_SCHEDULED: dict = {"at": 0.0, "names": {}}
SCHEDULE_CACHE_SECONDS = 60

__all__ = [
    "scheduled_tasks",
    "run_started",
    "run_finished",
    "run_failed",
    "run_progress",
    "runs_heartbeat",
    "watchdog",
]


def scheduled_tasks(*, fresh=False) -> dict[str, str]:
    """{task name: the job's label} of every scheduled task (cached a minute)."""
    if not fresh and time.monotonic() - _SCHEDULED["at"] < SCHEDULE_CACHE_SECONDS:
        return _SCHEDULED["names"]
    names = {}
    for label, entry in getattr(settings, "CELERY_BEAT_SCHEDULE", {}).items():
        names.setdefault(entry["task"], label)
    try:
        from django_celery_beat.models import PeriodicTask

        for label, task in PeriodicTask.objects.values_list("name", "task"):
            names.setdefault(task, label)
    except Exception:  # the table is not there yet (before migrate)
        logger.debug("no periodic-task table", exc_info=True)
    _SCHEDULED.update(at=time.monotonic(), names=names)
    return names


def run_started(*, task_name, celery_task_id) -> JobRun | None:
    label = scheduled_tasks().get(task_name)
    if label is None:
        return None
    now = timezone.now()
    return JobRun.objects.create(
        task_name=task_name,
        job_label=label,
        celery_task_id=celery_task_id or "",
        started_at=now,
        heartbeat_at=now,
    )


def _finish(run_filter, **fields):
    now = timezone.now()
    for run in JobRun.objects.filter(**run_filter):
        run.finished_at = now
        run.duration = now - run.started_at
        run.heartbeat_at = now
        for name, value in fields.items():
            setattr(run, name, value)
        run.save(update_fields=["finished_at", "duration", "heartbeat_at", *fields])


def run_finished(*, celery_task_id, succeeded: bool, retval=None) -> None:
    if not celery_task_id:
        return
    fields = {"status": JobRun.Status.SUCCEEDED if succeeded else JobRun.Status.FAILED}
    if succeeded and isinstance(retval, dict) and isinstance(retval.get("size"), int):
        fields["size"] = retval["size"]
    if succeeded:
        fields["error"] = ""
    _finish({"celery_task_id": celery_task_id}, **fields)


def run_failed(*, celery_task_id, task_name, exception) -> None:
    """A scheduled job failed: record why and tell the administrators (once)."""
    if not celery_task_id or task_name not in scheduled_tasks():
        return
    error = f"{exception.__class__.__name__}: {exception}"[:4000]
    _finish({"celery_task_id": celery_task_id}, status=JobRun.Status.FAILED, error=error)
    if not getattr(exception, "already_told", False):
        from ..backups.services import tell_admins

        label = scheduled_tasks().get(task_name, task_name)
        tell_admins(
            Line("The scheduled job %(job)s failed: %(error)s", job=label, error=error[:300])
        )


def _current_task_id() -> str:
    from celery import current_task

    request = getattr(current_task, "request", None)
    return getattr(request, "id", None) or ""


def run_progress(*, done: int, total: int) -> None:
    """The current task's run has done ``done`` of ``total`` (a sign of life too)."""
    task_id = _current_task_id()
    if not task_id:
        return
    JobRun.objects.filter(celery_task_id=task_id, status=JobRun.Status.RUNNING).update(
        progress_done=max(0, done), progress_total=max(0, total), heartbeat_at=timezone.now()
    )


def runs_heartbeat(run_ids) -> None:
    JobRun.objects.filter(pk__in=run_ids, status=JobRun.Status.RUNNING).update(
        heartbeat_at=timezone.now()
    )


def watchdog(*, now=None) -> dict:
    """Mark the runs and backups whose worker stopped as failed and tell the administrators."""
    from ..backups.models import Backup
    from ..backups.services import WORK_PREFIX, backup_root, tell_admins

    now = now or timezone.now()
    limit = now - datetime.timedelta(minutes=int(settings.JOB_HEARTBEAT_TIMEOUT_MINUTES))
    stopped = _("the worker stopped (no sign of life since %(at)s)")
    runs = list(JobRun.objects.filter(status=JobRun.Status.RUNNING, heartbeat_at__lt=limit))
    for run in runs:
        since = timezone.localtime(run.heartbeat_at).strftime("%Y-%m-%d %H:%M")
        changed = JobRun.objects.filter(pk=run.pk, status=JobRun.Status.RUNNING).update(
            status=JobRun.Status.FAILED,
            finished_at=now,
            duration=now - run.started_at,
            error=stopped % {"at": since},
        )
        if changed:
            tell_admins(
                Line(
                    "The scheduled job %(job)s failed: %(error)s",
                    job=run.job_label or run.task_name,
                    error=Line(
                        "the worker stopped (no sign of life since %(at)s)", at=run.heartbeat_at
                    ),
                )
            )
    backups = list(Backup.objects.filter(status=Backup.Status.RUNNING, heartbeat_at__lt=limit))
    for backup in backups:
        since = timezone.localtime(backup.heartbeat_at).strftime("%Y-%m-%d %H:%M")
        changed = Backup.objects.filter(pk=backup.pk, status=Backup.Status.RUNNING).update(
            status=Backup.Status.FAILED, finished_at=now, error=stopped % {"at": since}
        )
        if changed:
            for work in backup_root().glob(f"{WORK_PREFIX}{backup.pk}-*"):
                shutil.rmtree(work, ignore_errors=True)
            tell_admins(
                Line(
                    "Backup #%(pk)s failed: %(error)s. The last good backup is kept.",
                    pk=backup.pk,
                    error=Line(
                        "the worker stopped (no sign of life since %(at)s)",
                        at=backup.heartbeat_at,
                    ),
                )
            )
    return {"runs": [r.pk for r in runs], "backups": [b.pk for b in backups]}
