"""The one permission gate (docs/core.md).

This module and the apps' own ``permissions.py`` are the only places that import guardian.
Views call ``access_*_or_404`` (the same 404 for "missing" and "not yours"); services call
``require`` again, so the shell, Celery and admin paths are covered too. Every refusal is
written to the security log and the access log.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from .models import AccessLog
from .roles import Role, has_role, roles_of

__all__ = [
    "Role",
    "has_role",
    "roles_of",
    "can",
    "require",
    "require_role",
    "record_refusal",
    "get_or_404",
    "grant",
    "revoke",
    "too_many_refusals",
]


def record_refusal(user, what: str, obj=None, request=None):
    from .services import log_access

    log_access(user, obj, AccessLog.Action.DENIED, detail=what, request=request)


def can(user, perm: str, obj=None) -> bool:
    """Model permission (``obj`` None) or object permission on ``obj``."""
    return bool(user and user.is_active and user.has_perm(perm, obj))


def require(user, perm: str, obj=None, *, request=None):
    """Raise PermissionDenied (and log it) unless ``user`` holds ``perm`` (on ``obj``)."""
    if can(user, perm, obj):
        return
    record_refusal(user, perm, obj, request=request)
    raise PermissionDenied(_("You do not have permission to do this."))


def require_role(user, *roles, request=None):
    if has_role(user, *roles):
        return
    record_refusal(user, "role:" + ",".join(str(r) for r in roles), request=request)
    raise PermissionDenied(_("Your role does not allow this."))


def get_or_404(user, visible_queryset, *, request=None, **lookup):
    """Fetch one object from what ``user`` may see; missing and forbidden look the same."""
    try:
        return visible_queryset.get(**lookup)
    except visible_queryset.model.DoesNotExist:
        if visible_queryset.model._default_manager.filter(**lookup).exists():
            record_refusal(user, f"view {visible_queryset.model._meta.label}", request=request)
        raise Http404 from None


def grant(perm: str, user_or_group, obj):
    return assign_perm(perm, user_or_group, obj)


def revoke(perm: str, user_or_group, obj):
    return remove_perm(perm, user_or_group, obj)


# A password re-entered to confirm an act (a witness, a borrower at the desk, a handover's
# signer) is not a log-in, so django-axes does not count it: the wrong ones are counted per
# object from the access log, and after this many in so many minutes the act is refused.
WRONG_PASSWORDS = 5
WRONG_PASSWORD_MINUTES = 15


def too_many_refusals(obj, detail: str, *, limit=WRONG_PASSWORDS, minutes=WRONG_PASSWORD_MINUTES):
    """Whether ``limit`` refusals whose detail starts with ``detail`` were logged about ``obj``
    in the last ``minutes``."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    since = timezone.now() - timezone.timedelta(minutes=minutes)
    return (
        AccessLog.objects.filter(
            action=AccessLog.Action.DENIED,
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=str(obj.pk),
            detail__startswith=detail,
            at__gte=since,
        ).count()
        >= limit
    )


def holders_of(perm: str):
    """The active users holding the model permission ``perm`` through a group or given to
    them in person (a superuser does not count for holding every permission): the people a
    duty given to one person (the archive-room head) is told to."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    app_label, codename = perm.split(".", 1)
    held = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions__in=held) | Q(user_permissions__in=held))
        .distinct()
        .order_by("pk")
    )
