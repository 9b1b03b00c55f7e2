"""One namespace, ``records``; each concept keeps its own URL module."""

from records import service_urls
from records.asof import urls as asof_urls
from records.complaints import urls as complaint_urls
from records.finance import urls as finance_urls
from records.renovations import urls as renovation_urls
from records.repairs import urls as repair_urls

app_name = "records"

urlpatterns = [
    *finance_urls.urlpatterns,
    *renovation_urls.urlpatterns,
    *complaint_urls.urlpatterns,
    *repair_urls.urlpatterns,
    *service_urls.urlpatterns,
    *asof_urls.urlpatterns,
]
