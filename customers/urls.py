from django.urls import path

from . import change_views, customer_views, move_in_views, referral_views, views

app_name = "customers"

urlpatterns = [
    path("", views.dossier_list, name="dossier_list"),
    path("<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("<int:pk>/history/", views.dossier_history, name="dossier_history"),
    path("<int:pk>/reveal/", views.dossier_reveal, name="dossier_reveal"),
    path("<int:pk>/secrecy/", views.dossier_secrecy, name="dossier_secrecy"),
    path("move-in/", move_in_views.move_in, name="move_in"),
    path("unit-options/", move_in_views.unit_options, name="unit_options"),
    path("verifications/", views.verification_list, name="verification_list"),
    path("occupancies/<int:pk>/verify/", views.occupancy_verify, name="occupancy_verify"),
    path("occupancies/<int:pk>/move-out/", views.occupancy_move_out, name="occupancy_move_out"),
    path(
        "<int:dossier_pk>/customers/<int:pk>/edit/",
        customer_views.customer_edit,
        name="customer_edit",
    ),
    path(
        "<int:dossier_pk>/customers/<int:pk>/contacts/add/",
        customer_views.contact_add,
        name="contact_add",
    ),
    path(
        "<int:dossier_pk>/contacts/<int:pk>/replace/",
        customer_views.contact_replace,
        name="contact_replace",
    ),
    path(
        "<int:dossier_pk>/customers/<int:pk>/members/add/",
        customer_views.member_add,
        name="member_add",
    ),
    path(
        "<int:dossier_pk>/members/<int:pk>/leave/", customer_views.member_leave, name="member_leave"
    ),
    path("referrals/", referral_views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/", referral_views.referral_detail, name="referral_detail"),
    path("changes/", change_views.change_request_list, name="change_request_list"),
    path("changes/<int:pk>/", change_views.change_request_detail, name="change_request_detail"),
]
