"""The one permission gate (docs/core.md).

This module and the apps' own ``permissions.py`` are the only places that import guardian.
Views call ``access_*_or_404`` (the same 404 for "missing" and "not yours"); services call
``require`` again, so the shell, Celery and admin paths are covered too. Every refusal is
written to the security log and the access log.
"""

import functools
import re

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
    "describe",
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


# What a person tried to do, for the pages that show a refusal or a change (the access log,
# the dashboard, the admin, notifications): a permission's codename is for the code.
_DEFAULT_ACTIONS = {
    "add": gettext_lazy("Can add %(name)s"),
    "change": gettext_lazy("Can change %(name)s"),
    "delete": gettext_lazy("Can delete %(name)s"),
    "view": gettext_lazy("Can view %(name)s"),
}
_CODENAME = re.compile(r"\b([a-z_]+)\.([a-z_]+)\b")
_MODEL_LABEL = re.compile(r"^view ([a-z_]+)\.([A-Za-z]+)$")


def _fill(template, name):
    return str(template) % {"name": name}


_named = lazy(_fill, str)


@functools.cache
def _permission_labels():
    """``app_label.codename`` -> the permission's own name, translated when read: the verbose
    text of ``Meta.permissions``, or "Can add …" and its kin with the model's verbose name."""
    from django.apps import apps

    labels = {}
    for model in apps.get_models():
        opts = model._meta
        for action in opts.default_permissions:
            template = _DEFAULT_ACTIONS.get(action)
            if template is not None:
                labels[f"{opts.app_label}.{action}_{opts.model_name}"] = _named(
                    template, opts.verbose_name
                )
        for codename, name in opts.permissions:
            labels[f"{opts.app_label}.{codename}"] = name
    return labels


def describe(what: str) -> str:
    """What a stored permission or refusal detail means to a reader: ``documents.file_document``
    becomes "Can file documents into boxes", ``role:manager`` the role's name, ``view
    customers.Dossier`` "View dossier"; a codename inside a longer line is named too, and any
    other text stays as it was written."""
    if not what:
        return what
    from django.apps import apps

    labels = _permission_labels()
    if what.startswith("role:"):
        roles = [str(Role(r).label) if r in Role.values else r for r in what[5:].split(",")]
        return _("Needs the role %(roles)s") % {"roles": _(", ").join(roles)}
    if what.startswith("roles: "):
        before, _arrow, after = what[7:].partition(" -> ")
        return _("Roles: %(before)s → %(after)s") % {
            "before": _role_names(before),
            "after": _role_names(after),
        }
    if what.startswith("changed: "):
        from django.contrib.auth import get_user_model

        fields = {
            f.name: f for f in get_user_model()._meta.get_fields() if hasattr(f, "verbose_name")
        }
        names = [
            str(fields[name].verbose_name) if name in fields else name
            for name in what[9:].split(", ")
        ]
        return _("Changed: %(fields)s") % {"fields": _(", ").join(names)}
    matched = _MODEL_LABEL.match(what)
    if matched:
        try:
            model = apps.get_model(matched[1], matched[2])
        except LookupError:
            return what
        return _("View %(name)s") % {"name": model._meta.verbose_name}
    return _CODENAME.sub(lambda m: str(labels.get(m[0], m[0])), what)


def _role_names(codes: str) -> str:
    if codes in ("", "-"):
        return "—"
    return _(", ").join(str(Role(c).label) if c in Role.values else c for c in codes.split(","))
