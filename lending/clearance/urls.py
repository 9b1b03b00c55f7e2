from django.urls import path

from . import views

urlpatterns = [
    path("clearance/", views.clearance_report, name="clearance_report"),
    path("clearance/<int:user_pk>/", views.clearance_detail, name="clearance_detail"),
]
