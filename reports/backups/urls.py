from django.urls import path

from . import views

urlpatterns = [
    path("backups/run/", views.backup_run, name="backup_run"),
    path("backups/<int:pk>/", views.backup_detail, name="backup_detail"),
]
