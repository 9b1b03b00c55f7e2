"""Admin of the documents app: master data (categories, checklist, rooms, shelves, boxes) is
kept here; documents, handovers and inspections are read-only here and change through the
app's pages and services. Lists are filtered by the permission gate (R17)."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError

from core.admin_base import ArchiveHistoryAdmin, ReadOnlyAdminMixin

from . import permissions
from .models import (
    Box,
    Document,
    DocumentCategory,
    Handover,
    HandoverItem,
    RequiredDocument,
    Room,
    Shelf,
    StorageInspection,
)


@admin.register(DocumentCategory)
class DocumentCategoryAdmin(ArchiveHistoryAdmin):
    list_display = ["code", "name", "default_secrecy", "default_retention", "needs_paper", "order"]
    list_editable = ["order"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RequiredDocument)
class RequiredDocumentAdmin(ArchiveHistoryAdmin):
    list_display = ["category", "customer_kind", "role", "active"]
    list_filter = ["customer_kind", "role", "active"]
    list_select_related = ["category"]


@admin.register(Room)
class RoomAdmin(ArchiveHistoryAdmin):
    list_display = ["code", "name", "service_centre"]
    list_select_related = ["service_centre"]
    search_fields = ["code", "name"]


@admin.register(Shelf)
class ShelfAdmin(ArchiveHistoryAdmin):
    list_display = ["__str__", "room", "number"]
    list_filter = ["room"]
    list_select_related = ["room"]


@admin.register(Box)
class BoxAdmin(ArchiveHistoryAdmin):
    list_display = ["__str__", "shelf", "number", "dossier"]
    list_filter = ["shelf__room"]
    list_select_related = ["shelf__room", "dossier"]
    search_fields = ["dossier__archive_number"]
    raw_id_fields = ["dossier"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdminMixin, ArchiveHistoryAdmin):
    fields = [
        "dossier",
        "section",
        "category",
        "title",
        "document_date",
        "carrier",
        "is_original",
        "original_location",
        "pages",
        "copies",
        "secrecy_level",
        "retention",
        "status",
        "custody",
        "box",
        "item_number",
        "file_name",
        "file_type",
        "file_size",
        "file_sha256",
        "file_checked_at",
        "recorded_by",
        "recorded_at",
    ]
    list_display = [
        "dossier",
        "title",
        "category",
        "document_date",
        "status",
        "custody",
        "box",
        "file_checked_at",
    ]
    list_filter = ["status", "custody", "category", "carrier"]
    search_fields = ["dossier__archive_number", "title"]
    list_select_related = ["dossier", "category", "box__shelf__room"]

    def get_queryset(self, request):
        return permissions.document_visible_to(request.user, super().get_queryset(request))

    def is_confidential_read(self, obj):  # R21: as on the document's own page
        return permissions.is_confidential_document(obj)


class HandoverItemInline(admin.TabularInline):
    model = HandoverItem
    fields = ["document", "result", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(document__in=permissions.document_visible_to(request.user))
            .select_related("document__dossier")
        )


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdminMixin, ArchiveHistoryAdmin):
    fields = [
        "service_centre",
        "period",
        "status",
        "prepared_by",
        "prepared_at",
        "centre_signed_by",
        "centre_signed_at",
        "archive_signed_by",
        "archive_signed_at",
        "override_reason",
        "override_by",
    ]
    list_display = ["period", "service_centre", "status", "prepared_by", "prepared_at"]
    list_filter = ["status", "service_centre"]
    list_select_related = ["service_centre", "prepared_by"]
    inlines = [HandoverItemInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # R21: the items list the documents; each confidential one shown is logged
        try:
            handover = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        except (ValueError, TypeError, ValidationError):  # not a primary key: the admin says so
            handover = None
        if handover is not None:
            items = permissions.handover_items_visible_to(request.user, handover)
            documents = [item.document for item in items.select_related("document__dossier")]
            permissions.log_documents_shown(request.user, documents, request=request)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(StorageInspection)
class StorageInspectionAdmin(ReadOnlyAdminMixin, ArchiveHistoryAdmin):
    fields = [
        "room",
        "inspected_on",
        "inspector",
        "temperature",
        "humidity",
        "damp",
        "pests",
        "damage",
        "findings",
        "follow_up",
        "follow_up_done_on",
    ]
    list_display = ["inspected_on", "room", "inspector", "damp", "pests", "damage"]
    list_filter = ["room", "damp", "pests", "damage"]
    list_select_related = ["room", "inspector"]
