"""The copies pages (R26, R19), under the ``lending`` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/copies/make/", views.copies_make, name="copies_make"),
    path("copies/", views.copy_list, name="copy_list"),
    path("copies/<int:pk>/close/", views.copy_close, name="copy_close"),
]
