"""Model fields for identifiers and phone numbers that hold one canonical form (R4).

The normaliser of ``core.validators`` is applied on every way into the database, so the
unique constraints and the search hold whatever the user typed:

- ``to_python`` (model validation, ``full_clean``): validators see the canonical value;
- the form field's ``to_python``: the form's ``cleaned_data`` is canonical, and the input
  takes the number as typed (``maxlength`` counts spaces, dashes, +86 …);
- ``pre_save``: a model saved past the forms (services, the shell, Celery, fixtures) is
  stored canonical, and the instance holds what was stored;
- ``get_prep_value``: ``.update()``, ``bulk_create`` and exact lookups (``filter(mobile=…)``,
  ``__in``) are normalised too, so a query typed any way finds the row.

The format validator of each field says what is wrong with a value (its length among
others), so Django's generic "at most N characters" message is left out for these fields.
"""

from django import forms
from django.core import validators as django_validators
from django.db import models

from . import validators


class CanonicalFormField(forms.CharField):
    """A form ``CharField`` whose cleaned value is canonical. No length limit of its own:
    the model field's validator judges the canonical value, with a precise message."""

    def __init__(self, *, normalize, typed_max_length, max_length=None, **kwargs):
        self.normalize = normalize
        self.typed_max_length = typed_max_length
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalize(value) if value else value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs["maxlength"] = str(self.typed_max_length)
        return attrs


class CanonicalCharField(models.CharField):
    """A ``CharField`` normalised by ``normalize`` (a staticmethod of the subclass)."""

    normalize = staticmethod(str)
    default_max_length = 30
    typed_max_length = 40  # what the input accepts as typed

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", self.default_max_length)
        super().__init__(*args, **kwargs)
        if self.default_validators:  # the format validator tells the length, precisely
            self.validators[:] = [
                v
                for v in self.validators
                if not isinstance(v, django_validators.MaxLengthValidator)
            ]

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == self.default_max_length:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def _canonical(self, value):
        return self.normalize(value) if isinstance(value, str) and value else value

    def to_python(self, value):
        return self._canonical(super().to_python(value))

    def get_prep_value(self, value):
        return self._canonical(super().get_prep_value(value))

    def pre_save(self, model_instance, add):
        value = self._canonical(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(
            **{
                "form_class": CanonicalFormField,
                "normalize": self.normalize,
                "typed_max_length": self.typed_max_length,
                **kwargs,
            }
        )


class ResidentIdField(CanonicalCharField):
    """居民身份证号: 18 characters, upper-case X (GB 11643-1999)."""

    normalize = staticmethod(validators.normalize_resident_id)
    default_validators = [validators.validate_resident_id]
    default_max_length = 18


class CreditCodeField(CanonicalCharField):
    """统一社会信用代码: 18 upper-case characters (GB 32100-2015)."""

    normalize = staticmethod(validators.normalize_credit_code)
    default_validators = [validators.validate_credit_code]
    default_max_length = 18


class MobileField(CanonicalCharField):
    """A mainland mobile number, stored as its 11 digits."""

    normalize = staticmethod(validators.normalize_mobile)
    default_validators = [validators.validate_mobile]
    default_max_length = 20


class LandlineField(CanonicalCharField):
    """A landline number with its area code, stored as ``021-12345678[-808]``."""

    normalize = staticmethod(validators.normalize_landline)
    default_validators = [validators.validate_landline]
    default_max_length = 30


class PhoneField(CanonicalCharField):
    """Any telephone number: a mobile or a landline is stored in its canonical form, anything
    else (a 400 service number, a number abroad) as typed. Not validated: add
    ``validators=[validate_phone]`` where only mainland numbers may be entered."""

    normalize = staticmethod(validators.normalize_phone)
    default_max_length = 30


def normalize_stored(model, field_names, *, unique=()) -> list[str]:
    """Bring the stored values of ``field_names`` (canonical fields) of ``model`` to their
    canonical form: the data migration for rows written before the fields normalised.

    A value of a ``unique`` field whose canonical form another row holds already (the same
    customer entered twice, once in full-width digits) is left as it is: the constraint would
    refuse it. Such rows, and values whose canonical form would not fit the column, are
    returned as messages that name the rows and fields, never the values (R16). A row that
    holds the canonical value already keeps it; else the older row (by primary key) gets it."""
    fields = {name: model._meta.get_field(name) for name in field_names}
    manager = model._base_manager
    label = model._meta.label
    holders = {name: {} for name in unique}  # canonical value -> pk holding it
    for name in unique:
        for pk, value in manager.exclude(**{name: ""}).values_list("pk", name).iterator():
            if value == fields[name].normalize(value):
                holders[name].setdefault(value, pk)
    problems, changed = [], []
    rows = manager.order_by("pk").values_list("pk", *field_names)
    for pk, *values in rows.iterator(chunk_size=2000):
        changes = {}
        for (name, field), value in zip(fields.items(), values, strict=True):
            new = field.normalize(value) if value else value
            if new == value:
                continue
            if len(new) > field.max_length:
                problems.append(f"{label} {pk}: {name} left as stored (too long once normalised)")
                continue
            if name in holders:
                holder = holders[name].setdefault(new, pk)
                if holder != pk:
                    problems.append(
                        f"{label} {pk}: {name} left as stored: once normalised it is the "
                        f"same as that of {label} {holder}; merge the two by hand"
                    )
                    continue
            changes[name] = new
        if changes:
            changed.append((pk, changes))
    for pk, changes in changed:  # written once the reading is done
        manager.filter(pk=pk).update(**changes)
    return problems
