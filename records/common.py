"""What every records service shares: the refusal, the state-machine step, the section."""

import re

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Occupancy
from customers.services import DomainError
from customers.timeline import record_event

from .timeline import Kind

__all__ = [
    "DomainError",
    "Kind",
    "record_event",
    "current_section",
    "check_move",
    "set_status",
    "lock",
    "stamp",
    "save_with_history",
    "not_in_future",
]


def current_section(dossier):
    """The open section records are filed under (R8): the newest current occupancy, if any."""
    return Occupancy.objects.current().filter(dossier=dossier).order_by("-section_number").first()


def check_move(record, target):
    """Refuse a move the record's TRANSITIONS table does not allow."""
    if target not in record.TRANSITIONS[record.status]:
        raise DomainError(
            _("A record that is “%(status)s” cannot become “%(target)s”.")
            % {
                "status": record.get_status_display(),
                "target": type(record).Status(target).label,
            }
        )


def set_status(record, target, **fields):
    """Compare-and-set the status (SQLite ignores select_for_update), then save the other
    fields with the history row. Call inside transaction.atomic with the row locked."""
    check_move(record, target)
    model = type(record)
    if model.objects.filter(pk=record.pk, status=record.status).update(status=target) != 1:
        raise DomainError(_("Someone else has just changed this record."))
    record.status = target
    for name, value in fields.items():
        setattr(record, name, value)
    record.save(update_fields=["status", *fields])
    return record


def lock(model, pk):
    """The record's row locked for the move (not its dossier's), with its dossier joined."""
    return (
        model.objects.select_for_update(no_key=True, of=("self",))
        .select_related("dossier")
        .get(pk=pk)
    )


def stamp(record, actor, reason):
    """The history row of the next save names who and why."""
    record._history_user = actor
    record._change_reason = str(reason)[:100]


def save_with_history(record, *, actor, reason, **kwargs):
    """Save with the history row naming who and why."""
    stamp(record, actor, reason)
    record.save(**kwargs)
    return record


def not_in_future(day, label):
    if day > timezone.localdate():
        raise DomainError(_("%(what)s cannot be in the future.") % {"what": label})


def next_number(model, field, prefix, width):
    """The next free number after the highest ``<prefix><digits>`` in ``model.field``:
    ZX-2026-0001, WX20260520-002 … Two people drawing at once get the same one; the unique
    index refuses the second, and the service draws again."""
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    used = model._default_manager.filter(**{f"{field}__startswith": prefix}).values_list(
        field, flat=True
    )
    highest = max((int(m.group(1)) for n in used if (m := pattern.match(n))), default=0)
    return f"{prefix}{highest + 1:0{width}d}"


# a generated number drawn at the same moment by someone else is drawn again this many times
DRAWS = 3


def drawing_again(move, *, generated, clash_message):
    """Run ``move()`` (one transaction that writes a unique number). When the unique index
    refuses the number because someone took it at the same moment, a ``generated`` number is
    drawn again (``next_number``), up to ``DRAWS`` times; a typed one is refused at once."""
    attempts = DRAWS if generated else 1
    for attempt in range(attempts):
        try:
            return move()
        except IntegrityError as exc:
            if attempt == attempts - 1:
                raise DomainError(clash_message) from exc
    raise AssertionError("unreachable")  # pragma: no cover
