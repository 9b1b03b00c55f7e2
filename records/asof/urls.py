from django.urls import path

from records.asof.views import dossier_as_of_page

urlpatterns = [
    path("dossiers/<int:pk>/as-of/", dossier_as_of_page, name="dossier_as_of"),
]
