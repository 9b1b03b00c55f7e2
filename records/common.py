"""What every records service shares: the section, the generated numbers, and the move of a
record whose row the service has locked (``core.workflow`` is the one implementation)."""

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
    "move",
    "next_number",
    "drawing_again",
]


def current_section(dossier):
    """The open section records are filed under (R8): the newest current occupancy, if any."""
    return Occupancy.objects.current().filter(dossier=dossier).order_by("-section_number").first()


def move(record, target, *, actor, reason, close=False, **fields):
    """``core.workflow.transition`` on a row the caller has locked (``workflow.lock``):
    compare-and-set the status, save it and ``fields`` with one history row naming ``actor``.
    ``close``: the record is locked once moved (R9), in the same history row."""
    if close:
        fields["locked"] = True
    return workflow.transition(
        record, target, actor=actor, reason=reason, already_locked=True, **fields
    )


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
