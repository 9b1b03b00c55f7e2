"""A backup before risky operations (R44), through ``core.safeguards``: the destruction's
execution makes one (or uses a fresh one) before its first chunk, and does not start without
one; the admin's bulk import of units is refused without a fresh one, which it queues."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core import safeguards
from customers.models import Building, Estate, ServiceCentre, Unit
from destruction.execution import services as execution
from destruction.models import Batch, BatchItem
from reports.backups import services
from reports.backups.models import Backup

from ..customers.test_admin import GOOD_CSV, confirm, upload
from ..destruction import factories as dx
from ..factories import notified
from .factories import admin_user

pytestmark = pytest.mark.django_db


def test_the_reports_app_registers_its_backup_with_core():
    assert services.backup_for_operation in safeguards._TAKERS


# --- (a) the destruction's execution ------------------------------------------------------
def _executed_batch(backup_ago=None):
    """A batch executed after its waiting period; ``backup_ago``: a good backup made that
    long before the execution."""
    docs = dx.due_documents(2, files=True)
    names = dx.file_names(docs)
    batch, head, witnesses = dx.scheduled(dx.approved(docs))
    with dx.after_waiting():
        if backup_ago is not None:
            backup = services.backup_make(reason=Backup.Reason.ON_DEMAND)
            Backup.objects.filter(pk=backup.pk).update(finished_at=timezone.now() - backup_ago)
        with TestCase.captureOnCommitCallbacks(execute=True):
            execution.batch_execute(batch=batch, actor=head, passwords=dx.passwords(witnesses))
    return Batch.objects.get(pk=batch.pk), head, names


def test_a_destruction_makes_a_good_backup_before_its_first_chunk__R44():
    batch, head, names = _executed_batch()

    assert batch.status == Batch.Status.COMPLETED
    backup = Backup.objects.get()
    assert backup.reason == Backup.Reason.BEFORE_DESTRUCTION and backup.requested_by == head
    assert backup.status == Backup.Status.GOOD and backup.drill_status == Backup.Drill.PASSED
    # the backup holds the files the destruction then removed
    assert set(names) <= set(backup.manifest["media"]["files"])
    assert not any(default_storage.exists(n) for n in names)


def test_a_fresh_good_backup_is_used_instead_of_making_another__R44(settings):
    ago = datetime.timedelta(minutes=settings.BACKUP_FRESH_MINUTES - 1)
    batch, _head, _names = _executed_batch(backup_ago=ago)

    assert batch.status == Batch.Status.COMPLETED
    assert list(Backup.objects.values_list("reason", flat=True)) == [Backup.Reason.ON_DEMAND]


def test_a_backup_older_than_the_fresh_minutes_is_not_enough__R44(settings):
    ago = datetime.timedelta(minutes=settings.BACKUP_FRESH_MINUTES + 1)
    _executed_batch(backup_ago=ago)
    assert Backup.objects.filter(reason=Backup.Reason.BEFORE_DESTRUCTION).count() == 1


def test_without_a_backup_the_destruction_does_not_start_and_resumes_later__R44(settings, tmp_path):
    admin = admin_user()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    good_root = settings.BACKUP_ROOT
    settings.BACKUP_ROOT = blocker / "backups"  # the backup cannot be written

    batch, head, names = _executed_batch()

    assert batch.status == Batch.Status.EXECUTING  # as the execution left it
    assert not BatchItem.objects.filter(batch=batch, state=BatchItem.State.DESTROYED).exists()
    assert all(default_storage.exists(n) for n in names)  # nothing destroyed
    assert Backup.objects.get().status == Backup.Status.FAILED
    (told,) = notified("has not started", recipient=head)
    assert batch.number in told.display_message
    assert "no backup could be made" in told.display_message
    assert notified("failed", recipient=admin)

    settings.BACKUP_ROOT = good_root  # the disk is fixed; the head resumes
    with TestCase.captureOnCommitCallbacks(execute=True):
        execution.batch_resume(batch=batch, actor=head)

    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.COMPLETED
    assert Backup.objects.filter(status=Backup.Status.GOOD).count() == 1
    assert not any(default_storage.exists(n) for n in names)


def test_a_destruction_already_begun_is_not_held_up_by_a_backup__R44(settings, tmp_path):
    settings.DESTRUCTION_CHUNK_SIZE = 1
    docs = dx.due_documents(2, files=True)
    batch, head, witnesses = dx.scheduled(dx.approved(docs))
    with dx.after_waiting(), TestCase.captureOnCommitCallbacks(execute=False):
        execution.batch_execute(batch=batch, actor=head, passwords=dx.passwords(witnesses))
    execution._backup_first(batch.pk)  # the first run's backup
    execution._destroy_chunk(batch.pk, 1)  # its first chunk, then the worker died
    blocker = tmp_path / "file"
    blocker.write_text("")
    settings.BACKUP_ROOT = blocker / "backups"

    result = execution.execution_run(batch_id=batch.pk)

    assert result["status"] == "completed"
    assert Backup.objects.count() == 1  # no second backup asked for


# --- (b) the bulk import in admin ---------------------------------------------------------
@pytest.fixture
def estate(db):
    centre = ServiceCentre.objects.create(name="第一服务中心", code="SC1")
    estate = Estate.objects.create(name="翠湖苑", code="CH", service_centre=centre)
    Building.objects.create(estate=estate, number="1")
    return estate


@pytest.fixture
def staff_client(client):
    client.force_login(admin_user())
    return client


def test_a_bulk_import_without_a_fresh_backup_is_refused_and_queues_one__R44(staff_client, estate):
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        response = upload(staff_client, GOOD_CSV.encode())

    assert response.status_code == 302
    assert response.url == reverse("admin:customers_unit_import")
    assert Unit.objects.count() == 0
    page = staff_client.get(response.url)
    text = page.content.decode()
    assert "Nothing was imported" in text and "One has been queued now" in text
    assert Backup.objects.count() == 0  # not made in the request: queued
    assert len(queued) == 1
    queued[0]()  # the worker makes it
    backup = Backup.objects.get()
    assert backup.reason == Backup.Reason.BEFORE_IMPORT and backup.status == Backup.Status.GOOD

    preview = upload(staff_client, GOOD_CSV.encode())  # a few minutes later
    assert preview.status_code == 200
    confirm(staff_client, preview)
    assert Unit.objects.count() == 3


def test_the_confirmation_is_refused_too_when_the_backup_aged_since_the_preview__R44(
    staff_client, estate, fresh_backup, settings
):
    preview = upload(staff_client, GOOD_CSV.encode())
    assert preview.status_code == 200
    Backup.objects.filter(pk=fresh_backup.pk).update(
        finished_at=timezone.now() - datetime.timedelta(minutes=settings.BACKUP_FRESH_MINUTES + 1)
    )

    with TestCase.captureOnCommitCallbacks(execute=False):
        done = confirm(staff_client, preview)

    assert done.status_code == 302 and done.url == reverse("admin:customers_unit_import")
    assert Unit.objects.count() == 0


def test_a_backup_whose_archive_is_gone_is_not_a_fresh_one__R44(staff_client, estate, fresh_backup):
    (Path(settings.BACKUP_ROOT) / fresh_backup.file_name).unlink()
    with TestCase.captureOnCommitCallbacks(execute=False):
        response = upload(staff_client, GOOD_CSV.encode())
    assert response.status_code == 302 and Unit.objects.count() == 0


def test_a_backup_being_made_is_not_queued_twice__R44(staff_client, estate):
    Backup.objects.create(
        reason=Backup.Reason.BEFORE_IMPORT, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        response = upload(staff_client, GOOD_CSV.encode())
    assert "One is being made now" in staff_client.get(response.url).content.decode()
    assert queued == []
