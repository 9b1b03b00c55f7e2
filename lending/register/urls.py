from django.urls import path

from . import views

urlpatterns = [
    path("register/", views.loan_register, name="loan_register"),
]
