from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports, jobs and backups")

    def ready(self):
        # --- statistics (R40), the dashboard and the monthly complaint summary (R41) ---
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
                perm=VIEW_STATISTICS,
            ),
            NavItem(
                _("Complaint summaries"),
                "reports:complaint_summary",
                icon="clipboard-data",
                order=141,
                perm=VIEW_COMPLAINTS,
            ),
        )
