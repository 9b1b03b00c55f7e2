from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports, jobs and backups")

    def ready(self):
        self._ready_statistics()
        self._ready_jobs_and_backups()

    # --- statistics (R40), the dashboard and the monthly complaint summary (R41) ------------
    def _ready_statistics(self):
        from core.navigation import NavItem
        from core.navigation import register as register_nav

        from .complaints import tasks as complaint_tasks  # noqa: F401  (registers the task)
        from .roles import VIEW_COMPLAINTS, VIEW_STATISTICS
        from .statistics import tasks as statistics_tasks  # noqa: F401  (registers the task)

        register_nav(
            NavItem(
                _("Statistics dashboard"),
                "reports:dashboard",
                icon="bar-chart-line",
                order=140,
                perm=(VIEW_STATISTICS, VIEW_COMPLAINTS),  # the charts each may read
            ),
            NavItem(
                _("Complaint summaries"),
                "reports:complaint_summary",
                icon="clipboard-data",
                order=141,
                perm=VIEW_COMPLAINTS,
            ),
        )

    # --- the scheduled jobs and the backups (R44, R45) --------------------------------------
    def _ready_jobs_and_backups(self):
        from core import safeguards
        from core.navigation import NavItem
        from core.navigation import register as register_nav

        from .backups import tasks as backup_tasks  # noqa: F401  (registers the tasks)
        from .backups.services import WATCH, backup_for_operation
        from .jobs import signals
        from .jobs import tasks as job_tasks  # noqa: F401

        signals.connect()
        safeguards.register_backup(backup_for_operation)
        register_nav(
            NavItem(
                _("Scheduled jobs"), "reports:jobs", icon="clock-history", order=190, perm=WATCH
            )
        )
