"""The admin base classes every app's admin uses (docs/core.md, "Admin").

``ArchiveHistoryAdmin``: history without simple-history's back doors, personal fields masked
(R16), confidential reads logged (R21), autocompletes that survive a bad key.
``ReadOnlyAdminMixin``: records that change only through their services.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import (
    FieldDoesNotExist,
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import ForeignKey, OneToOneField, QuerySet
from django.http import Http404
from django.urls import path
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .admin_reads import ConfidentialReadsAdminMixin
from .admin_widgets import SafeAutocompleteAdminMixin
from .audience import is_confidential
from .masking import mask_changes, mask_field, personal_fields


# --- Large tables ----------------------------------------------------------------------
class EstimatedCountPaginator(Paginator):
    """The admin's paginator: an unfiltered list of a large table on PostgreSQL is counted from
    the planner's statistics (``pg_class.reltuples``, kept by autovacuum's ANALYZE) instead of
    a ``COUNT(*)`` that reads the whole table (1-3 s at a million rows, docs/PERFORMANCE.md).
    A filtered list, a small table and SQLite are counted exactly."""

    ESTIMATE_ABOVE = 10_000  # rows; below, the exact count is cheap and the figure is exact

    @cached_property
    def count(self):
        estimate = self._estimate()
        return estimate if estimate is not None else super().count

    def _estimate(self):
        qs = self.object_list
        if not isinstance(qs, QuerySet) or qs.query.where or qs.query.distinct:
            return None
        connection = connections[qs.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                [connection.ops.quote_name(qs.model._meta.db_table)],
            )
            row = cursor.fetchone()
        if row is None or row[0] is None or row[0] < self.ESTIMATE_ABOVE:
            return None  # never analysed (-1), or small enough to count
        return row[0]


class LargeTableAdminMixin:
    """A changelist that stays fast at a million rows: no second, unfiltered ``COUNT(*)``
    (``show_full_result_count``), the estimated count above, and the foreign keys that the
    columns show fetched with the rows (one query, not one per row and column). Dates are
    filtered by ``DateFieldListFilter``'s ranges, which an index serves, not by
    ``date_hierarchy``, whose links read the distinct dates of the whole table."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def get_list_select_related(self, request):
        declared = super().get_list_select_related(request)
        if declared is True:
            return True
        names = list(declared or ())
        for name in self.get_list_display(request):
            if not isinstance(name, str):
                continue
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:  # a method or an annotation
                continue
            if isinstance(field, ForeignKey | OneToOneField) and not any(
                n == name or n.startswith(name + "__") for n in names
            ):
                names.append(name)
        return names


# --- Masking (R16) ---------------------------------------------------------------------
class _MaskedHistoryHelper(HistoricalRecordContextHelper):
    """The "changes" column of the history page shows old and new values masked."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        # a change request's {field: [old, new]}, masked as the fields of the model it changes
        masked_as = getattr(self.model, "CHANGES_MASKED_AS", None)
        if change.field == "changes" and masked_as is not None and isinstance(value, dict):
            return mask_changes(masked_as, value)
        return mask_field(self.model, change.field, value)


class PersonalDataAdminMixin:
    """The admin never renders a personal field (R16): wherever a model's ``PERSONAL_FIELDS``
    would appear (list columns, change and view forms), a read-only, masked display of it
    (``masked_<field>``) appears instead. Revealing is a logged action of the app's pages."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        for name in personal_fields(model):
            attribute = f"masked_{name}"
            if not hasattr(self, attribute):
                setattr(self, attribute, _masked_display(model, name))

    def _mask_names(self, names):
        personal = personal_fields(self.model)
        return [f"masked_{n}" if isinstance(n, str) and n in personal else n for n in names]

    def get_fields(self, request, obj=None):
        return self._mask_names(super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        names = self._mask_names(super().get_readonly_fields(request, obj))
        shown = [f"masked_{n}" for n in personal_fields(self.model)]
        return [*names, *(n for n in shown if n not in names)]

    def get_list_display(self, request):
        return self._mask_names(super().get_list_display(request))


def _masked_display(model, name):
    def display(obj):
        return mask_field(model, name, getattr(obj, name))

    display.short_description = model._meta.get_field(name).verbose_name
    return display


class ArchiveHistoryAdmin(
    LargeTableAdminMixin,
    ConfidentialReadsAdminMixin,
    SafeAutocompleteAdminMixin,
    PersonalDataAdminMixin,
    SimpleHistoryAdmin,
):
    """History in the admin, without simple-history's two back doors: its history pages fall
    back to the history table for an object the user may not see (R17), and its "revert"
    form saves an old version directly, past the services and past R9. Here the history is
    shown only for visible objects, values masked, and never reverted. Opening a confidential
    object (a dossier of level B/A or what is in it) is logged (R21)."""

    def is_confidential_read(self, obj):
        return is_confidential(obj)

    def get_urls(self):
        # simple-history names its version page with a regex of unnamed groups; the same page
        # with named converters reverses the same way and is skipped by URL walkers (the
        # security matrix) like every other admin page of one object.
        name = f"{self.opts.app_label}_{self.opts.model_name}_simple_history"
        version = path(
            "<str:object_id>/history/<int:version_id>/",
            self.admin_site.admin_view(self.history_form_view),
            name=name,
        )
        return [version, *(u for u in super().get_urls() if getattr(u, "name", None) != name)]

    def get_historical_record_context_helper(self, request, historical_record):
        return _MaskedHistoryHelper(self.model, historical_record)

    def _require_visible(self, request, object_id):
        try:
            visible = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):  # not a primary key at all
            visible = False
        if not visible:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True


class ReadOnlyAdminMixin:
    """Viewable only: the records change through the app's pages and services. Subclasses
    declare ``fields`` (displayed read-only)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if not self.fields:  # get_fields would ask the form, which asks for these: recursion
            raise ImproperlyConfigured(f"{type(self).__name__} must declare its fields")
        return self.get_fields(request, obj)
