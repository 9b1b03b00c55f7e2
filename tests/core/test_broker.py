"""A broker outage never breaks a request nor loses an e-mail; a killed worker's task comes back.

The in-process tests point the Celery app at a port where nothing listens (or a port that
accepts and never answers); the ``redis`` tests start real workers on the Redis of REDIS_URL.
"""

import logging
import os
import signal
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from celery.schedules import crontab
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from archive_project.celery import app as celery_app
from core import tasks
from core.models import Notification
from core.roles import Role
from core.services import notify
from customers.models import Occupancy

from ..customers.factories import UnitFactory, move_in_post
from ..factories import user_with_role
from .broker_support import (
    broker_at,
    free_port,
    silent_server,
    start_worker,
    stop_worker,
    wait_for,
)

T0 = timezone.make_aware(datetime(2026, 3, 2, 10, 0))


@pytest.fixture
def dead_broker():
    with broker_at(f"redis://127.0.0.1:{free_port()}/0") as url:
        yield url


def _not_queued_records(caplog, task_name):
    return [
        r
        for r in caplog.records
        if r.name == "core.tasks" and r.levelno >= logging.WARNING and task_name in r.getMessage()
    ]


# --- 1. enqueueing never breaks or slows a request ---------------------------------------
@pytest.mark.django_db(transaction=True)  # the on_commit callbacks run inside the request
def test_a_move_in_answers_at_once_and_keeps_its_data_when_the_broker_is_down(
    client, dead_broker, caplog
):
    unit = UnitFactory()
    manager = user_with_role(Role.MANAGER, email="manager@example.com")
    client.force_login(user_with_role(Role.FRONT_DESK))
    caplog.set_level(logging.WARNING, logger="core.tasks")

    started = time.monotonic()
    response = client.post(reverse("customers:move_in"), move_in_post(unit))
    elapsed = time.monotonic() - started

    assert response.status_code == 302  # the normal redirect, not a 500
    assert elapsed < 5, f"the request took {elapsed:.1f} s"
    assert Occupancy.objects.filter(dossier__unit=unit).count() == 1
    note = Notification.objects.get(recipient=manager)
    assert note.emailed_at is None  # left for the sweep
    assert mail.outbox == []
    assert _not_queued_records(caplog, "send_notification_emails")


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_accepts_and_never_answers_does_not_hang_the_caller(caplog):
    user = user_with_role(Role.ARCHIVIST)
    outcome = {}

    def enqueue_once():
        started = time.monotonic()
        try:
            with transaction.atomic():
                notify([user], "移交清单待签字")
            outcome["error"] = None
        except Exception as exc:  # noqa: BLE001 - the test reports what escaped
            outcome["error"] = exc
        outcome["elapsed"] = time.monotonic() - started

    caplog.set_level(logging.WARNING, logger="core.tasks")
    with silent_server() as port, broker_at(f"redis://127.0.0.1:{port}/0"):
        worker = threading.Thread(target=enqueue_once, daemon=True)
        worker.start()
        worker.join(timeout=20)
        assert not worker.is_alive(), "notify() still waits on a broker that never answers"
    assert outcome["error"] is None
    assert outcome["elapsed"] < 15
    assert Notification.objects.filter(recipient=user, emailed_at__isnull=True).count() == 1
    assert _not_queued_records(caplog, "send_notification_emails")


def test_the_broker_timeouts_and_publish_retries_are_short():
    conf = celery_app.conf
    options = conf.broker_transport_options
    assert 0 < options["socket_connect_timeout"] <= 2
    assert 0 < options["socket_timeout"] <= 5
    assert conf.task_publish_retry_policy["max_retries"] <= 2
    assert conf.result_backend_transport_options["retry_policy"]["max_retries"] <= 2
    assert 0 < conf.redis_socket_connect_timeout <= 2


def test_no_module_queues_a_task_except_through_the_safe_helper():
    """Every enqueue goes through core.tasks.enqueue / enqueue_on_commit."""
    from django.apps import apps

    from .broker_support import ROOT

    ours = [
        Path(c.path)
        for c in apps.get_app_configs()
        if Path(c.path).is_relative_to(ROOT) and "site-packages" not in Path(c.path).parts
    ]
    offenders = []
    for path in {p for d in [*ours, ROOT / "archive_project"] for p in d.rglob("*.py")}:
        if "migrations" in path.parts or path == ROOT / "core" / "tasks.py":
            continue
        source = path.read_text(encoding="utf-8")
        offenders += [
            f"{path.relative_to(ROOT)}: {needle}"
            for needle in (".delay(", ".apply_async(", "send_task(")
            if needle in source
        ]
    assert ours and not offenders, offenders


# --- 2. unsent e-mails are picked up when the broker is back -----------------------------
@pytest.mark.django_db(transaction=True)
def test_the_sweep_sends_what_the_outage_left_unsent_once(dead_broker, caplog):
    user = user_with_role(Role.MANAGER, email="manager@example.com")
    with time_machine.travel(T0, tick=False), transaction.atomic():
        notify([user], "重大投诉：3号楼电梯困人", "/complaints/7/")
    note = Notification.objects.get(recipient=user)
    assert note.emailed_at is None and mail.outbox == []

    # the broker is back: a worker runs the periodic sweep (here in-process; the fixture
    # puts the configuration back)
    celery_app.conf.task_always_eager = True
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        assert tasks.send_unsent_notification_emails.delay().get() == 0  # too fresh yet
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        assert tasks.send_unsent_notification_emails.delay().get() == 1
        assert tasks.send_unsent_notification_emails.delay().get() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["manager@example.com"]
    note.refresh_from_db()
    assert note.emailed_at == T0 + timedelta(minutes=5)


