"""Clearance of a leaving or transferred employee (R28): whoever still holds something of the
archive cannot be deactivated until it is back.

``core`` knows nothing of what can be held (the floors: a lower app never imports a higher
one), so each app that lends things registers a function ``holdings(user) -> list[str]``
(``lending`` registers loans out and copies held, from its ``AppConfig.ready``), and every path
that deactivates an account asks ``require_clear`` first: ``user_deactivate`` (the one service)
and the user admin's change form (the error beside "active").
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .workflow import DomainError

__all__ = ["register", "holdings_of", "require_clear", "clearance_message", "user_deactivate"]

# functions(user) -> list of readable lines, one per thing the user still holds
_HOLDINGS: list[Callable] = []


def register(holdings_fn: Callable) -> None:
    """Add ``holdings_fn(user) -> list[str]``; registering it twice changes nothing."""
    if holdings_fn not in _HOLDINGS:
        _HOLDINGS.append(holdings_fn)


def holdings_of(user) -> list[str]:
    """What ``user`` still holds, as lines a person reads (every registered app asked)."""
    if user is None or user.pk is None:
        return []
    lines: list[str] = []
    for holdings in _HOLDINGS:
        lines.extend(str(line) for line in holdings(user))
    return lines


def clearance_message(lines) -> str:
    return _("Everything held must be returned first: %(list)s") % {"list": "；".join(lines)}


def require_clear(user) -> None:
    """Raise ``DomainError`` naming what ``user`` still holds, if anything."""
    lines = holdings_of(user)
    if lines:
        raise DomainError(clearance_message(lines))


def user_deactivate(*, user, actor, request=None):
    """Deactivate ``user``'s account (a leaving employee): refused while they hold anything
    (R28), by an actor without ``core.change_user``, for oneself, and for a superuser unless
    the actor is one. Logged in the access log as an account change."""
    from . import permissions as gate
    from .models import AccessLog
    from .services import log_access

    gate.require(actor, "core.change_user", request=request)
    if user.pk == actor.pk or (user.is_superuser and not actor.is_superuser):
        gate.record_refusal(actor, "deactivate user", user, request=request)
        raise PermissionDenied(_("You may not deactivate this account."))
    if not user.is_active:
        return user
    with transaction.atomic():
        # the account's row locked first: a hand-out to this person at the same moment locks
        # it too (lending), so the one waits for the other and the holdings read here are true
        type(user)._default_manager.select_for_update().filter(pk=user.pk).first()
        require_clear(user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        log_access(
            actor, user, AccessLog.Action.ACCOUNT, detail="changed: is_active", request=request
        )
    return user
