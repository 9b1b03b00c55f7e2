"""One namespace, ``records``; each concept keeps its own URL module."""

from . import asof_urls, complaint_urls, finance_urls, renovation_urls, service_urls

app_name = "records"

urlpatterns = [
    *finance_urls.urlpatterns,
    *renovation_urls.urlpatterns,
    *complaint_urls.urlpatterns,
    *service_urls.urlpatterns,
    *asof_urls.urlpatterns,
]
