from django.urls import path

from records.finance import views

urlpatterns = [
    path("dossiers/<int:dossier_pk>/leases/add/", views.lease_add, name="lease_add"),
    path("leases/<int:pk>/", views.lease_detail, name="lease_detail"),
    path("leases/<int:pk>/renew/", views.lease_renew, name="lease_renew"),
    path("leases/<int:pk>/terminate/", views.lease_terminate, name="lease_terminate"),
    path("dossiers/<int:dossier_pk>/deposits/add/", views.deposit_add, name="deposit_add"),
    path("deposits/<int:pk>/", views.deposit_detail, name="deposit_detail"),
    path("deposits/<int:pk>/settle/", views.deposit_settle, name="deposit_settle"),
    path("deposits/<int:pk>/decide/", views.deposit_decide, name="deposit_decide"),
    path("dossiers/<int:dossier_pk>/charges/add/", views.charge_add, name="charge_add"),
    path("charges/<int:pk>/", views.charge_detail, name="charge_detail"),
    path("charges/<int:pk>/pay/", views.payment_add, name="payment_add"),
    path("payments/<int:pk>/", views.charge_detail_by_payment, name="charge_detail_by_payment"),
    path("arrears/", views.arrears_list, name="arrears_list"),
]
