"""The records in the admin: read-only (every move goes through the services and their
events), with history, only for the dossiers the admin user may see; opening a confidential
record here is logged as on its page (R21)."""

from django.contrib import admin

from core.admin_base import ArchiveHistoryAdmin, ReadOnlyAdminMixin
from records import models

from .permissions import is_confidential_record, record_visible_to


def _fields(model):
    return [
        f.name
        for f in model._meta.get_fields()
        if f.concrete and not f.auto_created and f.name != "id"
    ]


class RecordAdmin(ReadOnlyAdminMixin, ArchiveHistoryAdmin):
    list_select_related = ["dossier"]

    def get_queryset(self, request):
        return record_visible_to(request.user, self.model, super().get_queryset(request))

    def is_confidential_read(self, obj):  # R21: as on the record's own page
        return is_confidential_record(obj)


def _register(model, *, list_display, list_filter=(), search_fields=(), date_field=None):
    attrs = {
        "fields": _fields(model),
        "list_display": ["dossier", *list_display],
        # a date's ranges (today, 7 days, month, year), not date_hierarchy's scan of all dates
        "list_filter": [*list_filter, *([date_field] if date_field else [])],
        "search_fields": ["dossier__archive_number", *search_fields],
        "__module__": __name__,
    }
    admin.site.register(model, type(f"{model.__name__}Admin", (RecordAdmin,), attrs))


_register(
    models.Lease,
    list_display=["contract_number", "tenant", "starts_on", "ends_on", "rent", "status"],
    list_filter=["status", "payment_cycle"],
    search_fields=["contract_number", "tenant__name"],
    date_field="starts_on",
)
_register(
    models.Deposit,
    list_display=["kind", "receipt_number", "payer", "amount", "received_on", "status"],
    list_filter=["status", "kind"],
    search_fields=["receipt_number", "payer"],
    date_field="received_on",
)
_register(
    models.Charge,
    list_display=["period", "item", "amount", "paid_amount", "due_on"],
    list_filter=["item"],  # not the period: its choices were the distinct values of 2.4M rows
)
_register(
    models.Payment,
    list_display=["receipt_number", "charge", "amount", "method", "paid_on"],
    list_filter=["method"],
    search_fields=["receipt_number"],
    date_field="paid_on",
)
_register(
    models.Renovation,
    list_display=["applicant", "contractor", "permit_number", "applied_on", "status"],
    list_filter=["status"],
    search_fields=["applicant", "contractor", "permit_number"],
    date_field="applied_on",
)
_register(
    models.RenovationInspection,
    list_display=["renovation", "inspected_on", "inspector", "result"],
    list_filter=["result"],
)
_register(
    models.Violation,
    list_display=["category", "occurred_on", "status", "rectify_by", "rectified_on"],
    list_filter=["status", "category"],
    search_fields=["notice_number", "description"],
    date_field="occurred_on",
)
_register(
    models.Complaint,
    list_display=["subject", "complainant", "channel", "category", "is_major", "status"],
    list_filter=["status", "is_major", "channel", "category"],
    search_fields=["subject", "complainant"],
    date_field="received_at",
)
_register(
    models.Repair,
    list_display=["work_order_number", "location", "reported_at", "status", "satisfaction"],
    list_filter=["status", "satisfaction"],
    search_fields=["work_order_number", "description"],
    date_field="reported_at",
)
_register(
    models.Visit,
    list_display=["kind", "visited_on", "visitor", "visited_person", "complaint"],
    list_filter=["kind", "method"],
    date_field="visited_on",
)
_register(
    models.Correspondence,
    list_display=["direction", "dated", "reference", "counterpart", "subject"],
    list_filter=["direction"],
    search_fields=["reference", "subject", "counterpart"],
    date_field="dated",
)
_register(
    models.Application,
    list_display=["kind", "applicant", "applied_on", "status"],
    list_filter=["status", "kind"],
    search_fields=["applicant", "details"],
    date_field="applied_on",
)
