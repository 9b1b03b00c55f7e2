"""What a history row changed, for the reader: the field's verbose name, the old value and the
new one (choice labels, related objects by name, yes/no, dates), personal data masked (R16).

Built once on simple-history's ``diff_against`` for every history list: a record's page, the
dossier's history. ``with_changes(rows)`` takes a model's history rows newest first and sets
``row.changes`` on each to a list of ``Change``; the rows are compared with one another in
memory, and each kind of related object named in a change is read in one query.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .masking import mask_field, personal_fields

TEXT_LIMIT = 80  # a long note is cut: the record's page shows it whole


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a field dropped since the row was written
        return None


def _shown(model, field, value, related):
    if value in (None, ""):
        return ""
    if field.name in personal_fields(model):  # R16: masked, nothing else to say
        return str(mask_field(model, field.name, value))
    if field.is_relation and field.many_to_one:
        return str(related.get((field.related_model, value), value))
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    text = str(value)
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def _raw_changes(model, row, previous, exclude):
    changes = []
    for change in row.diff_against(previous, excluded_fields=exclude).changes:
        field = _field(model, change.field)
        if field is not None:
            changes.append((field, change.old, change.new))
    return changes


def _names(pending):
    """``{(model, pk): str(object)}`` for every related object named: one query a model."""
    wanted = {}
    for field, old, new in pending:
        if field.is_relation and field.many_to_one:
            wanted.setdefault(field.related_model, set()).update(v for v in (old, new) if v)
    names = {}
    for related_model, pks in wanted.items():
        for obj in related_model._default_manager.filter(pk__in=pks):
            names[(related_model, obj.pk)] = obj
    return names


def changes_between(model, pairs, *, exclude=()):
    """For each (row, previous) pair of ``model``'s history rows, the list of ``Change``s from
    ``previous`` to ``row`` (empty when ``previous`` is None). The related objects named are
    read in one query per related model, however many pairs."""
    raw = [
        _raw_changes(model, row, previous, exclude) if previous is not None else []
        for row, previous in pairs
    ]
    names = _names([change for changes in raw for change in changes])
    return [
        [
            Change(
                str(field.verbose_name),
                _shown(model, field, old, names),
                _shown(model, field, new, names),
            )
            for field, old, new in changes
        ]
        for changes in raw
    ]


def with_changes(rows, *, model=None, exclude=()):
    """``rows``, one object's history rows newest first (a list, or a sliced queryset: fetch
    one row more than is shown to diff the last one shown), each with ``.changes``. The oldest
    row has no earlier one to compare with: its ``changes`` are empty, as are a creation's."""
    rows = list(rows)
    if not rows:
        return rows
    model = model or rows[0].instance_type
    pairs = [
        (row, older if row.history_type == "~" else None)
        for row, older in zip(rows, [*rows[1:], None], strict=True)
    ]
    for row, changes in zip(rows, changes_between(model, pairs, exclude=exclude), strict=True):
        row.changes = changes
    return rows
