from django.urls import path

from . import views

urlpatterns = [
    path("complaints/", views.summary, name="complaint_summary"),
    path("complaints/compute/", views.summary_compute, name="complaint_summary_compute"),
    path("complaints/<int:pk>/", views.summary_snapshot, name="complaint_summary_snapshot"),
    path("complaints/<int:pk>/pdf/", views.summary_pdf, name="complaint_summary_pdf"),
    path("complaints/<int:pk>/xlsx/", views.summary_xlsx, name="complaint_summary_xlsx"),
]
