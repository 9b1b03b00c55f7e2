"""Admin of the reports app: read-only (writes go through the services)."""

from django.contrib import admin

from core.admin_base import LargeTableAdminMixin, ReadOnlyAdminMixin

from .backups.models import Backup
from .jobs.models import JobRun
from .models import ComplaintSummary, YearlyStatistics

# --- statistics (R40) and the monthly complaint summary (R41): read-only snapshots ---


class SnapshotAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_select_related = ["computed_by"]
    list_filter = ["source"]
    readonly_fields = ()

    def computed(self, obj):
        return obj.computed_by_label


@admin.register(YearlyStatistics)
class YearlyStatisticsAdmin(SnapshotAdmin):
    list_display = ["year", "computed_at", "computed", "source"]
    fields = ["year", "computed_at", "computed_by", "source", "figures"]
    list_filter = ["source", ("computed_at", admin.DateFieldListFilter)]


@admin.register(ComplaintSummary)
class ComplaintSummaryAdmin(SnapshotAdmin):
    list_display = ["month", "computed_at", "computed", "source"]
    fields = ["month", "computed_at", "computed_by", "source", "figures"]


# --- The scheduled jobs and the backups (R44, R45) ------------------------------------------


@admin.register(Backup)
class BackupAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Backups are made by the job and "back up now" on the jobs page, never here."""

    list_display = ["pk", "started_at", "reason", "status", "size", "encrypted", "drill_status"]
    list_filter = [
        "status",
        "reason",
        "drill_status",
        "encrypted",
        ("started_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["requested_by"]
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
class JobRunAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Runs are written by Celery's signals and the watchdog."""

    list_display = ["started_at", "job_label", "task_name", "status", "duration", "size"]
    # by status and date, not by the distinct task names of a table that grows every day
    list_filter = ["status", ("started_at", admin.DateFieldListFilter)]
    search_fields = ["job_label", "task_name", "celery_task_id", "error"]
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
