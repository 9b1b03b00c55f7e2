from django.urls import path

from records import service_views as views

urlpatterns = [
    path("dossiers/<int:dossier_pk>/letters/add/", views.letter_add, name="letter_add"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
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
    path("approvals/", views.approval_list, name="approval_list"),
]
