"""The backup job through the real broker and a real worker (R44): the worker makes the
backup, drills it, and its run is recorded by the signals, beating as it goes. Skipped without
REDIS_URL and PostgreSQL (the worker needs the test database)."""

import os
import uuid

import pytest

from reports.backups import tasks
from reports.backups.models import Backup
from reports.jobs.models import JobRun

from .factories import seeded

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL"), reason="the worker needs the test database: PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),  # the worker reads the committed rows
]


def test_the_backup_through_the_broker_and_a_worker_is_made_drilled_and_recorded__R44(
    settings, tmp_path
):
    from archive_project.celery import app as celery_app

    from ..core.broker_support import start_worker, stop_worker, wait_for
    from ..lending.test_escalation_task import _worker_database_url

    seeded(documents=2)
    queue = f"test-backup-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_always_eager = False
    worker = start_worker(
        queue,
        DATABASE_URL=_worker_database_url(),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        BACKUP_ROOT=str(settings.BACKUP_ROOT),
        JOB_HEARTBEAT_SECONDS="1",
        EMAIL_BACKEND="tests.core.broker_support.FileOutboxBackend",
        TEST_MAIL_DIR=str(tmp_path),
    )
    try:
        tasks.make_backup.apply_async(kwargs={"reason": "monthly"}, queue=queue)
        assert wait_for(
            lambda: JobRun.objects.filter(status=JobRun.Status.SUCCEEDED).exists(),
            timeout=90,
            step=0.5,
        ), "the worker did not finish the backup"
    finally:
        stop_worker(worker)
    backup = Backup.objects.get()
    assert backup.status == Backup.Status.GOOD and backup.drill_status == Backup.Drill.PASSED
    assert (settings.BACKUP_ROOT / backup.file_name).is_file()
    assert len(backup.manifest["media"]["files"]) == 2
    run = JobRun.objects.get()
    assert run.task_name == "reports.make_backup" and run.job_label == "reports-backup-monthly"
    assert run.size == backup.size and run.celery_task_id
    assert run.heartbeat_at >= run.started_at and run.progress_total >= 3
