from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/compute/", views.statistics_compute, name="statistics_compute"),
    path("statistics/<int:pk>/", views.statistics_snapshot, name="statistics_snapshot"),
    path("statistics/<int:pk>/pdf/", views.statistics_pdf, name="statistics_pdf"),
    path("statistics/<int:pk>/xlsx/", views.statistics_xlsx, name="statistics_xlsx"),
]