def test_the_sweep_runs_every_five_minutes_from_the_beat_schedule():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["core-unsent-notification-emails"]
    assert entry["task"] == "core.tasks.send_unsent_notification_emails"
    assert entry["schedule"] == crontab(minute="*/5")


@pytest.mark.django_db
def test_a_claimed_notification_is_not_sent_by_a_second_worker_until_the_claim_expires():
    from core.services import notification_emails_send

    user = user_with_role(Role.MANAGER, email="manager@example.com")
    with time_machine.travel(T0, tick=False):
        note = Notification.objects.create(recipient=user, message="待核实")
        # worker A claims the notification and dies before sending
        Notification.objects.filter(pk=note.pk).update(
            email_claimed_by="task-a", email_claimed_until=T0 + timedelta(minutes=10)
        )
        assert notification_emails_send(notification_ids=[note.pk], claim="task-b") == 0
        assert mail.outbox == []
        # the same task redelivered (same id) takes its own claim back
        assert notification_emails_send(notification_ids=[note.pk], claim="task-a") == 1
        assert notification_emails_send(notification_ids=[note.pk], claim="task-a") == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_dead_workers_claim_expires_and_the_sweep_sends_the_mail():
    user = user_with_role(Role.MANAGER, email="manager@example.com")
    with time_machine.travel(T0, tick=False):
        note = Notification.objects.create(recipient=user, message="待核实")
        Notification.objects.filter(pk=note.pk).update(
            email_claimed_by="task-a", email_claimed_until=T0 + timedelta(minutes=10)
        )
    with time_machine.travel(T0 + timedelta(minutes=6), tick=False):
        assert tasks.send_unsent_notification_emails.delay().get() == 0  # still claimed
    with time_machine.travel(T0 + timedelta(minutes=11), tick=False):
        assert tasks.send_unsent_notification_emails.delay().get() == 1
    note.refresh_from_db()
    assert note.emailed_at is not None and note.email_claimed_by == ""
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_send_releases_the_claim_for_the_retry(settings):
    from core.services import notification_emails_send

    user = user_with_role(Role.MANAGER, email="manager@example.com")
    note = Notification.objects.create(recipient=user, message="待核实")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    with pytest.raises(ConnectionError):
        notification_emails_send(notification_ids=[note.pk], claim="task-a")
    note.refresh_from_db()
    assert note.emailed_at is None and note.email_claimed_by == ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_emails_send(notification_ids=[note.pk], claim="task-b") == 1


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_over_the_same_notifications_send_each_mail_once():
    from core.services import notification_emails_send

    users = [user_with_role(Role.FRONT_DESK, email=f"desk{i}@example.com") for i in range(30)]
    ids = [
        n.pk
        for n in Notification.objects.bulk_create(
            [Notification(recipient=u, message="半年移交到期") for u in users]
        )
    ]
    counts = {}
    barrier = threading.Barrier(2)

    def worker(claim):
        barrier.wait()
        try:
            counts[claim] = notification_emails_send(notification_ids=ids, claim=claim)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(c,)) for c in ("task-a", "task-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(counts.values()) == 30
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


# --- 3. /healthz says the broker is down ------------------------------------------------
@pytest.mark.django_db
def test_healthz_is_degraded_but_200_when_the_broker_is_down(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200  # the database answers: the web node stays in rotation
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["broker"] == "ConnectionError"


# --- 4. a killed worker's task is redelivered -------------------------------------------
def test_idempotent_tasks_are_acked_late_and_redelivered_on_worker_loss():
    from documents.handover_tasks import remind_half_yearly_handover
    from documents.tasks import check_document_files

    conf = celery_app.conf
    assert conf.task_acks_late
    assert 60 <= conf.broker_transport_options["visibility_timeout"] <= 3600
    for task in (tasks.send_notification_emails, tasks.send_unsent_notification_emails):
        assert task.acks_late and task.reject_on_worker_lost, task.name
    # not idempotent or longer than the visibility timeout: acknowledged when they start
    for task in (check_document_files, remind_half_yearly_handover):
        assert not task.acks_late and not task.reject_on_worker_lost, task.name


def _worker_database_url():
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"), reason="the workers need the test database: PostgreSQL"
)
@pytest.mark.django_db(transaction=True)  # the workers read the committed rows
def test_a_task_whose_worker_is_killed_is_redelivered_and_sends_once(tmp_path):
    user = user_with_role(Role.MANAGER, email="manager@example.com")
    note = Notification.objects.create(recipient=user, message="移交清单待签字")
    queue = f"test-broker-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    worker_env = {
        "DATABASE_URL": _worker_database_url(),
        "BROKER_VISIBILITY_TIMEOUT": "3",
        "EMAIL_BACKEND": "tests.core.broker_support.FileOutboxBackend",
        "TEST_MAIL_DIR": str(tmp_path),
    }
    celery_app.conf.task_always_eager = False
    first = start_worker(queue, TEST_MAIL_BLOCK="1", **worker_env)
    second = None
    try:
        tasks.send_notification_emails.apply_async(([note.pk],), queue=queue)
        assert wait_for(lambda: list(tmp_path.glob("started-*")), timeout=30), "never started"
        os.kill(first.pid, signal.SIGKILL)  # in the middle of the task
        first.wait(timeout=10)
        note.refresh_from_db()
        assert note.emailed_at is None

        second = start_worker(queue, **worker_env)
        started = time.monotonic()

        def sent():
            note.refresh_from_db()
            return note.emailed_at is not None

        assert wait_for(sent, timeout=40, step=0.5), "the task was not redelivered"
        assert time.monotonic() - started < 40
        assert len(list(tmp_path.glob("sent-*"))) == 1
        assert "manager@example.com" in next(tmp_path.glob("sent-*")).read_text()
    finally:
        stop_worker(first)
        if second is not None:
            stop_worker(second)
