"""The scheduled jobs (R44): the monthly backup in the beat schedule, every run of a scheduled
task recorded by Celery's signals, failures told to the administrators, the watchdog that
finds runs and backups whose worker stopped, and the jobs page with its progress fragment."""

import datetime
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from core.models import Notification
from core.roles import Role
from core.tasks import ping
from reports.backups import tasks as backup_tasks
from reports.backups.models import Backup
from reports.jobs import selectors, services
from reports.jobs import tasks as job_tasks
from reports.jobs.models import JobRun

from ..factories import user_with_role
from .factories import admin_user

pytestmark = pytest.mark.django_db

SH = datetime.timezone(datetime.timedelta(hours=8))
T0 = datetime.datetime(2026, 3, 1, 1, 30, tzinfo=SH)


# --- the schedule -------------------------------------------------------------------------
def test_the_backup_runs_on_the_1st_of_every_month_at_night__R44():
    entry = settings.CELERY_BEAT_SCHEDULE["reports-backup-monthly"]
    assert entry["task"] == backup_tasks.make_backup.name == "reports.make_backup"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.day_of_month == {1} and schedule.month_of_year == set(range(1, 13))
    assert max(schedule.hour) < 6  # at night, Asia/Shanghai (CELERY_TIMEZONE)
    assert entry["kwargs"] == {"reason": Backup.Reason.MONTHLY}
    assert selectors.schedule_in_words(schedule) == "On day 1 of every month at 01:30"


def test_the_watchdog_runs_every_few_minutes_and_is_redelivered_when_its_worker_dies():
    entry = settings.CELERY_BEAT_SCHEDULE["reports-watchdog"]
    assert entry["task"] == job_tasks.watchdog.name
    assert selectors.schedule_in_words(entry["schedule"]) == "Every 5 minutes"
    assert job_tasks.watchdog.acks_late and job_tasks.watchdog.reject_on_worker_lost
    assert backup_tasks.make_backup.acks_late is False  # may outlast the visibility timeout


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (("0", "2", "*", "*", "sun"), "Every Sunday at 02:00"),
        (("30", "7", "*", "*", "*"), "Every day at 07:30"),
        (("0", "9", "1", "1,7", "*"), "On day 1 of months 1,7 at 09:00"),
        (("5", "*/2", "*", "*", "*"), "Crontab 5 */2 * * *"),
    ],
)
def test_schedules_in_words(fields, words):
    assert selectors.crontab_in_words(*fields) == words


# --- runs recorded by Celery's signals ----------------------------------------------------
def test_a_run_of_a_scheduled_task_is_recorded__R44():
    result = job_tasks.watchdog.apply()

    assert result.successful()
    run = JobRun.objects.get()
    assert (run.task_name, run.job_label) == ("reports.watchdog", "reports-watchdog")
    assert run.status == JobRun.Status.SUCCEEDED and run.celery_task_id == result.id
    assert run.finished_at and run.duration is not None


def test_a_task_that_is_not_scheduled_is_not_recorded():
    ping.apply()
    assert not JobRun.objects.exists()


def test_a_job_added_in_admin_is_recorded_under_its_name():
    cron = CrontabSchedule.objects.create(minute="0", hour="3", timezone="Asia/Shanghai")
    PeriodicTask.objects.create(name="nightly ping", task="core.tasks.ping", crontab=cron)
    services.scheduled_tasks(fresh=True)
    try:
        ping.apply()
        assert JobRun.objects.get().job_label == "nightly ping"
    finally:
        PeriodicTask.objects.all().delete()
        services.scheduled_tasks(fresh=True)


def test_a_failed_scheduled_job_is_recorded_and_the_administrators_told__R44(monkeypatch):
    admin = admin_user()
    other = user_with_role(Role.MANAGER)

    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "watchdog", broken)
    result = job_tasks.watchdog.apply(throw=False)

    assert result.failed()
    run = JobRun.objects.get()
    assert run.status == JobRun.Status.FAILED and "the disk is full" in run.error
    note = Notification.objects.get(recipient=admin)
    assert "reports-watchdog" in note.message and note.link == reverse("reports:jobs")
    assert not Notification.objects.filter(recipient=other).exists()


def test_the_backup_job_records_its_progress_size_and_backup__R44():
    result = backup_tasks.make_backup.apply(kwargs={"reason": "monthly"})

    assert result.successful(), result.traceback
    run = JobRun.objects.get(task_name="reports.make_backup")
    backup = Backup.objects.get()
    assert run.status == JobRun.Status.SUCCEEDED and run.job_label == "reports-backup-monthly"
    assert run.size == backup.size > 0
    assert run.progress_total >= 3 and run.progress_done >= 1
    assert backup.reason == Backup.Reason.MONTHLY and backup.requested_by is None


