"""Admin of the reports app: read-only (writes go through the services)."""

from django.contrib import admin

from core.admin_base import ReadOnlyAdminMixin

# --- The scheduled jobs and the backups (R44, R45) ------------------------------------------
from .backups.models import Backup
from .jobs.models import JobRun


@admin.register(Backup)
class BackupAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Backups are made by the job and "back up now" on the jobs page, never here."""

    list_display = ["pk", "started_at", "reason", "status", "size", "encrypted", "drill_status"]
    list_filter = ["status", "reason", "drill_status", "encrypted"]
    list_select_related = ["requested_by"]
    date_hierarchy = "started_at"
    fields = [
        "status",
        "reason",
        "requested_by",
        "started_at",
        "finished_at",
        "heartbeat_at",
        "file_name",
        "size",
        "sha256",
        "encrypted",
        "recipients",
        "error",
        "drill_status",
        "drill_at",
        "drill_result",
        "pruned_at",
        "manifest",
    ]


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Runs are written by Celery's signals and the watchdog."""

    list_display = ["started_at", "job_label", "task_name", "status", "duration", "size"]
    list_filter = ["status", "task_name"]
    search_fields = ["job_label", "task_name", "celery_task_id", "error"]
    date_hierarchy = "started_at"
    fields = [
        "task_name",
        "job_label",
        "celery_task_id",
        "status",
        "started_at",
        "finished_at",
        "duration",
        "size",
        "progress_done",
        "progress_total",
        "heartbeat_at",
        "error",
    ]
