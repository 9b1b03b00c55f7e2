"""Appraisal and destruction in the admin. Administrators keep the retention schedule and the
company's policy here (each change queues the refresh of what is due); batches, their items
and witnesses, legal holds and the retention states are read-only: every move goes through
``destruction``'s services. Nothing is ever deleted. An item (a batch's line, a tombstone) is
listed only when the admin user may see its document (R17), a hold when they may see its
dossier and document, and opening a confidential one is logged (R21)."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.admin_base import ArchiveHistoryAdmin, LargeTableAdminMixin, ReadOnlyAdminMixin
from core.admin_reads import ConfidentialReadsAdminMixin
from core.tasks import enqueue_on_commit
from customers.permissions import dossier_visible_to
from documents.permissions import document_visible_to

from .models import Batch, BatchItem, Hold, Policy, RetentionRule, RetentionState, Witness
from .permissions import hold_visible_to


def _queue_refresh():
    """What is due follows the schedule and the policy: recomputed once the change commits."""
    from .tasks import refresh_retention

    enqueue_on_commit(refresh_retention)


def _seen(request, queryset, field="document"):
    return queryset.filter(**{f"{field}__in": document_visible_to(request.user).values("pk")})


def _confidential_level(level) -> bool:
    return level in ("A", "B")


class _NoDeleteAdmin(ArchiveHistoryAdmin):
    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


# --- What administrators keep ----------------------------------------------------------------
@admin.register(RetentionRule)
class RetentionRuleAdmin(_NoDeleteAdmin):
    list_display = [
        "name",
        "category",
        "secrecy_level",
        "keeping",
        "trigger",
        "technical",
        "active",
    ]
    list_display_links = ["name"]
    list_filter = ["active", "technical", "permanent", "trigger", "secrecy_level", "category"]
    list_select_related = ["category"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "active"]}),
        (_("Which documents"), {"fields": ["category", "secrecy_level"]}),
        (_("How long"), {"fields": ["permanent", "years", "trigger"]}),
        (_("Appraisal"), {"fields": ["technical"]}),
    ]

    @admin.display(description=_("kept"))
    def keeping(self, obj):
        return obj.describe()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _queue_refresh()


@admin.register(Policy)
class PolicyAdmin(_NoDeleteAdmin):
    """One row: no second one is added, none deleted; the list opens the row itself."""

    fields = ["customer_files_permanent", "waiting_days"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Policy.objects.exists()

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)
        policy = Policy.current()
        return HttpResponseRedirect(reverse("admin:destruction_policy_change", args=[policy.pk]))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _queue_refresh()


# --- Read-only: the batches and what hangs on them ------------------------------------------
class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class BatchItemInline(_ReadOnlyInline):
    model = BatchItem
    fields = [
        "reference",
        "archive_number",
        "title",
        "document_date",
        "decision",
        "technical",
        "state",
        "blocked_reason",
        "destroyed_at",
    ]

    def get_queryset(self, request):
        # an item of a document the admin user may not see stays out of sight (R17)
        return _seen(request, super().get_queryset(request))


class WitnessInline(_ReadOnlyInline):
    model = Witness
    fields = ["user", "confirmed_at", "released"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdminMixin, _NoDeleteAdmin):
    fields = [
        "number",
        "title",
        "status",
        "created_by",
        "created_at",
        "members",
        "members_note",
        "appraisal_note",
        "submitted_at",
        "approved_by",
        "approved_at",
        "approval_note",
        "executable_from",
        "withdrawn_by",
        "withdrawn_at",
        "withdraw_reason",
        "planned_on",
        "method",
        "place",
        "executed_by",
        "execution_started_at",
        "completed_at",
        "register_file",
        "register_sha256",
    ]
    list_display = [
        "number",
        "title",
        "status",
        "created_by",
        "created_at",
        "approved_by",
        "executable_from",
        "completed_at",
    ]
    list_filter = ["status", "method"]
    list_select_related = ["created_by", "approved_by"]
    search_fields = ["number", "title"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [BatchItemInline, WitnessInline]


@admin.register(BatchItem)
class BatchItemAdmin(ReadOnlyAdminMixin, _NoDeleteAdmin):
    fields = [
        "batch",
        "document",
        "dossier",
        "decision",
        "keep_years",
        "keep_permanently",
        "decision_note",
        "decided_by",
        "decided_at",
        "technical",
        "engineering_opinion",
        "engineering_by",
        "engineering_at",
        "state",
        "open",
        "blocked_reason",
        "destroyed_at",
        "file_deleted_at",
        "reference",
        "archive_number",
        "title",
        "category_name",
        "document_date",
        "carrier",
        "secrecy_level",
        "pages",
        "copies",
        "file_name",
        "file_sha256",
    ]
    list_display = [
        "reference",
        "archive_number",
        "title",
        "batch",
        "decision",
        "state",
        "destroyed_at",
    ]
    list_filter = ["state", "decision", "technical", "carrier"]
    list_select_related = ["batch"]
    search_fields = ["reference", "title", "archive_number", "batch__number"]
    show_full_result_count = False
    ordering = ["-pk"]

    def get_queryset(self, request):
        return _seen(request, super().get_queryset(request))

    def is_confidential_read(self, obj):
        return _confidential_level(obj.secrecy_level)


@admin.register(Witness)
class WitnessAdmin(ReadOnlyAdminMixin, _NoDeleteAdmin):
    fields = ["batch", "user", "confirmed_at", "released"]
    list_display = ["batch", "user", "confirmed_at", "released"]
    list_filter = ["released"]
    list_select_related = ["batch", "user"]
    search_fields = ["batch__number", "user__username"]
    show_full_result_count = False


@admin.register(Hold)
class HoldAdmin(ReadOnlyAdminMixin, _NoDeleteAdmin):
    fields = [
        "dossier",
        "document",
        "reason",
        "placed_by",
        "placed_at",
        "lifted_by",
        "lifted_at",
        "lift_reason",
    ]
    list_display = ["dossier", "document", "reason", "placed_by", "placed_at", "lifted_at"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["dossier", "document", "placed_by"]
    search_fields = ["dossier__archive_number", "document__reference", "document__title"]
    show_full_result_count = False

    def get_queryset(self, request):
        return hold_visible_to(request.user, super().get_queryset(request))

    def is_confidential_read(self, obj):
        dossier_confidential = obj.dossier.is_confidential
        return dossier_confidential or bool(obj.document_id and obj.document.is_confidential)


@admin.register(RetentionState)
class RetentionStateAdmin(
    LargeTableAdminMixin, ConfidentialReadsAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """Computed by ``retention.refresh`` (no history of its own: it is recomputed nightly)."""

    fields = [
        "document",
        "dossier",
        "permanent",
        "due_on",
        "technical",
        "basis",
        "review_on",
        "review_batch",
        "computed_at",
    ]
    list_display = ["document", "dossier", "permanent", "due_on", "technical", "review_on"]
    list_filter = ["permanent", "technical"]
    list_select_related = ["document", "dossier"]
    search_fields = ["document__reference", "document__title", "dossier__archive_number"]
    show_full_result_count = False
    ordering = ["due_on", "document"]
    actions = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        queryset = queryset.filter(dossier__in=dossier_visible_to(request.user).values("pk"))
        return _seen(request, queryset)

    def is_confidential_read(self, obj):
        return obj.document.is_confidential or obj.dossier.is_confidential