def test_a_failed_backup_fails_its_job_and_tells_the_administrators_once__R44(settings, tmp_path):
    admin = admin_user()
    blocker = tmp_path / "file"
    blocker.write_text("")
    settings.BACKUP_ROOT = blocker / "backups"

    result = backup_tasks.make_backup.apply(kwargs={"reason": "monthly"}, throw=False)

    assert result.failed()
    assert JobRun.objects.get().status == JobRun.Status.FAILED
    assert Backup.objects.get().status == Backup.Status.FAILED
    assert Notification.objects.filter(recipient=admin).count() == 1  # the backup's message


# --- the watchdog -------------------------------------------------------------------------
@pytest.mark.frozen_at(T0)
def test_the_watchdog_fails_runs_and_backups_whose_worker_stopped__R44(frozen_clock):
    admin = admin_user()
    timeout = datetime.timedelta(minutes=settings.JOB_HEARTBEAT_TIMEOUT_MINUTES)
    started = T0 - datetime.timedelta(hours=1)
    silent = JobRun.objects.create(
        task_name="reports.make_backup",
        job_label="reports-backup-monthly",
        started_at=started,
        heartbeat_at=T0 - timeout - datetime.timedelta(seconds=1),
    )
    alive = JobRun.objects.create(
        task_name="destruction.refresh_retention",
        job_label="destruction-refresh-retention",
        started_at=started,
        heartbeat_at=T0 - timeout + datetime.timedelta(seconds=30),
    )
    backup = Backup.objects.create(
        reason=Backup.Reason.MONTHLY, started_at=started, heartbeat_at=started
    )
    work = Path(settings.BACKUP_ROOT) / f".partial-{backup.pk}-0a1b2c3d"
    work.mkdir(parents=True)
    (work / "archive.tar").write_bytes(b"half")

    found = services.watchdog()

    assert found == {"runs": [silent.pk], "backups": [backup.pk]}
    silent.refresh_from_db()
    assert silent.status == JobRun.Status.FAILED and "the worker stopped" in silent.error
    assert silent.finished_at == T0 and silent.duration == datetime.timedelta(hours=1)
    assert JobRun.objects.get(pk=alive.pk).status == JobRun.Status.RUNNING
    backup.refresh_from_db()
    assert backup.status == Backup.Status.FAILED and "the worker stopped" in backup.error
    assert not work.exists()  # nothing half-written stays
    messages = [n.display_message for n in Notification.objects.filter(recipient=admin)]
    assert len(messages) == 2 and all("the worker stopped" in m for m in messages)
    assert services.watchdog() == {"runs": [], "backups": []}  # told once


# --- the jobs page ------------------------------------------------------------------------
@pytest.fixture
def admin_client(client):
    client.force_login(admin_user())
    return client


def _runs(n):
    now = timezone.now()
    for i in range(n):
        JobRun.objects.create(
            task_name="lending.escalate_loans",
            job_label="lending-escalate-loans",
            status=JobRun.Status.SUCCEEDED,
            started_at=now - datetime.timedelta(days=i + 1),
            finished_at=now - datetime.timedelta(days=i + 1) + datetime.timedelta(seconds=3),
            duration=datetime.timedelta(seconds=3),
        )
        Backup.objects.create(
            reason=Backup.Reason.MONTHLY,
            status=Backup.Status.GOOD,
            started_at=now - datetime.timedelta(days=i + 1),
            size=1000 + i,
            drill_status=Backup.Drill.PASSED,
        )


def _queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:jobs"))
    assert response.status_code == 200
    return len(queries)


def test_the_jobs_page_runs_constant_queries(admin_client):
    _runs(2)
    few = _queries(admin_client)
    _runs(30)
    assert _queries(admin_client) == few


