"""The lending pages, one ``urls.py`` per concept under the ``lending`` namespace."""

from django.urls import include, path

app_name = "lending"

urlpatterns = [
    path("", include("lending.loans.urls")),
    path("", include("lending.register.urls")),
    path("", include("lending.clearance.urls")),
    path("", include("lending.returns.urls")),
    path("", include("lending.copies.urls")),
]
