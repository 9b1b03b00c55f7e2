from django.urls import path

from records.complaints import views

urlpatterns = [
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("dossiers/<int:dossier_pk>/complaints/add/", views.complaint_add, name="complaint_add"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/step/", views.complaint_step, name="complaint_step"),
    path("complaints/<int:pk>/report/", views.complaint_report, name="complaint_report"),
    path("complaints/<int:pk>/reply/", views.complaint_reply, name="complaint_reply"),
    path("complaints/<int:pk>/close/", views.complaint_close, name="complaint_close"),
    path("dossiers/<int:dossier_pk>/visits/add/", views.visit_add, name="visit_add"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/due/", views.visit_schedule, name="visit_schedule"),
]
