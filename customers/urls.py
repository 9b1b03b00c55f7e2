from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("", views.dossier_list, name="dossier_list"),
    path("<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("<int:pk>/history/", views.dossier_history, name="dossier_history"),
    path("<int:pk>/reveal/", views.dossier_reveal, name="dossier_reveal"),
    path("<int:pk>/secrecy/", views.dossier_secrecy, name="dossier_secrecy"),
    path("move-in/", views.move_in, name="move_in"),
    path("unit-options/", views.unit_options, name="unit_options"),
    path("verifications/", views.verification_list, name="verification_list"),
    path("occupancies/<int:pk>/verify/", views.occupancy_verify, name="occupancy_verify"),
    path("occupancies/<int:pk>/move-out/", views.occupancy_move_out, name="occupancy_move_out"),
    path("<int:dossier_pk>/customers/<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path(
        "<int:dossier_pk>/customers/<int:pk>/contacts/add/", views.contact_add, name="contact_add"
    ),
    path(
        "<int:dossier_pk>/contacts/<int:pk>/replace/",
        views.contact_replace,
        name="contact_replace",
    ),
    path("<int:dossier_pk>/customers/<int:pk>/members/add/", views.member_add, name="member_add"),
    path("<int:dossier_pk>/members/<int:pk>/leave/", views.member_leave, name="member_leave"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("changes/", views.change_request_list, name="change_request_list"),
    path("changes/<int:pk>/", views.change_request_detail, name="change_request_detail"),
]
