from django.urls import include, path

app_name = "destruction"

urlpatterns = [
    path("", include("destruction.batches.urls")),
    path("holds/", include("destruction.holds.urls")),
    path("catalog/", include("destruction.catalog.urls")),
    path("", include("destruction.register.urls")),
]
