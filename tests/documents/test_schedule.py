import pytest
from django.conf import settings

from archive_project.celery import app


def test_every_scheduled_task_exists__R30__R45():
    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert names == {
        "documents.tasks.check_document_files",
        "documents.handover_tasks.remind_half_yearly_handover",
        "core.tasks.send_unsent_notification_emails",
        "lending.escalate_loans",
        "records.refresh_balances",
        "destruction.refresh_retention",
        "destruction.resume_executions",
        "reports.compile_yearly_statistics",
        "reports.compile_complaint_summary",
        "reports.make_backup",  # R44
        "reports.watchdog",
    }
    assert names <= set(app.tasks)


@pytest.mark.django_db(transaction=True)  # the scheduler closes old connections
def test_the_schedule_is_loaded_into_django_celery_beat():
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    DatabaseScheduler(app=app)
    tasks = set(PeriodicTask.objects.values_list("name", flat=True))
    assert {
        "documents-integrity-weekly",
        "documents-handover-reminder",
        "core-unsent-notification-emails",
        "lending-escalate-loans",
        "reports-backup-monthly",
        "reports-watchdog",
    } <= tasks
