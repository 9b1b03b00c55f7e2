from django.urls import include, path  # noqa: F401

app_name = "reports"

urlpatterns: list = []

# --- The scheduled jobs and the backups (R44, R45) ------------------------------------------
urlpatterns += [
    path("", include("reports.jobs.urls")),
    path("", include("reports.backups.urls")),
]
