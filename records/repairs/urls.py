from django.urls import path

from records.repairs import views

urlpatterns = [
    path("dossiers/<int:dossier_pk>/repairs/add/", views.repair_add, name="repair_add"),
    path("repairs/<int:pk>/", views.repair_detail, name="repair_detail"),
    path("repairs/<int:pk>/order/", views.repair_order, name="repair_order"),
    path("repairs/<int:pk>/complete/", views.repair_complete, name="repair_complete"),
    path("repairs/<int:pk>/feedback/", views.repair_feedback, name="repair_feedback"),
]
