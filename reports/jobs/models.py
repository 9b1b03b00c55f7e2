"""A run of a scheduled job (定时任务): recorded by Celery's signals, watched by the watchdog
(docs/operations.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    task_name = models.CharField(_("task"), max_length=200)
    job_label = models.CharField(_("job"), max_length=200, blank=True)
    celery_task_id = models.CharField(_("Celery task id"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), null=True, blank=True)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("of"), default=0)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["task_name", "-started_at"], name="jobrun_task_newest_idx"),
            models.Index(fields=["celery_task_id"], name="jobrun_celery_id_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="jobrun_status_beat_idx"),
        ]
        permissions = [
            ("watch_jobs", _("Can watch the scheduled jobs and is told when one fails")),
        ]

    def __str__(self):
        return f"{self.job_label or self.task_name} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))
