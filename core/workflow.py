"""The one way a record changes state (docs/ARCHITECTURE.md, "The move").

Every workflow of the archive — a change request, a move-in and its verification, a handover,
a deposit, a renovation, a complaint, a loan — is a model with a ``status`` field and a
``TRANSITIONS`` table (``{status: {statuses it may become}}``), plus one declaration of its
moves: which move, to which status, by which permission, under which guard::

    WORKFLOW = workflow.declare(
        Renovation,
        workflow.Move("approve", Status.APPROVED, perm="records.approve_renovation",
                      gate=can_act_on_dossier, guard=not_own_application),
        ...
    )

Views ask ``allowed_moves(user, obj)`` for their buttons; services call ``require_move``
before the transaction (so a refusal's log row stays) and ``transition`` inside it. The same
declaration answers both, so a button is never shown for a move the service would refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import lines

__all__ = [
    "DomainError",
    "Move",
    "Workflow",
    "not_requested_by",
    "declare",
    "workflow_of",
    "allowed_moves",
    "require_move",
    "refuse_move",
    "transition",
    "lock",
    "lock_for_move",
    "stamp",
    "save_with_history",
    "is_future_day",
    "not_in_future",
    "moment_not_in_future",
]


class DomainError(Exception):
    """A business rule refused the action; the message says why and is shown to the user."""


# --- The declaration ----------------------------------------------------------------------
@dataclass(frozen=True)
class Move:
    """One move of a workflow. ``target`` None: a step that keeps the status (a reply, a
    reminder) but is still offered and refused by the same table of rights.

    - ``perm``: the model permission the move needs (``"records.approve_renovation"``).
    - ``source``: the statuses it starts from; empty means every status that ``TRANSITIONS``
      lets become ``target`` (or every status, for a step without a target).
    - ``guard(user, obj)``: None when allowed, else the reason it is refused (shown to the user);
      a guard that returns ``False`` refuses without a reason (the button is hidden).
    """

    name: str
    target: object = None
    perm: str | None = None
    source: tuple = ()
    guard: Callable | None = None

    def starts_from(self, obj) -> bool:
        status = obj.status
        if self.source:
            return status in self.source
        if self.target is None:
            return True
        return self.target in type(obj).TRANSITIONS.get(status, ())


@dataclass
class Workflow:
    """The moves of one model, with the object-level right they all need.

    ``gate(user, obj, perm)`` answers whether ``user`` may use ``perm`` on this object: for a
    dossier's records, the right on the dossier (``records.permissions``). Without a gate the
    model permission alone decides."""

    model: type
    moves: dict[str, Move] = field(default_factory=dict)
    gate: Callable | None = None

    def permitted(self, user, obj, move: Move, *, asked=None) -> bool:
        """``asked``: the gate's answers already given for this user and object, by
        permission (a page asks every move at once: the gate runs once per permission)."""
        from .permissions import can

        if not (user and user.is_authenticated and user.is_active):
            return False
        if move.perm and not can(user, move.perm):
            return False
        if self.gate is None:
            return True
        if asked is None:
            return bool(self.gate(user, obj, move.perm))
        if move.perm not in asked:
            asked[move.perm] = bool(self.gate(user, obj, move.perm))
        return asked[move.perm]

    def refusal(self, user, obj, name: str, *, asked=None):
        """Why ``user`` may not make move ``name`` on ``obj`` now: None when allowed, else
        ``(kind, message)`` with kind "perm", "state" or "guard"."""
        move = self.moves[name]
        if not self.permitted(user, obj, move, asked=asked):
            return "perm", move.perm or name
        if not move.starts_from(obj):
            return "state", _refused_message(obj, move.target)
        if move.guard is not None:
            reason = move.guard(user, obj)
            if reason is False:
                return "guard", _("This action is not available now.")
            if reason not in (None, True):
                return "guard", str(reason)
        return None

    def allowed(self, user, obj) -> set[str]:
        asked = {}
        return {name for name in self.moves if self.refusal(user, obj, name, asked=asked) is None}

    def require(self, user, obj, name: str, *, request=None):
        """``require_move`` with this declaration."""
        from django.core.exceptions import PermissionDenied

        from .permissions import record_refusal

        refused = self.refusal(user, obj, name)
        if refused is None:
            return
        kind, message = refused
        if kind == "perm":
            record_refusal(user, message, obj, request=request)
            raise PermissionDenied(_("You do not have permission to do this."))
        raise DomainError(message)


def not_requested_by(field: str, message):
    """A guard: the user decides only what somebody else asked for or recorded (``field``
    names who: ``recorded_by_id``, ``requested_by_id`` …); ``message`` (lazy) says so. The
    segregation of duties of R4, R5, R9, R17: a superuser's break-glass does not lift it."""

    def guard(user, obj):
        return str(message) if getattr(obj, field) == user.pk else None

    return guard


_WORKFLOWS: dict[type, Workflow] = {}


def declare(model, *moves: Move, gate=None) -> Workflow:
    """Declare (once, in the module that owns ``model``'s services) the moves of ``model``."""
    wf = Workflow(model=model, moves={m.name: m for m in moves}, gate=gate)
    _WORKFLOWS[model] = wf
    return wf


def workflow_of(obj_or_model) -> Workflow:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return _WORKFLOWS[model._meta.concrete_model]


