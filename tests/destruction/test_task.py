"""The execution task: its declaration and schedule, and a batch destroyed through the real
broker by a real worker (skipped without REDIS_URL)."""

import datetime
import os
import uuid

import pytest
from django.core.files.storage import default_storage

from destruction import tasks
from destruction.models import Batch, BatchItem
from documents.models import Document

from . import factories as f

pytestmark = pytest.mark.django_db


def test_the_tasks_are_acked_late_and_redelivered_on_worker_loss():
    for task in (tasks.execute_batch, tasks.resume_executions, tasks.refresh_retention):
        assert task.acks_late and task.reject_on_worker_lost, task.name
    assert tasks.execute_batch.name == "destruction.execute_batch"


def test_the_task_in_process_completes_the_batch_and_a_second_run_does_nothing():
    from django.test import TestCase

    docs = f.due_documents(2, files=True)
    batch, head, witnesses = f.scheduled(f.approved(docs))
    with f.after_waiting():
        from destruction.execution import services as execution

        # queued at the commit, not run: the task is run below by hand
        with TestCase.captureOnCommitCallbacks(execute=False):
            execution.batch_execute(batch=batch, actor=head, passwords=f.passwords(witnesses))
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.EXECUTING
    result = tasks.execute_batch.apply(args=[batch.pk]).get()
    assert result["status"] == "completed" and result["chunks_items"] == 2
    assert tasks.execute_batch.apply(args=[batch.pk]).get()["chunks_items"] == 0
    for document in docs:
        assert Document.history.filter(id=document.pk, status="destroyed").count() == 1


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"), reason="the worker needs the test database: PostgreSQL"
)
@pytest.mark.django_db(transaction=True)  # the worker reads the committed rows
def test_the_execution_through_the_broker_and_a_worker_completes_the_batch__R36(settings, tmp_path):
    from archive_project.celery import app as celery_app
    from destruction.execution import services as execution

    from ..core.broker_support import start_worker, stop_worker, wait_for
    from ..lending.test_escalation_task import _worker_database_url

    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    docs = f.due_documents(3, files=True)
    names = f.file_names(docs)
    batch, head, witnesses = f.scheduled(f.approved(docs))
    Batch.objects.filter(pk=batch.pk).update(
        executable_from=batch.executable_from - datetime.timedelta(days=8)
    )  # the waiting period over, on the worker's clock too
    queue = f"test-destruction-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_always_eager = False
    worker = start_worker(
        f"{queue},celery",
        DATABASE_URL=_worker_database_url(),
        MEDIA_ROOT=str(media),
        BACKUP_ROOT=str(tmp_path / "backups"),  # the backup made before the first chunk (R44)
        EMAIL_BACKEND="tests.core.broker_support.FileOutboxBackend",
        TEST_MAIL_DIR=str(tmp_path),
    )
    try:
        execution.batch_execute(
            batch=Batch.objects.get(pk=batch.pk), actor=head, passwords=f.passwords(witnesses)
        )  # queued at its commit, through Redis
        assert wait_for(
            lambda: Batch.objects.get(pk=batch.pk).status == Batch.Status.COMPLETED,
            timeout=60,
            step=0.5,
        ), "the worker did not complete the batch"
        assert BatchItem.objects.filter(batch=batch, state="destroyed").count() == 3
        assert not any(default_storage.exists(n) for n in names)
        assert Batch.objects.get(pk=batch.pk).register_sha256
        from reports.backups.models import Backup

        assert Backup.objects.get().reason == Backup.Reason.BEFORE_DESTRUCTION
    finally:
        stop_worker(worker)
