"""The return pages and the incidents (R24, R25), under the ``lending`` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/return/check/", views.return_check, name="return_check"),
    path("<int:pk>/return/confirm/", views.return_confirm, name="return_confirm"),
    path("<int:pk>/return/check-again/", views.return_check_again, name="return_check_again"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
]
