from django.urls import path

from records.renovations import views

urlpatterns = [
    path("dossiers/<int:dossier_pk>/renovations/add/", views.renovation_add, name="renovation_add"),
    path("renovations/<int:pk>/", views.renovation_detail, name="renovation_detail"),
    path("renovations/<int:pk>/decide/", views.renovation_decide, name="renovation_decide"),
    path("renovations/<int:pk>/start/", views.renovation_start, name="renovation_start"),
    path("renovations/<int:pk>/inspect/", views.inspection_add, name="inspection_add"),
    path("renovations/<int:pk>/accept/", views.renovation_accept, name="renovation_accept"),
    path(
        "inspections/<int:pk>/",
        views.renovation_detail_by_inspection,
        name="renovation_detail_by_inspection",
    ),
    path("dossiers/<int:dossier_pk>/violations/add/", views.violation_add, name="violation_add"),
    path("violations/<int:pk>/", views.violation_detail, name="violation_detail"),
    path("violations/<int:pk>/rectify/", views.violation_rectify, name="violation_rectify"),
]
