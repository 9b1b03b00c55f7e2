from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.loan_detail, name="loan_detail"),
]
