"""The batch pages, under the ``destruction`` namespace (mounted at ``/destruction/``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.due_list, name="due_list"),
    path("batches/open/", views.batch_open, name="batch_open"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/submit/", views.batch_submit, name="batch_submit"),
    path("batches/<int:pk>/approve/", views.batch_approve, name="batch_approve"),
    path("batches/<int:pk>/send-back/", views.batch_send_back, name="batch_send_back"),
    path("batches/<int:pk>/withdraw/", views.batch_withdraw, name="batch_withdraw"),
    path("batches/<int:pk>/schedule/", views.batch_schedule, name="batch_schedule"),
    path("batches/<int:pk>/execute/", views.batch_execute, name="batch_execute"),
    path("batches/<int:pk>/resume/", views.batch_resume, name="batch_resume"),
    path("batches/<int:pk>/items/<int:item>/decide/", views.item_decide, name="item_decide"),
    path("batches/<int:pk>/items/<int:item>/opinion/", views.item_opinion, name="item_opinion"),
    path("batches/<int:pk>/items/<int:item>/remove/", views.item_remove, name="item_remove"),
    path("approvals/", views.approval_queue, name="approval_queue"),
    path("witness/", views.witness_queue, name="witness_queue"),
    path("engineering/", views.engineering_queue, name="engineering_queue"),
]
