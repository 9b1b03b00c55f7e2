"""Celery's signals record the runs of the scheduled jobs (connected in ReportsConfig.ready).

A run in a worker (not in-process) beats from a thread of its own until it ends, so the
watchdog tells a long run from one whose worker died. Recording never breaks a task: an error
here is logged and the task goes on."""

import logging
import threading

from django.conf import settings
from django.db import connection

from . import services

logger = logging.getLogger(__name__)

_BEATING: dict[str, threading.Event] = {}


def _beat(run_id, stop: threading.Event, every: float) -> None:
    try:
        while not stop.wait(every):
            services.runs_heartbeat([run_id])
    except Exception:
        logger.exception("the heartbeat of job run %s stopped", run_id)
    finally:
        connection.close()  # this thread's own connection


def on_prerun(sender=None, task_id=None, task=None, **kwargs):
    try:
        run = services.run_started(task_name=getattr(task, "name", ""), celery_task_id=task_id)
        if run is None or getattr(task.request, "is_eager", False):
            return
        stop = threading.Event()
        _BEATING[task_id] = stop
        every = float(settings.JOB_HEARTBEAT_SECONDS)
        threading.Thread(
            target=_beat, args=(run.pk, stop, every), name=f"job-heartbeat-{run.pk}", daemon=True
        ).start()
    except Exception:
        logger.exception("the run of %s was not recorded", getattr(task, "name", "?"))


def on_postrun(sender=None, task_id=None, task=None, retval=None, state=None, **kwargs):
    stop = _BEATING.pop(task_id, None)
    if stop is not None:
        stop.set()
    try:
        if getattr(task, "name", "") in services.scheduled_tasks():
            services.run_finished(
                celery_task_id=task_id, succeeded=state == "SUCCESS", retval=retval
            )
    except Exception:
        logger.exception("the end of %s was not recorded", getattr(task, "name", "?"))


def on_failure(sender=None, task_id=None, exception=None, **kwargs):
    try:
        services.run_failed(
            celery_task_id=task_id, task_name=getattr(sender, "name", ""), exception=exception
        )
    except Exception:
        logger.exception("the failure of %s was not recorded", getattr(sender, "name", "?"))


def connect() -> None:
    from celery import signals

    signals.task_prerun.connect(on_prerun, dispatch_uid="reports.jobs.prerun")
    signals.task_postrun.connect(on_postrun, dispatch_uid="reports.jobs.postrun")
    signals.task_failure.connect(on_failure, dispatch_uid="reports.jobs.failure")
