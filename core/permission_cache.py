"""A user's model permissions read in one small statement rather than Django's two queries.

``ModelBackend`` reads a user's own permissions and their groups' in two queries, built and
compiled by the ORM each time, the second joining five tables: 2.5 ms of every page at
20,000 units, more than the whole hello view (docs/PERFORMANCE.md). ``fill`` reads the ids
of both in one ``UNION ALL`` of three small tables, compiled once per process (0.35 ms), and
names them from a map of every permission read once per process (read again for an id it
does not know, and after a permission is saved or deleted here or the migrations ran). It
leaves the result where ``ModelBackend`` keeps it on the user object (``_user_perm_cache``,
``_group_perm_cache``, ``_perm_cache``), so every later ``has_perm``, ``perms`` in a template
and the admin's checks answer from it, as they did from Django's own reading. Read per copy
of the user, as Django does: a permission given or withdrawn counts from the next request.
``tests/core/test_permission_cache.py`` holds it to ModelBackend's answers.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connections
from django.db.models import Value
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

_ANYONE = -1  # the user's id in the statement compiled once, replaced when it runs


@cache
def _compiled(alias):
    """The SQL of "the ids of this user's own permissions and of their groups'", compiled by
    the ORM once per process and database; the user's id is a parameter. Three small tables:
    the permissions' names come from ``_names``, not from a join to two more."""
    links = get_user_model()
    own = links.user_permissions.through.objects.filter(user_id=_ANYONE)
    groups = links.groups.through.objects.filter(user_id=_ANYONE).values("group_id")
    theirs = Group.permissions.through.objects.filter(group_id__in=groups)
    union = (
        own.order_by()
        .values_list(Value("user"), "permission_id")
        .union(theirs.order_by().values_list(Value("group"), "permission_id"), all=True)
    )
    sql, params = union.query.get_compiler(alias).as_sql()
    slots = [i for i, value in enumerate(params) if value == _ANYONE]
    assert len(slots) == 2, params
    return sql, tuple(params), slots


_names_by_alias = {}


def _names(alias, ids):
    """``{permission id: "app_label.codename"}``, read once per process; again when a
    permission made since is asked for."""
    names = _names_by_alias.get(alias)
    if names is None or not ids <= names.keys():
        names = {
            pk: f"{app_label}.{codename}"
            for pk, app_label, codename in Permission.objects.using(alias).values_list(
                "pk", "content_type__app_label", "codename"
            )
        }
        _names_by_alias[alias] = names
    return names


@receiver(post_save, sender=Permission, dispatch_uid="core.permission_names.saved")
@receiver(post_delete, sender=Permission, dispatch_uid="core.permission_names.deleted")
@receiver(post_migrate, dispatch_uid="core.permission_names.migrated")
def _forget_names(**kwargs):
    """A permission made, changed or removed here, or the migrations (which make them in
    bulk, and after a test's flush again): the names are read afresh. Another process reads
    them again when it meets an id it does not know."""
    _names_by_alias.clear()


def needed(user) -> bool:
    return (
        user.is_active
        and not user.is_anonymous
        and not user.is_superuser  # answered by has_perm itself, without a query
        and not hasattr(user, "_perm_cache")
    )


def fill(user):
    """Read ``user``'s model permissions once for this copy of the user (if not yet read)."""
    if not needed(user):
        return
    alias = user._state.db or "default"
    sql, params, slots = _compiled(alias)
    params = list(params)
    for slot in slots:
        params[slot] = user.pk
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names = _names(alias, {pk for _source, pk in rows})
    found = {"user": set(), "group": set()}
    for source, pk in rows:
        if pk in names:  # deleted between the two reads: not held any more
            found[source].add(names[pk])
    user._user_perm_cache = found["user"]
    user._group_perm_cache = found["group"]
    user._perm_cache = found["user"] | found["group"]
