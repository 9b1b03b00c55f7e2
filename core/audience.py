"""Who may be told about an object: the apps' visibility rules, offered to ``notify`` and to
the lists of notifications.

A notification about a dossier must reach only people who may see that dossier (R17), in
every app. ``core`` cannot ask ``customers`` (a lower floor never imports a higher one), so
the app that owns a kind of object registers how its audience is narrowed
(``customers.apps`` registers the dossier's), and ``notify(..., about=obj)`` applies it.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

# model -> function(obj, users queryset) -> the users of that queryset who may see obj
_AUDIENCES: dict[type, Callable] = {}
# model -> function(user) -> queryset of the objects of model that user may see
_VISIBLE: dict[type, Callable] = {}


def register(model, narrow: Callable, visible_to: Callable) -> None:
    _AUDIENCES[model] = narrow
    _VISIBLE[model] = visible_to


# functions(obj) -> bool: is reading obj a confidential read (R21)? customers registers the
# dossier's secrecy levels; an object no function claims is ordinary.
_CONFIDENTIAL: list[Callable] = []


def register_confidential(test: Callable) -> None:
    if test not in _CONFIDENTIAL:
        _CONFIDENTIAL.append(test)


def is_confidential(obj) -> bool:
    return obj is not None and any(test(obj) for test in _CONFIDENTIAL)


def visible_condition(user) -> Q:
    """A filter on Notification: about nothing in particular, or about something ``user``
    may see (each registered kind of object asked through its own visibility query)."""
    condition = Q(about_type__isnull=True)
    others = Q()
    for model, visible_to in _VISIBLE.items():
        content_type = ContentType.objects.get_for_model(model)
        condition |= Q(
            about_type=content_type, about_id__in=visible_to(user).order_by().values("pk")
        )
        others &= ~Q(about_type=content_type)
    return condition | (Q(about_type__isnull=False) & others)


def who_may_see(obj, users) -> list:
    """Of ``users`` (any iterable of users), those who may see ``obj``, in their order."""
    users = [u for u in users if u is not None]
    narrow = _AUDIENCES.get(type(obj)._meta.concrete_model) if obj is not None else None
    if narrow is None:
        return users
    allowed = set(
        narrow(obj, get_user_model().objects.filter(pk__in=[u.pk for u in users])).values_list(
            "pk", flat=True
        )
    )
    return [u for u in users if u.pk in allowed]