def allowed_moves(user, obj) -> set[str]:
    """The names of the moves ``user`` may make on ``obj`` now: what the page offers."""
    return workflow_of(obj).allowed(user, obj)


def require_move(user, obj, name: str, *, request=None):
    """Refuse move ``name`` unless it is allowed: PermissionDenied (logged) for a missing right,
    DomainError with the reason for a state or a guard. Call it before the transaction, so the
    refusal's log row is kept, and let ``transition`` check the state again under the lock."""
    workflow_of(obj).require(user, obj, name, request=request)


# --- The move -----------------------------------------------------------------------------
def _label(model, status) -> str:
    try:
        return str(model.Status(status).label)
    except (AttributeError, ValueError):
        return str(status)


def _refused_message(obj, target) -> str:
    model = type(obj)
    status = obj.status
    if target is None:
        return _("This %(what)s is “%(status)s”: this step is not possible now.") % {
            "what": model._meta.verbose_name,
            "status": _label(model, status),
        }
    return _("This %(what)s is “%(status)s” and cannot become “%(target)s”.") % {
        "what": model._meta.verbose_name,
        "status": _label(model, status),
        "target": _label(model, target),
    }


def refuse_move(obj, target):
    """Raise DomainError unless the model's ``TRANSITIONS`` let ``obj`` become ``target``."""
    if target not in type(obj).TRANSITIONS.get(obj.status, ()):
        raise DomainError(_refused_message(obj, target))


def lock(model, pk, *, related=()):
    """The row locked for a move (only its own row, not the rows it joins)."""
    qs = model._default_manager.select_for_update(no_key=True, of=("self",))
    if related:
        qs = qs.select_related(*related)
    return qs.get(pk=pk)


def lock_for_move(actor, obj, name: str, *, related=()):
    """The row of ``obj`` locked, and move ``name`` asked again of it as it is now: what a
    service that decides on the current row does first inside its transaction. Move it then
    with ``transition(..., already_locked=True)``."""
    locked = lock(type(obj), obj.pk, related=related)
    require_move(actor, locked, name)
    return locked


def stamp(obj, actor, reason):
    """The history row of the next save names who and why (from the service, whatever called
    it: a view, the admin, the shell or a Celery task)."""
    if getattr(actor, "is_authenticated", False):
        obj._history_user = actor
    # a product's reason (a Line) is kept as its msgid, shown in the reader's language
    obj._change_reason = lines.as_text(reason, 100)


def save_with_history(obj, *, actor, reason, **kwargs):
    stamp(obj, actor, reason)
    obj.save(**kwargs)
    return obj


def transition(
    obj,
    to,
    *,
    actor,
    reason,
    tell: Iterable = (),
    already_locked: bool = False,
    **fields,
):
    """Move ``obj`` to status ``to``, in the caller's transaction (or one of its own).

    Locks the row (unless ``already_locked``: the caller holds the lock), refuses a stale
    ``obj`` (the row changed since the caller read it) and a move ``TRANSITIONS`` does not
    allow, sets the status by compare-and-set (SQLite has no row locks), saves the status
    and ``fields`` with ``update_fields`` and one history row naming ``actor`` and
    ``reason``. ``tell``: tuples (users, message, link[, about]) passed to
    ``core.services.notify``, whose e-mails go after the commit. Returns the moved object
    (``obj`` itself, brought up to date)."""
    from .services import notify

    model = type(obj)
    with transaction.atomic():
        seen = obj.status
        if not already_locked:
            current = lock(model, obj.pk)
            if current.status != seen:
                raise DomainError(stale_message(obj))
        refuse_move(obj, to)
        updated = model._default_manager.filter(pk=obj.pk, status=seen).update(status=to)
        if updated != 1:
            raise DomainError(stale_message(obj))
        obj.status = to
        for name, value in fields.items():
            setattr(obj, name, value)
        save_with_history(obj, actor=actor, reason=reason, update_fields=["status", *fields])
        for told in tell:
            notify(*told[:3], about=told[3] if len(told) > 3 else None)
    return obj


def stale_message(obj) -> str:
    return _("Someone else has just changed this %(what)s; reload the page.") % {
        "what": type(obj)._meta.verbose_name
    }


# --- Dates typed for a move ---------------------------------------------------------------
def clock_slack():
    """How far a typed time may run ahead of the server's clock (a phone or a wall clock a few
    minutes fast is not "in the future"): the one setting ``CLOCK_SLACK_MINUTES``."""
    return timezone.timedelta(minutes=getattr(settings, "CLOCK_SLACK_MINUTES", 5))


def is_future_day(day) -> bool:
    """A date after today (a date has no slack: today is allowed, tomorrow is not)."""
    return day is not None and day > timezone.localdate()


def not_in_future(day, label="", *, message=None):
    """Refuse a date after today: "<label> cannot be in the future.", or ``message``."""
    if is_future_day(day):
        raise DomainError(message or _("%(what)s cannot be in the future.") % {"what": label})


def moment_not_in_future(moment, label="", *, message=None):
    """Refuse a time later than now by more than the clock slack: "<label> cannot be in the
    future.", or ``message``."""
    if moment is not None and moment > timezone.now() + clock_slack():
        raise DomainError(message or _("%(what)s cannot be in the future.") % {"what": label})
