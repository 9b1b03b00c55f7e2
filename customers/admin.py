"""Admin of the customers app: read-mostly (STYLE), with the browser import of units.

- Property structure (service centres, estates, buildings, units) is master data kept here;
  units are also imported from CSV/XLSX through django-import-export's preview/confirm flow,
  only with a good backup of the last ``BACKUP_FRESH_MINUTES`` (R44, ``core.safeguards``).
- Personal data is never shown raw in the admin (R16): lists, forms and history show it masked;
  revealing is a logged action of the app's dossier page.
- Every list is filtered by the permission gate (R17): a confidential dossier and everything in
  it is invisible here too to whoever is not granted on it.
- Writes go through the services: a dossier is opened by ``dossier_open`` and its secrecy
  changed by ``dossier_set_secrecy``; an unconfirmed customer is edited by ``customer_update``;
  a locked (confirmed) customer is read-only (R9); sections and change requests are read-only;
  nothing with a history in the archive is deleted.
"""

import contextlib

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    PermissionDenied,
    ValidationError,
)
from django.core.files.base import ContentFile
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.admin import GuardedModelAdmin
from import_export.admin import ImportMixin
from import_export.formats import base_formats

from core import safeguards
from core.admin_base import ArchiveHistoryAdmin, LargeTableAdminMixin, ReadOnlyAdminMixin
from core.masking import mask_changes, mask_field

from . import permissions, services
from .imports import UnitResource, _is_utf8
from .models import (
    ArchiveNumber,
    Building,
    ChangeRequest,
    Contact,
    Customer,
    Dossier,
    DossierEvent,
    Estate,
    HouseholdMember,
    MoveInReferral,
    Occupancy,
    ServiceCentre,
    Unit,
)


def _visible_customers(request, queryset):
    # customer_visible_to() goes through the customer's sections, so a customer without a
    # section would be hidden even from a superuser, who sees everything.
    if request.user.is_superuser:
        return queryset
    return permissions.customer_visible_to(request.user, queryset)


# --- Property structure ------------------------------------------------------------------
@admin.register(ServiceCentre)
class ServiceCentreAdmin(ArchiveHistoryAdmin):
    list_display = ["code", "name", "phone"]
    search_fields = ["code", "name"]


@admin.register(Estate)
class EstateAdmin(ArchiveHistoryAdmin):
    list_display = ["code", "name", "service_centre", "address"]
    list_filter = ["service_centre"]
    search_fields = ["code", "name"]
    list_select_related = ["service_centre"]
    autocomplete_fields = ["service_centre"]


@admin.register(Building)
class BuildingAdmin(ArchiveHistoryAdmin):
    list_display = ["estate", "number", "name"]
    list_filter = ["estate"]
    search_fields = ["number", "name", "estate__code", "estate__name"]
    list_select_related = ["estate"]
    autocomplete_fields = ["estate"]


