from django.urls import path

from . import views

urlpatterns = [
    path("batches/<int:pk>/register.pdf", views.batch_register_pdf, name="batch_register_pdf"),
    path("batches/<int:pk>/register.xlsx", views.batch_register_xlsx, name="batch_register_xlsx"),
]
