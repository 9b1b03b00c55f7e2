"""Segregation of duties in the user admin (item of R4/R5/R9/R30's separation): an
administrator manages accounts, but cannot grant themselves a duty, make a superuser, take
over a superuser's account or rewrite what a role may do."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.roles import Role

from ..factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def _change_form(client, user):
    response = client.get(reverse("admin:core_user_change", args=[user.pk]))
    assert response.status_code == 200
    return response.context["adminform"].form


def _post(client, user, **changes):
    """The change form as the browser posts it, with ``changes``."""
    from django.utils import timezone

    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": joined.date().isoformat(),
        "date_joined_1": joined.time().strftime("%H:%M:%S"),
        "groups": [g.pk for g in user.groups.all()],
    }
    if user.is_staff:
        data["is_staff"] = "on"
    data.update(changes)
    return client.post(reverse("admin:core_user_change", args=[user.pk]), data)


def test_an_administrator_cannot_give_themselves_a_role():
    from django.test import Client

    client = Client()
    admin = user_with_role(Role.ADMIN)
    client.force_login(admin)
    form = _change_form(client, admin)
    assert "groups" not in form.fields and "is_superuser" not in form.fields
    manager = Group.objects.get(name=Role.MANAGER)
    _post(client, admin, groups=[manager.pk])
    admin.refresh_from_db()
    assert not admin.groups.filter(name=Role.MANAGER).exists()
    assert not admin.is_superuser


def test_an_administrator_gives_others_their_roles_but_never_superuser(client):
    admin = user_with_role(Role.ADMIN)
    clerk = UserFactory(username="new-clerk", is_staff=False)
    client.force_login(admin)
    form = _change_form(client, clerk)
    assert "groups" in form.fields
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    front = Group.objects.get(name=Role.FRONT_DESK)
    response = _post(client, clerk, groups=[front.pk], is_superuser="on")
    assert response.status_code == 302, response.context["adminform"].form.errors
    clerk.refresh_from_db()
    assert list(clerk.groups.values_list("name", flat=True)) == [Role.FRONT_DESK]
    assert not clerk.is_superuser


def test_a_superusers_account_is_kept_by_superusers(client):
    admin = user_with_role(Role.ADMIN)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert (
        client.post(url, {"password1": "x-Very-long-1", "password2": "x-Very-long-1"}).status_code
        == 403
    )
    root.refresh_from_db()
    assert not root.check_password("x-Very-long-1")


def test_a_roles_permissions_are_not_edited_in_the_admin(client):
    admin = user_with_role(Role.ADMIN)
    client.force_login(admin)
    manager = Group.objects.get(name=Role.MANAGER)
    before = set(manager.permissions.values_list("pk", flat=True))
    response = client.get(reverse("admin:auth_group_change", args=[manager.pk]))
    assert response.status_code == 200
    assert "permissions" not in response.context["adminform"].form.fields
    client.post(reverse("admin:auth_group_change", args=[manager.pk]), {"name": "x"})
    manager.refresh_from_db()
    assert manager.name == Role.MANAGER
    assert set(manager.permissions.values_list("pk", flat=True)) == before
    assert (
        client.post(
            reverse("admin:auth_group_delete", args=[manager.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_an_administrator_cannot_give_a_group_an_approval_right(client):
    from django.contrib.auth.models import Permission

    admin = user_with_role(Role.ADMIN)
    ops = Group.objects.create(name="运维")
    admin.groups.add(ops)
    client.force_login(admin)
    response = client.get(reverse("admin:auth_group_change", args=[ops.pk]))
    offered = set(response.context["adminform"].form.fields["permissions"].queryset)
    approve = Permission.objects.get(codename="approve_deposit")
    verify = Permission.objects.get(codename="verify_occupancy")
    reveal = Permission.objects.get(codename="reveal_dossier")
    assert not {approve, verify, reveal} & offered
    assert Permission.objects.get(codename="change_estate") in offered
    client.post(
        reverse("admin:auth_group_change", args=[ops.pk]),
        {"name": "运维", "permissions": [approve.pk, verify.pk]},
    )
    admin = type(admin).objects.get(pk=admin.pk)
    assert not admin.has_perm("records.approve_deposit")
    assert not admin.has_perm("customers.verify_occupancy")


def test_a_superuser_is_never_deleted_by_an_administrator(client):
    admin = user_with_role(Role.ADMIN)
    root = UserFactory(username="root2", is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("admin:core_user_delete", args=[root.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert type(root).objects.filter(pk=root.pk).exists()
    own = reverse("admin:core_user_delete", args=[admin.pk])
    assert client.post(own, {"post": "yes"}).status_code == 403


def test_a_password_or_role_set_by_an_administrator_is_logged_and_told(client):
    from core.models import AccessLog, Notification

    admin = user_with_role(Role.ADMIN)
    manager = user_with_role(Role.MANAGER)
    clerk = UserFactory(username="clerk-2")
    client.force_login(admin)
    url = reverse("admin:auth_user_password_change", args=[clerk.pk])
    response = client.post(url, {"password1": "x-Very-long-1", "password2": "x-Very-long-1"})
    assert response.status_code == 302
    assert AccessLog.objects.filter(
        action=AccessLog.Action.ACCOUNT, user=admin, object_id=str(clerk.pk)
    ).exists()
    assert Notification.objects.filter(recipient=clerk).exists()
    _post(client, clerk, groups=[Group.objects.get(name=Role.MANAGER).pk])
    entry = AccessLog.objects.filter(action=AccessLog.Action.ACCOUNT, detail__startswith="roles")
    assert entry.get().detail == "roles: - -> manager"
    assert Notification.objects.filter(recipient=manager).count() == 1  # the new approver
