"""Admin autocomplete widgets that survive a value which cannot be a key.

Django's ``AutocompleteSelect`` looks the selected value up to render its label, without
checking that it can be a key at all: ``/admin/customers/dossier/add/?unit=abc``, or a form
posted with ``unit=abc``, raised "Field 'id' expected a number" and answered 500. Here such a
value is simply not shown as selected; the form field, which checks the value too, puts
"Select a valid choice" beside the field.

``SafeAutocompleteAdminMixin`` goes first in the bases of a ``ModelAdmin`` (the archive's
admins get it from ``core.admin_base.ArchiveHistoryAdmin``).
"""

from django.contrib.admin import widgets
from django.core.exceptions import ValidationError


class _KeysThatCanBeMixin:
    def _possible_keys(self, value):
        remote = self.field.remote_field
        opts = remote.model._meta
        key = opts.get_field(getattr(remote, "field_name", None) or opts.pk.attname)
        possible = []
        for item in value:
            try:
                key.run_validators(key.to_python(item))  # type and range (bigint)
            except (ValidationError, TypeError, ValueError):
                continue
            possible.append(item)
        return possible

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, self._possible_keys(value), attr)


class SafeAutocompleteSelect(_KeysThatCanBeMixin, widgets.AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_KeysThatCanBeMixin, widgets.AutocompleteSelectMultiple):
    pass


class SafeAutocompleteAdminMixin:
    """``autocomplete_fields`` rendered with the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
