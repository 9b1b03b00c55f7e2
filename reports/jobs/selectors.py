"""What the jobs page reads: every scheduled job with its schedule in words, whether it is
paused, and its last runs (a fixed number of queries however many jobs and runs)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import JobRun

RUNS_SHOWN = 5
BACKUP_TASK = "reports.make_backup"

DAYS = {
    "0": gettext_lazy("Sunday"),
    "sun": gettext_lazy("Sunday"),
    "1": gettext_lazy("Monday"),
    "mon": gettext_lazy("Monday"),
    "2": gettext_lazy("Tuesday"),
    "tue": gettext_lazy("Tuesday"),
    "3": gettext_lazy("Wednesday"),
    "wed": gettext_lazy("Wednesday"),
    "4": gettext_lazy("Thursday"),
    "thu": gettext_lazy("Thursday"),
    "5": gettext_lazy("Friday"),
    "fri": gettext_lazy("Friday"),
    "6": gettext_lazy("Saturday"),
    "sat": gettext_lazy("Saturday"),
    "7": gettext_lazy("Sunday"),
}


# What each scheduled task does, in the reader's language: the page names a job by it, and
# shows the schedule's key and the task's path small beside it for whoever looks them up in
# the admin's periodic tasks. A job added in the admin without an entry here keeps its key.
WHAT_IT_DOES = {
    "core.tasks.send_unsent_notification_emails": gettext_lazy(
        "Send the notification e-mails left unsent"
    ),
    "documents.tasks.check_document_files": gettext_lazy("Check the stored files' integrity"),
    "documents.handover_tasks.remind_half_yearly_handover": gettext_lazy(
        "Remind the service centres of the half-yearly handover"
    ),
    "lending.escalate_loans": gettext_lazy("Remind and escalate loans due and overdue"),
    "records.refresh_balances": gettext_lazy("Recount the balances of charges fallen due"),
    "destruction.refresh_retention": gettext_lazy("Recompute what falls due for appraisal"),
    "destruction.resume_executions": gettext_lazy("Resume interrupted destructions"),
    BACKUP_TASK: gettext_lazy("Back up the database and the stored files"),
    "reports.watchdog": gettext_lazy("Watch for jobs whose worker stopped"),
    "reports.compile_yearly_statistics": gettext_lazy("Count the yearly statistics"),
    "reports.compile_complaint_summary": gettext_lazy("Count the monthly complaint summary"),
}


@dataclass
class Job:
    label: str
    task: str
    schedule: str
    enabled: bool = True
    runs: list = field(default_factory=list)

    @property
    def title(self) -> str:
        return WHAT_IT_DOES.get(self.task) or self.label

    @property
    def last(self):
        return self.runs[0] if self.runs else None

    @property
    def running(self):
        return [r for r in self.runs if r.status == JobRun.Status.RUNNING]

    @property
    def is_backup(self) -> bool:
        return self.task == BACKUP_TASK


def _day_name(value: str) -> str:
    return ", ".join(str(DAYS.get(v.strip().lower(), v)) for v in value.split(","))


def crontab_in_words(minute, hour, day_of_month, month_of_year, day_of_week) -> str:
    """A crontab as a person says it (the common shapes; the others as the crontab itself)."""
    minute, hour = str(minute), str(hour)
    dom, moy, dow = str(day_of_month), str(month_of_year), str(day_of_week)
    if minute.startswith("*/") and hour == dom == moy == dow == "*":
        return _("Every %(n)s minutes") % {"n": minute[2:]}
    if minute == "*" and hour == dom == moy == dow == "*":
        return _("Every minute")
    if minute.isdigit() and hour.isdigit():
        at = f"{int(hour):02d}:{int(minute):02d}"
        if dom == moy == dow == "*":
            return _("Every day at %(time)s") % {"time": at}
        if dom == moy == "*":
            return _("Every %(day)s at %(time)s") % {"day": _day_name(dow), "time": at}
        if dow == "*" and moy == "*":
            return _("On day %(day)s of every month at %(time)s") % {"day": dom, "time": at}
        if dow == "*":
            return _("On day %(day)s of months %(months)s at %(time)s") % {
                "day": dom,
                "months": moy,
                "time": at,
            }
    return _("Crontab %(expression)s") % {"expression": f"{minute} {hour} {dom} {moy} {dow}"}


def schedule_in_words(schedule) -> str:
    """A Celery crontab (``CELERY_BEAT_SCHEDULE``) or a django-celery-beat schedule row."""
    from celery.schedules import crontab

    if isinstance(schedule, crontab):
        return crontab_in_words(
            schedule._orig_minute,
            schedule._orig_hour,
            schedule._orig_day_of_month,
            schedule._orig_month_of_year,
            schedule._orig_day_of_week,
        )
    if hasattr(schedule, "day_of_month"):  # CrontabSchedule
        return crontab_in_words(
            schedule.minute,
            schedule.hour,
            schedule.day_of_month,
            schedule.month_of_year,
            schedule.day_of_week,
        )
    if hasattr(schedule, "every"):  # IntervalSchedule
        return _("Every %(n)s %(period)s") % {
            "n": schedule.every,
            "period": schedule.get_period_display(),
        }
    if hasattr(schedule, "total_seconds"):  # a timedelta in the settings
        return _("Every %(n)s seconds") % {"n": int(schedule.total_seconds())}
    return str(schedule)


def jobs_overview() -> list[Job]:
    """The scheduled jobs: the settings' schedule as django-celery-beat keeps it (paused, or
    changed in admin), jobs added in admin, and each one's last runs."""
    from django_celery_beat.models import PeriodicTask

    jobs: dict[str, Job] = {}
    for label, entry in getattr(settings, "CELERY_BEAT_SCHEDULE", {}).items():
        jobs[label] = Job(label, entry["task"], schedule_in_words(entry["schedule"]))
    periodic = PeriodicTask.objects.select_related("crontab", "interval").exclude(
        task="celery.backend_cleanup"
    )
    for row in periodic:
        kept = row.crontab or row.interval
        job = jobs.setdefault(row.name, Job(row.name, row.task, ""))
        job.enabled = row.enabled
        if kept is not None:
            job.schedule = schedule_in_words(kept)
    by_task: dict[str, list[Job]] = {}
    for job in jobs.values():
        by_task.setdefault(job.task, []).append(job)
    recent = (
        JobRun.objects.annotate(
            n=Window(RowNumber(), partition_by=[F("task_name")], order_by=F("started_at").desc())
        )
        .filter(n__lte=RUNS_SHOWN, task_name__in=list(by_task))
        .order_by("task_name", "-started_at")
    )
    for run in recent:
        for job in by_task.get(run.task_name, []):
            if not run.job_label or run.job_label == job.label or len(by_task[run.task_name]) == 1:
                job.runs.append(run)
    return sorted(jobs.values(), key=lambda j: j.label)
