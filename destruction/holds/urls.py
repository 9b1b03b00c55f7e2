"""The legal holds' pages, under the ``destruction`` namespace (mounted at ``holds/``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.hold_list, name="hold_list"),
    path("place/<int:dossier_pk>/", views.hold_place, name="hold_place"),
    path("<int:pk>/lift/", views.hold_lift, name="hold_lift"),
]
