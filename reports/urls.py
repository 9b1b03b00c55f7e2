from django.urls import include, path

app_name = "reports"

urlpatterns: list = [
    # --- statistics (R40), the dashboard and the monthly complaint summary (R41) ---
    path("", include("reports.statistics.urls")),
    path("", include("reports.complaints.urls")),
    # --- the scheduled jobs and the backups (R44, R45) ---
    path("", include("reports.jobs.urls")),
    path("", include("reports.backups.urls")),
]