def test_the_jobs_page_shows_every_job_its_schedule_its_state_and_last_runs__R44(admin_client):
    cron = CrontabSchedule.objects.create(
        minute="30", hour="7", timezone="Asia/Shanghai", day_of_week="*"
    )
    PeriodicTask.objects.create(
        name="lending-escalate-loans", task="lending.escalate_loans", crontab=cron, enabled=False
    )
    _runs(7)
    failed = Backup.objects.create(
        reason=Backup.Reason.BEFORE_DESTRUCTION,
        status=Backup.Status.GOOD,
        started_at=timezone.now(),
        drill_status=Backup.Drill.FAILED,
        drill_result={"differences": [{"kind": "file", "name": "a.pdf"}]},
    )

    response = admin_client.get(reverse("reports:jobs"))

    jobs = {j.label: j for j in response.context["jobs"]}
    assert set(settings.CELERY_BEAT_SCHEDULE) <= set(jobs)
    assert jobs["lending-escalate-loans"].enabled is False  # paused in admin
    assert len(jobs["lending-escalate-loans"].runs) == selectors.RUNS_SHOWN
    text = response.content.decode()
    assert "On day 1 of every month at 01:30" in text and "Every 5 minutes" in text
    assert "Paused" in text and "Back up now" in text
    # every job of the schedule is named by what it does, its key kept small beside it
    assert all(selectors.WHAT_IT_DOES.get(job.task) for job in jobs.values())
    assert "Back up the database and the stored files" in text and "reports-backup-monthly" in text
    assert "reports.make_backup" not in text  # the task's path is the admin's business
    assert reverse("reports:backup_detail", args=[failed.pk]) in text
    assert "1 difference with the manifest" in text


def test_a_running_job_shows_its_progress_in_a_fragment_the_page_polls__R44(admin_client):
    run = JobRun.objects.create(
        task_name="reports.make_backup",
        job_label="reports-backup-monthly",
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        progress_done=3,
        progress_total=12,
    )
    url = reverse("reports:job_progress", args=[run.pk])

    page = admin_client.get(reverse("reports:jobs")).content.decode()
    assert f'hx-get="{url}"' in page and 'hx-trigger="every 2s"' in page

    fragment = admin_client.get(url, headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert "<html" not in text and f'id="run-{run.pk}"' in text
    assert 'value="3"' in text and 'max="12"' in text and "3 of 12 (25%)" in text
    assert 'hx-trigger="every 2s"' in text  # still polling

    JobRun.objects.filter(pk=run.pk).update(
        status=JobRun.Status.SUCCEEDED, duration=datetime.timedelta(seconds=9), size=2048
    )
    done = admin_client.get(url).content.decode()
    assert "hx-trigger" not in done and "Succeeded" in done  # the polling stops


def test_the_jobs_page_and_its_fragment_are_the_administrators_only(client):
    run = JobRun.objects.create(task_name="x", started_at=timezone.now())
    client.force_login(user_with_role(Role.MANAGER))
    assert client.get(reverse("reports:jobs")).status_code == 403
    assert client.get(reverse("reports:job_progress", args=[run.pk])).status_code == 403
    client.force_login(admin_user())
    assert client.get(reverse("reports:job_progress", args=[999999])).status_code == 404


def test_back_up_now_queues_a_backup_for_a_worker__R44(admin_client):
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        response = admin_client.post(reverse("reports:backup_run"))

    assert response.status_code == 302 and response.url == reverse("reports:jobs")
    assert not Backup.objects.exists()  # never made inside the request
    assert len(queued) == 1
    queued[0]()
    backup = Backup.objects.get()
    assert backup.reason == Backup.Reason.ON_DEMAND and backup.status == Backup.Status.GOOD
    assert backup.requested_by.username.startswith("admin")
    assert "queued" in admin_client.get(response.url).content.decode()


def test_back_up_now_is_refused_to_others_and_answers_post_only(client):
    from core.models import AccessLog

    client.force_login(user_with_role(Role.MANAGER))
    assert client.post(reverse("reports:backup_run")).status_code == 403
    assert AccessLog.objects.filter(action="denied", detail="reports.run_backup").exists()
    client.force_login(admin_user())
    assert client.get(reverse("reports:backup_run")).status_code == 405
    assert not Backup.objects.exists()


def test_the_backup_page_shows_the_manifest_and_the_drill__R45(admin_client):
    from reports.backups.services import backup_make

    backup = backup_make(reason=Backup.Reason.MONTHLY)
    response = admin_client.get(reverse("reports:backup_detail", args=[backup.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert backup.sha256 in text and backup.file_name in text
    assert "all as the manifest says" in text
    # the versions the backup was made with, each named for the reader, not by its key
    assert "This product" in text and "Database server" in text and ">product<" not in text


def test_the_menu_has_the_jobs_page_for_administrators_only(client):
    client.force_login(admin_user())
    assert reverse("reports:jobs") in client.get(reverse("core:home")).content.decode()
    client.force_login(user_with_role(Role.MANAGER))
    assert reverse("reports:jobs") not in client.get(reverse("core:home")).content.decode()
