from django.urls import include, path

from . import views

app_name = "documents"

urlpatterns = [
    path("dossiers/<int:dossier_pk>/add/", views.document_add, name="document_add"),
    path("dossiers/<int:dossier_pk>/cover.pdf", views.dossier_cover_pdf, name="dossier_cover_pdf"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/download/", views.document_download, name="document_download"),
    path("moved-out/", views.moved_out_catalog, name="moved_out_catalog"),
    path("filing/", views.filing, name="filing"),
    path("storage/", views.location_index, name="location_index"),
    path("storage/find/", views.location_find, name="location_find"),
    path("storage/boxes/add/", views.box_create, name="box_create"),
    path("storage/boxes/<int:pk>/", views.box_detail, name="box_detail"),
    path("storage/boxes/<int:pk>/label.pdf", views.box_label_pdf, name="box_label_pdf"),
    path("storage/shelves/<int:pk>/label.pdf", views.shelf_label_pdf, name="shelf_label_pdf"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/add/", views.inspection_add, name="inspection_add"),
    path("gaps/", views.gaps, name="gaps"),
    path("handovers/", include("documents.handover.urls")),
]
