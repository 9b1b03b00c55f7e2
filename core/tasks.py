"""The tasks of core, and the one safe way to queue a task.

Every enqueue goes through ``enqueue`` or ``enqueue_on_commit``: a broker that is down or hung
costs the caller a few seconds at most (the timeouts of settings "Celery"), is logged, and never
raises. The work a lost enqueue carried is found again by a periodic sweep: for e-mails,
``send_unsent_notification_emails`` (docs/core.md, "Celery").

Delivery after a worker dies: every task is acknowledged late (``CELERY_TASK_ACKS_LATE``), so a
worker killed mid-task leaves its message unacknowledged and Redis hands it to another worker
after ``BROKER_VISIBILITY_TIMEOUT``. Tasks that are idempotent also declare
``reject_on_worker_lost`` (a pool child that dies gives its task back instead of failing it);
those that are not declare ``acks_late=False``.
"""

import logging
import uuid
from functools import partial
from smtplib import SMTPException

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

from . import services

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """Queue ``task(*args, **kwargs)`` now (run it, in eager mode). Never raises: a failure is
    logged and ``False`` returned; the caller's data stays saved."""
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception as exc:
        if task.app.conf.task_always_eager:  # it ran here and failed: keep the traceback
            logger.exception("task %s failed in-process", task.name)
        elif isinstance(exc, OperationalError | OSError):  # broker down, refusing, mute
            logger.error(
                "task %s not queued, the broker is unavailable (%s: %s); the periodic sweep "
                "will pick the work up",
                task.name,
                exc.__class__.__name__,
                exc,
            )
        else:
            logger.exception("task %s not queued", task.name)
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` once the current transaction commits (at once outside one), so a worker
    never reads rows that are not there yet, and a request is answered whatever the broker."""
    transaction.on_commit(partial(enqueue, task, *args, **kwargs))


def _claim(task) -> str:
    # The task's id survives a redelivery; a direct call (shell, tests) gets one of its own.
    return task.request.id or uuid.uuid4().hex


@shared_task(acks_late=True, reject_on_worker_lost=True)
def ping():
    """Proves the task path works: in-process without a broker, through Redis with one."""
    return "pong"


@shared_task(
    bind=True,
    ignore_result=True,
    # Idempotent (each e-mail is claimed, then stamped): run again when its worker is lost.
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    # A retried task waits unacknowledged in the worker until its countdown ends: the longest
    # wait (5 min) must stay below BROKER_VISIBILITY_TIMEOUT.
    retry_backoff_max=300,
    retry_kwargs={"max_retries": 5},
)
def send_notification_emails(self, notification_ids):
    """E-mail the notifications that have not been e-mailed yet (safe to run twice)."""
    return services.notification_emails_send(notification_ids=notification_ids, claim=_claim(self))


@shared_task(bind=True, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def send_unsent_notification_emails(self):
    """Every 5 minutes (beat): e-mail what an outage or a dead worker left unsent.

    Picks notifications older than ``services.UNSENT_EMAIL_MIN_AGE`` that nobody holds a live
    claim on, at most ``UNSENT_EMAIL_BATCH`` a run; a mail server that fails stops the run, and
    the next one tries again.
    """
    ids = services.notifications_unsent()
    if not ids:
        return 0
    return services.notification_emails_send(notification_ids=ids, claim=_claim(self))
