from django.urls import path

from . import views

urlpatterns = [
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/runs/<int:pk>/progress/", views.job_progress, name="job_progress"),
]