@admin.register(Unit)
class UnitAdmin(ImportMixin, ArchiveHistoryAdmin):
    list_display = ["building", "entrance", "floor", "room", "usage", "area"]
    list_filter = ["usage", "building__estate"]
    search_fields = ["room", "building__number", "building__estate__code", "building__estate__name"]
    list_select_related = ["building__estate"]
    autocomplete_fields = ["building"]
    # Import only (no export); the preview of import-export is the confirmation step.
    resource_classes = [UnitResource]
    import_formats = [base_formats.CSV, base_formats.XLSX]

    def has_import_permission(self, request):
        # An import adds and updates units and may add buildings.
        return permissions.can_import_units(request.user)

    def _backed_up(self, request) -> bool:
        """R44: a bulk import needs a good backup of the last BACKUP_FRESH_MINUTES. Without
        one the import is refused with a message and a backup is queued (it is never made
        inside the request)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        try:
            safeguards.backup_before(safeguards.IMPORT, actor=request.user, wait=False)
        except safeguards.BackupRefused as refused:
            messages.error(request, _("Nothing was imported. %(why)s") % {"why": refused})
            return False
        return True

    def import_action(self, request, **kwargs):
        # the upload (the dry run and its preview) is refused without a fresh backup
        if request.method == "POST" and not self._backed_up(request):
            return HttpResponseRedirect(reverse("admin:customers_unit_import"))
        return super().import_action(request, **kwargs)

    def process_import(self, request, **kwargs):
        # and so is the confirmation, should the backup have aged since the preview
        if request.method == "POST" and not self._backed_up(request):
            return HttpResponseRedirect(reverse("admin:customers_unit_import"))
        return super().process_import(request, **kwargs)

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing: a row that fails at the confirm step rolls the whole file back.
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.setdefault("rollback_on_validation_errors", True)
        return kwargs

    def write_to_tmp_storage(self, import_file, input_format):
        """Excel in Chinese Windows saves CSV as GBK: store it as UTF-8 for both steps."""
        if not input_format.is_binary():
            data = b"".join(import_file.chunks())
            with contextlib.suppress(UnicodeDecodeError):  # else: "cannot read the file"
                if not _is_utf8(data):
                    data = data.decode("gb18030").encode("utf-8")
            import_file = ContentFile(data, name=import_file.name)
        return super().write_to_tmp_storage(import_file, input_format)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between preview and confirmation: nothing was imported.
            messages.error(
                request, _("Nothing was imported: the file no longer passes the checks.")
            )
            return HttpResponseRedirect(reverse("admin:customers_unit_import"))
        return super().process_result(result, request)


# --- Customers (R3, R9, R16) -----------------------------------------------------------
class ModelErrorsOnTopForm(forms.ModelForm):
    """Customer.clean() may name a field this admin shows masked (not in the form): show
    such an error at the top of the form instead of failing."""

    def add_error(self, field, error):
        if field is None and hasattr(error, "error_dict"):
            regrouped = {}
            for name, errors in error.error_dict.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                regrouped.setdefault(key, []).extend(errors)
            error = ValidationError(regrouped)
        super().add_error(field, error)


@admin.register(Customer)
class CustomerAdmin(ArchiveHistoryAdmin):
    """Customers are registered at move-in (not here). A customer not yet confirmed may be
    corrected here, through ``customer_update``; a confirmed one is read-only (R9) and
    changes through a change request."""

    form = ModelErrorsOnTopForm
    list_display = [
        "name",
        "kind",
        "masked_id_number",
        "masked_credit_code",
        "masked_mobile",
        "masked_landline",
        "locked",
    ]
    list_filter = ["kind", "locked"]
    # Exact matches only on identifiers: no partial-number probing.
    search_fields = ["name", "name_initials", "=id_number", "=credit_code", "=mobile"]
    fields = [
        "kind",
        "name",
        "sex",
        "birth_date",
        "masked_id_number",
        "masked_credit_code",
        "tax_number",
        "legal_representative",
        "licence_valid_until",
        "annual_review_date",
        "masked_mobile",
        "masked_landline",
        "masked_address",
        "email",
        "notes",
        "locked",
        "created_at",
        "created_by",
    ]
    readonly_fields = [
        "kind",
        "masked_id_number",
        "masked_credit_code",
        "masked_mobile",
        "masked_landline",
        "masked_address",
        "locked",  # set by the verification of a move-in (R4, R9), never by hand
        "created_at",
        "created_by",
    ]

    def get_queryset(self, request):
        return _visible_customers(request, super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.locked:  # R9: a confirmed record is not edited in place
            return list(self.fields)
        return super().get_readonly_fields(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        original = Customer.objects.get(pk=obj.pk)
        if original.locked:
            raise PermissionDenied
        data = {f: form.cleaned_data[f] for f in form.changed_data if f in Customer.EDITABLE_FIELDS}
        if data:
            services.customer_update(
                customer=original,
                data=data,
                actor=request.user,
                dossier=None,
                reason=_("Changed in the administration"),
            )


class CustomerPartAdmin(ReadOnlyAdminMixin, ArchiveHistoryAdmin):
    """Members and contacts change by adding rows through the app (R10): view only here."""

    list_select_related = ["customer"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(customer__in=permissions.customer_visible_to(request.user))


@admin.register(HouseholdMember)
class HouseholdMemberAdmin(CustomerPartAdmin):
    list_display = [
        "name",
        "customer",
        "relation",
        "masked_id_number",
        "masked_mobile",
        "joined_on",
        "left_on",
    ]
    search_fields = ["name", "customer__name", "=id_number", "=mobile"]
    fields = [
        "customer",
        "name",
        "relation",
        "sex",
        "birth_date",
        "masked_id_number",
        "masked_mobile",
        "joined_on",
        "left_on",
    ]
    readonly_fields = fields


@admin.register(Contact)
class ContactAdmin(CustomerPartAdmin):
    list_display = [
        "name",
        "customer",
        "kind",
        "relation",
        "masked_mobile",
        "masked_landline",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["kind"]
    search_fields = ["name", "customer__name", "=mobile"]
    fields = [
        "customer",
        "kind",
        "name",
        "relation",
        "masked_mobile",
        "masked_landline",
        "valid_from",
        "valid_until",
        "replaced_by",
        "recorded_by",
    ]
    readonly_fields = fields


# --- Dossiers (R1, R2, R12, R17) ---------------------------------------------------------
@admin.register(Dossier)
class DossierAdmin(GuardedModelAdmin, ArchiveHistoryAdmin):
    """Object permissions (guardian) and history. Opening goes through ``dossier_open`` (R1,
    R2: the number is issued by the service and never edited); secrecy and retention change
    through ``dossier_set_secrecy``; the rest is derived or fixed."""

    list_display = ["archive_number", "unit", "status", "secrecy_level", "retention"]
    list_filter = ["unit__building__estate", "status", "secrecy_level"]
    search_fields = ["archive_number"]
    list_select_related = ["unit__building__estate"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["archive_number", "status", "opened_by"]

    def get_queryset(self, request):
        return permissions.dossier_visible_to(request.user, super().get_queryset(request))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["unit", "opened_on"]
        return [
            "archive_number",
            "unit",
            "status",
            "secrecy_level",
            "retention",
            "opened_on",
            "opened_by",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.readonly_fields, "unit", "opened_on"]

    def get_changeform_initial_data(self, request):
        return {"opened_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def has_delete_permission(self, request, obj=None):
        return False

    # Granting access to a dossier decides who reads confidential files (R17): in the admin,
    # only superusers may do it, so nobody grants themselves the right to reveal (R16).
    def _require_superuser(self, request, object_pk):
        self._require_visible(request, object_pk)  # not visible or no key at all: 404
        if not request.user.is_superuser:
            raise PermissionDenied

    def obj_perms_manage_view(self, request, object_pk):
        self._require_superuser(request, object_pk)
        return super().obj_perms_manage_view(request, object_pk)

    def obj_perms_manage_user_view(self, request, object_pk, user_id):
        self._require_superuser(request, object_pk)
        return super().obj_perms_manage_user_view(request, object_pk, user_id)

    def obj_perms_manage_group_view(self, request, object_pk, group_id):
        self._require_superuser(request, object_pk)
        return super().obj_perms_manage_group_view(request, object_pk, group_id)

    def save_model(self, request, obj, form, change):
        if change:
            if {"secrecy_level", "retention"} & set(form.changed_data):
                services.dossier_set_secrecy(
                    dossier=obj,
                    secrecy_level=obj.secrecy_level,
                    retention=obj.retention,
                    reason=_("Changed in the administration"),
                    actor=request.user,
                )
            return
        dossier = services.dossier_open(unit=obj.unit, actor=request.user, opened_on=obj.opened_on)
        for field in Dossier._meta.concrete_fields:  # the admin goes on with ``obj``
            setattr(obj, field.attname, getattr(dossier, field.attname))
        obj._state.adding, obj._state.db = False, dossier._state.db


@admin.register(ArchiveNumber)
class ArchiveNumberAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "issued_at", "dossier"]
    search_fields = ["number"]
    list_select_related = ["dossier"]
    fields = ["number", "issued_at", "dossier"]
    readonly_fields = fields

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        visible = permissions.dossier_visible_to(request.user)
        return qs.filter(Q(dossier__in=visible) | Q(dossier__isnull=True))


@admin.register(Occupancy)
class OccupancyAdmin(ReadOnlyAdminMixin, ArchiveHistoryAdmin):
    """The sections of dossiers (R8): recorded, verified and closed in the app."""

    list_display = [
        "dossier",
        "section_number",
        "customer",
        "role",
        "status",
        "moved_in",
        "moved_out",
    ]
    list_filter = ["status", "role"]
    search_fields = ["dossier__archive_number", "customer__name"]
    list_select_related = ["dossier", "customer"]
    fields = [
        "dossier",
        "section_number",
        "customer",
        "role",
        "status",
        "moved_in",
        "moved_out",
        "recorded_by",
        "recorded_at",
        "verified_by",
        "verified_at",
        "closed_by",
        "note",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        visible = permissions.dossier_visible_to(request.user)
        return super().get_queryset(request).filter(dossier__in=visible)


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdminMixin, ArchiveHistoryAdmin):
    """Change requests (R9) are decided on the app's pages; their values are masked here."""

    list_display = ["requested_at", "dossier", "customer", "status", "requested_by", "decided_by"]
    list_filter = ["status"]
    search_fields = ["dossier__archive_number", "customer__name"]
    list_select_related = ["dossier", "customer", "requested_by", "decided_by"]
    fields = [
        "dossier",
        "customer",
        "masked_changes",
        "reason",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return permissions.change_request_visible_to(request.user, super().get_queryset(request))

    @admin.display(description=gettext_lazy("changes"))
    def masked_changes(self, obj):
        labels = {f.name: f.verbose_name for f in Customer._meta.concrete_fields}
        rows = [
            (labels.get(name, name), old, new)
            for name, (old, new) in mask_changes(Customer, obj.changes).items()
        ]
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {} → {}</li>", rows))


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyAdminMixin, ArchiveHistoryAdmin):
    """The timeline lines, as written by the services (R6, R10)."""

    fields = ["dossier", "section", "kind", "occurred_on", "title", "detail", "actor"]
    list_display = ["occurred_on", "dossier", "kind", "title", "actor"]
    list_filter = ["kind", "occurred_on"]
    list_select_related = ["dossier", "actor"]
    search_fields = ["dossier__archive_number", "title"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(dossier__in=permissions.dossier_visible_to(request.user))
        )


@admin.register(MoveInReferral)
class MoveInReferralAdmin(ReadOnlyAdminMixin, ArchiveHistoryAdmin):
    """Referred move-ins (R17) are decided on the app's page; typed values are masked here."""

    list_display = ["requested_at", "unit", "role", "status", "requested_by", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["unit__building__estate", "requested_by", "decided_by"]
    fields = [
        "unit",
        "role",
        "moved_in",
        "note",
        "customer",
        "masked_typed",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "decision_note",
        "occupancy",
    ]

    def get_queryset(self, request):
        return permissions.referral_visible_to(request.user, super().get_queryset(request))

    @admin.display(description=gettext_lazy("data typed at the front desk"))
    def masked_typed(self, obj):
        rows = [(name, mask_field(Customer, name, value)) for name, value in obj.typed.items()]
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", rows))
