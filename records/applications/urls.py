from django.urls import path

from records.applications import views

urlpatterns = [
    path(
        "dossiers/<int:dossier_pk>/applications/add/",
        views.application_add,
        name="application_add",
    ),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path(
        "applications/<int:pk>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
]
