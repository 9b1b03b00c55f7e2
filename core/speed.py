"""Choice labels made cheap for list pages (docs/PERFORMANCE.md, "Second pass").

``Model.get_FOO_display()`` builds ``dict(make_hashable(field.flatchoices))`` on every call,
and hashing a lazily translated label translates it: 25 rows with three labels each cost
about 6 ms of ``gettext`` per page. The replacement keeps, per field, one dict from each
choice's value to its label (the lazy label itself, translated once, when shown), built the
first time the field is displayed. Fields with callable choices, and values that cannot be
hashed, take Django's own way.
"""

from functools import partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_django_get_FIELD_display = Model._get_FIELD_display
_LABELS = "_archive_choice_labels"


def _labels(field):
    labels = field.__dict__.get(_LABELS)
    if labels is None:
        labels = {make_hashable(value): label for value, label in field.flatchoices}
        if isinstance(field.choices, (list, tuple)):  # a callable's choices may change
            field.__dict__[_LABELS] = labels
    return labels


def _get_FIELD_display(self, field):
    value = getattr(self, field.attname)
    try:
        label = _labels(field).get(value, value)
    except TypeError:  # an unhashable value (a list in a JSON field …)
        return _django_get_FIELD_display(self, field)
    return force_str(label, strings_only=True)


def install():
    """Called once, from ``CoreConfig.ready``: every model's ``get_FOO_display`` that Django
    made (a ``partialmethod`` bound when the class was built) is made again on the cheap
    path; one the model defines itself stays."""
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            made = model.__dict__.get(name)
            if isinstance(made, partialmethod) and made.func is _django_get_FIELD_display:
                setattr(model, name, partialmethod(_get_FIELD_display, field=field))
