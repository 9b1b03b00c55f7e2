"""R30 handover pages; included from documents/urls.py under "handovers/" (namespace
``documents``), so the names are "documents:handover_list" and so on."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.handover_list, name="handover_list"),
    path("new/", views.handover_create, name="handover_create"),
    path("start/", views.handover_start, name="handover_start"),
    path("<int:pk>/", views.handover_detail, name="handover_detail"),
    path("<int:pk>/add/", views.handover_add_dossier, name="handover_add_dossier"),
    path(
        "<int:pk>/items/<int:item_pk>/remove/",
        views.handover_remove_item,
        name="handover_remove_item",
    ),
    path(
        "<int:pk>/items/<int:item_pk>/check/",
        views.handover_check_item,
        name="handover_check_item",
    ),
    path("<int:pk>/submit/", views.handover_submit, name="handover_submit"),
    path("<int:pk>/checked/", views.handover_mark_checked, name="handover_mark_checked"),
    path("<int:pk>/sign/<str:side>/", views.handover_sign, name="handover_sign"),
    path("<int:pk>/send-back/", views.handover_send_back, name="handover_send_back"),
    path("<int:pk>/cancel/", views.handover_cancel, name="handover_cancel"),
    path("<int:pk>/handover.pdf", views.handover_pdf, name="handover_pdf"),
]
