from django.urls import path

from records.approvals import views

urlpatterns = [path("approvals/", views.approval_list, name="approval_list")]
