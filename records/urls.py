"""One namespace, ``records``; each concept keeps its own URL module."""

from records.applications import urls as application_urls
from records.approvals import urls as approval_urls
from records.asof import urls as asof_urls
from records.complaints import urls as complaint_urls
from records.finance import urls as finance_urls
from records.letters import urls as letter_urls
from records.renovations import urls as renovation_urls
from records.repairs import urls as repair_urls

app_name = "records"

urlpatterns = [
    *finance_urls.urlpatterns,
    *renovation_urls.urlpatterns,
    *complaint_urls.urlpatterns,
    *repair_urls.urlpatterns,
    *letter_urls.urlpatterns,
    *application_urls.urlpatterns,
    *approval_urls.urlpatterns,
    *asof_urls.urlpatterns,
]
