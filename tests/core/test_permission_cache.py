"""A user's model permissions read in one statement (core.permission_cache): the same answers
as Django's ModelBackend, one query, and a permission given or withdrawn seen by the next copy
of the user (the next request)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import permission_cache
from core.roles import Role
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def django_answer(user):
    """ModelBackend's own reading, on a copy of the user it has not seen."""
    copy = fresh(user)
    backend = ModelBackend()
    return (
        backend.get_user_permissions(copy),
        backend.get_group_permissions(copy),
        backend.get_all_permissions(copy),
    )


def our_answer(user):
    copy = fresh(user)
    permission_cache.fill(copy)
    return copy._user_perm_cache, copy._group_perm_cache, copy._perm_cache


def test_the_same_permissions_as_django_reads_them_from_groups_and_the_user():
    user = user_with_role(Role.FRONT_DESK)
    extra = Group.objects.create(name="extra readers")
    extra.permissions.add(Permission.objects.get(codename="view_charge"))
    user.groups.add(extra)
    user.user_permissions.add(Permission.objects.get(codename="add_charge"))
    ours, theirs = our_answer(user), django_answer(user)
    assert ours == theirs
    assert "records.add_charge" in ours[0] and "records.view_charge" in ours[1]
    assert len(ours[2]) > 10  # the role's permissions, through its group


def test_one_query_then_none_for_every_later_check():
    user = fresh(user_with_role(Role.MANAGER))
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("customers.view_dossier")
        assert not user.has_perm("customers.no_such_thing")
        assert user.has_module_perms("customers")
        assert "customers.view_dossier" in user.get_all_permissions()
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_a_withdrawn_permission_is_gone_on_the_next_copy_of_the_user():
    user = UserFactory()
    permission = Permission.objects.get(codename="view_charge")
    user.user_permissions.add(permission)
    assert fresh(user).has_perm("records.view_charge")
    user.user_permissions.remove(permission)
    assert not fresh(user).has_perm("records.view_charge")


def test_a_permission_made_after_the_names_were_read_is_found():
    """Made in bulk, as migrations make them (no signal, as in another process): the id is not
    in the names read before, so they are read again."""
    user = UserFactory()
    assert not fresh(user).has_perm("core.view_user")  # the names are read now
    Permission.objects.bulk_create(
        [
            Permission(
                codename="see_the_test_thing",
                name="see the test thing",
                content_type=ContentType.objects.get_for_model(get_user_model()),
            )
        ]
    )
    made = Permission.objects.get(codename="see_the_test_thing")
    user.user_permissions.add(made)
    assert fresh(user).has_perm("core.see_the_test_thing")


def test_inactive_users_hold_nothing_and_superusers_everything_without_a_query():
    inactive = user_with_role(Role.MANAGER, is_active=False)
    assert not fresh(inactive).has_perm("customers.view_dossier")
    root = fresh(UserFactory(is_superuser=True))
    with CaptureQueriesContext(connection) as queries:
        assert root.has_perm("customers.view_dossier")
    assert not queries
