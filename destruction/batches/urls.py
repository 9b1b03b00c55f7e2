from django.urls import path

from . import views

urlpatterns = [
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
]
