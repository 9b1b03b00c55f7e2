"""Lending in the admin. The rules and the holiday table are kept here by administrators; loans
and what hangs on them (items, renewals, notices, incidents, copies) are read-only: every move
goes through ``lending``'s services. Only the loans of dossiers the admin user may see are
listed (R17), an outside party's credential is shown masked (R16), and opening a confidential
dossier's loan is logged (R21)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_base import ArchiveHistoryAdmin, ReadOnlyAdminMixin
from customers.permissions import dossier_visible_to
from documents.permissions import document_visible_to

from .models import CopyRecord, Holiday, Incident, LendingRule, Loan, LoanItem, Notice, Renewal


def _visible_loans(request, queryset):
    """The loans of the dossiers the admin user may see, whoever borrowed them."""
    return queryset.filter(dossier__in=dossier_visible_to(request.user).values("pk"))


# --- What administrators keep ----------------------------------------------------------------
@admin.register(LendingRule)
class LendingRuleAdmin(ArchiveHistoryAdmin):
    list_display = [
        "name",
        "applies_to",
        "category",
        "carrier",
        "secrecy_level",
        "read_archive",
        "read_office",
        "take_out",
        "copy",
        "loan_days",
        "renewals",
        "max_items",
        "personal_data",
        "active",
        "order",
    ]
    list_display_links = ["name"]
    list_filter = [
        "active",
        "applies_to",
        "personal_data",
        "take_out",
        "copy",
        "carrier",
        "secrecy_level",
        "category",
    ]
    list_select_related = ["category"]
    search_fields = ["name", "note"]
    fieldsets = [
        (None, {"fields": ["name", "active", "order", "note"]}),
        (_("Which items"), {"fields": ["applies_to", "category", "carrier", "secrecy_level"]}),
        (
            _("How they may be used"),
            {"fields": ["read_archive", "read_office", "take_out", "copy"]},
        ),
        (
            _("How long and how many"),
            {
                "fields": [
                    "loan_days",
                    "renewals",
                    "renewal_days",
                    "renewal_needs_approval",
                    "max_items",
                ]
            },
        ),
        (_("Personal data"), {"fields": ["personal_data", "owner_consent"]}),
    ]


class HolidayYearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Holiday.objects.dates("day", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(day__year=int(value))
        return queryset


@admin.register(Holiday)
class HolidayAdmin(ArchiveHistoryAdmin):
    list_display = ["day", "weekday", "name", "is_working_day"]
    list_filter = [HolidayYearFilter, "is_working_day"]
    search_fields = ["name"]
    date_hierarchy = "day"
    ordering = ["day"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return ["一", "二", "三", "四", "五", "六", "日"][obj.day.weekday()]


# --- Read-only: the loans and what hangs on them ------------------------------------------
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


class LoanItemInline(_ReadOnlyInline):
    model = LoanItem
    fields = ["document", "status_before", "out", "condition", "pages_back", "check_note"]

    def get_queryset(self, request):
        # a document of a higher level than its dossier stays out of sight (R17)
        return (
            super()
            .get_queryset(request)
            .filter(document__in=document_visible_to(request.user).values("pk"))
            .select_related("document")
        )


class RenewalInline(_ReadOnlyInline):
    model = Renewal
    fields = [
        "status",
        "days",
        "reason",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "new_due_on",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by", "decided_by")


class NoticeInline(_ReadOnlyInline):
    model = Notice
    fields = ["period", "level", "day", "borrower", "sent_at", "recipients"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("borrower")


class IncidentInline(_ReadOnlyInline):
    model = Incident
    fields = ["item", "kind", "grade", "status", "responsible", "reported_at", "handled_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("item__loan", "item__document", "responsible")
        )


class CopyRecordInline(_ReadOnlyInline):
    model = CopyRecord
    fields = ["document", "kind", "count", "holder", "holder_name", "status", "made_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(document__in=document_visible_to(request.user).values("pk"))
            .select_related("document", "holder")
        )


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdminMixin, ArchiveHistoryAdmin):
    fields = [
        "number",
        "dossier",
        "whole_dossier",
        "status",
        "mode",
        "purpose",
        "days",
        "borrower_kind",
        "borrower",
        "party",
        "party_organisation",
        "party_person",
        "party_credential",
        "party_notice",
        "needs_approval",
        "needs_legal",
        "needs_owner_consent",
        "personal_data",
        "requested_by",
        "requested_at",
        "owner_consent_by",
        "owner_consent_at",
        "owner_consent_note",
        "legal_approved_by",
        "legal_approved_at",
        "approved_by",
        "approved_at",
        "decision_note",
        "handed_out_by",
        "handed_out_at",
        "period_start",
        "due_on",
        "escalate_on",
        "renewals_allowed",
        "renewal_count",
        "escalated",
        "return_checked_by",
        "return_checked_at",
        "returned_at",
        "return_confirmed_at_desk",
    ]
    list_display = [
        "number",
        "dossier",
        "status",
        "mode",
        "borrower_shown",
        "requested_at",
        "due_on",
        "renewal_count",
        "escalated",
    ]
    list_filter = ["status", "mode", "borrower_kind", "escalated", "personal_data", "requested_at"]
    list_select_related = ["dossier", "borrower"]
    search_fields = ["number", "dossier__archive_number", "purpose"]
    inlines = [LoanItemInline, RenewalInline, NoticeInline, IncidentInline, CopyRecordInline]

    def get_queryset(self, request):
        return _visible_loans(request, super().get_queryset(request))

    @admin.display(description=_("borrower"))
    def borrower_shown(self, obj):
        if obj.borrower_kind == "outside":  # R16: the credential never, even in the list
            return f"{obj.get_party_display()} {obj.party_organisation} {obj.party_person}".strip()
        return str(obj.borrower) if obj.borrower_id else ""


class _OfALoanAdmin(ReadOnlyAdminMixin, ArchiveHistoryAdmin):
    """A row hanging on a loan: listed when its loan's dossier is visible (R17), its read
    logged when that dossier is confidential (R21)."""

    list_select_related = ["loan__dossier"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(loan__in=_visible_loans(request, Loan.objects.all()).values("pk"))

    def is_confidential_read(self, obj):
        return obj.loan.dossier.is_confidential


@admin.register(Notice)
class NoticeAdmin(_OfALoanAdmin):
    fields = ["loan", "period", "level", "day", "borrower", "sent_at", "recipients"]
    list_display = ["day", "loan", "level", "period", "borrower", "sent_at"]
    list_filter = ["level", "day"]
    list_select_related = ["loan__dossier", "borrower"]
    search_fields = ["loan__number"]


@admin.register(Incident)
class IncidentAdmin(_OfALoanAdmin):
    fields = [
        "loan",
        "item",
        "kind",
        "grade",
        "status",
        "description",
        "responsible",
        "reported_by",
        "reported_at",
        "handled_by",
        "handled_at",
        "outcome",
    ]
    list_display = ["reported_at", "loan", "kind", "grade", "status", "responsible"]
    list_filter = ["status", "kind", "grade"]
    list_select_related = ["loan__dossier", "responsible"]
    search_fields = ["loan__number"]

    def get_queryset(self, request):
        # the item names its document: one of a higher level than its dossier stays unseen
        seen = document_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(item__document__in=seen)


@admin.register(CopyRecord)
class CopyRecordAdmin(_OfALoanAdmin):
    fields = [
        "loan",
        "document",
        "kind",
        "count",
        "holder",
        "holder_name",
        "purpose",
        "personal_data",
        "status",
        "made_by",
        "made_at",
        "closed_by",
        "closed_at",
        "close_note",
    ]
    list_display = ["made_at", "loan", "document", "kind", "count", "holder_shown", "status"]
    list_filter = ["status", "kind", "personal_data"]
    list_select_related = ["loan__dossier", "document", "holder"]
    search_fields = ["loan__number"]

    def get_queryset(self, request):
        seen = document_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(document__in=seen)

    @admin.display(description=_("holder"))
    def holder_shown(self, obj):
        return str(obj.holder) if obj.holder_id else obj.holder_name
