from django.urls import path

from . import views

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("export.xlsx", views.catalog_xlsx, name="catalog_xlsx"),
]
