"""What every records service shares: the section, the generated numbers, and the move.

``check_move``, ``set_status``, ``lock``, ``stamp``, ``save_with_history`` and
``not_in_future`` are the ones of ``core.workflow`` (there is one implementation); services
ported to ``core.workflow`` call it directly."""

import re

from django.db import IntegrityError

from core import workflow
from core.workflow import DomainError
from customers.models import Occupancy
from customers.timeline import record_event

from .timeline import Kind

__all__ = [
    "DomainError",
    "Kind",
    "record_event",
    "current_section",
    "check_move",
    "move",
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
    """Refuse a move the record's TRANSITIONS table does not allow (``core.workflow``)."""
    workflow.refuse_move(record, target)


def move(record, target, *, actor, reason, close=False, **fields):
    """``core.workflow.transition`` on a row the caller has locked (``workflow.lock``):
    compare-and-set the status, save it and ``fields`` with one history row naming ``actor``.
    ``close``: the record is locked once moved (R9; its ``locked`` field, which is not
    ``transition``'s ``locked``), in the same history row."""
    if close:
        record.locked = True
    workflow.transition(record, target, actor=actor, reason=reason, locked=True, **fields)
    if close:
        type(record)._default_manager.filter(pk=record.pk).update(locked=True)
    return record


def set_status(record, target, **fields):
    """``move`` for a row the caller has locked and stamped (who and why are taken from the
    stamp); ``locked=True`` among ``fields`` closes the record."""
    return move(
        record,
        target,
        actor=getattr(record, "_history_user", None),
        reason=getattr(record, "_change_reason", ""),
        close=bool(fields.pop("locked", False)),
        **fields,
    )


def lock(model, pk):
    """The record's row locked for the move (not its dossier's), with its dossier joined."""
    return workflow.lock(model, pk, related=("dossier",))


stamp = workflow.stamp
save_with_history = workflow.save_with_history
not_in_future = workflow.not_in_future


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
