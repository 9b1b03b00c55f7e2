"""The loan pages, under the ``lending`` namespace (mounted at ``/loans/``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("request/<int:dossier_pk>/", views.loan_request, name="loan_request"),
    path(
        "request/<int:dossier_pk>/outside/",
        views.loan_request_outside,
        name="loan_request_outside",
    ),
    path("mine/", views.my_loans, name="my_loans"),
    path("approvals/", views.approval_queue, name="approval_queue"),
    path("desk/", views.desk, name="desk"),
    path("<int:pk>/", views.loan_detail, name="loan_detail"),
    path("<int:pk>/<slug:move>/", views.loan_move, name="loan_move"),
    path("renewals/<int:pk>/<slug:move>/", views.renewal_move, name="renewal_move"),
]
