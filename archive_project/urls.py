from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core import views as core_views
from core.forms import AdminLoginForm

admin.site.site_header = _("Customer archive administration")
admin.site.site_title = _("Customer archive")
admin.site.index_title = _("Administration")
admin.site.login_form = AdminLoginForm  # says why a demo password is refused (core.auth)

# Uploaded files are never served from MEDIA_URL: only through views that check permissions.
urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("accounts/", include("core.auth_urls")),
    path("admin/", admin.site.urls),
    path("dossiers/", include("customers.urls")),
    path("records/", include("records.urls")),
    path("documents/", include("documents.urls")),
    path("loans/", include("lending.urls")),
    path("destruction/", include("destruction.urls")),
    path("reports/", include("reports.urls")),
    path("", include("core.urls")),
]
if settings.BENCH_HELLO:  # bench/run's baseline (bench/README.md); off unless set
    urlpatterns.insert(0, path("bench/hello", core_views.bench_hello, name="bench_hello"))
