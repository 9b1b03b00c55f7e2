from django.urls import path

from records.letters import views

urlpatterns = [
    path("dossiers/<int:dossier_pk>/letters/add/", views.letter_add, name="letter_add"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
]
