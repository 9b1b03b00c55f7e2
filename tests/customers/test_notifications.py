"""Who is told (R17): a notification about a dossier reaches only people who may see it, in
every app, through one helper (customers.permissions.who_is_told) and notify(about=…)."""

import pytest
from django.urls import reverse

from core.models import Notification
from core.roles import Role
from core.services import notify
from customers import permissions, services

from ..factories import user_with_role
from .factories import CustomerFactory, dossier_for, moved_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def managers():
    granted = user_with_role(Role.MANAGER)
    ungranted = user_with_role(Role.MANAGER)
    return granted, ungranted


def _told(message_part):
    return set(
        Notification.objects.filter(message__contains=message_part).values_list(
            "recipient_id", flat=True
        )
    )


def test_a_move_in_into_a_confidential_dossier_is_told_to_granted_managers_only__R17(managers):
    granted, ungranted = managers
    dossier = dossier_for(secrecy="B")
    permissions.grant_dossier(granted, dossier)
    customer = CustomerFactory(name="秘密住户")
    moved_in(dossier, customer, verified=False)
    told = _told("秘密住户")
    assert granted.pk in told
    assert ungranted.pk not in told


def test_a_move_in_into_an_ordinary_dossier_is_told_to_every_manager__R17(managers):
    granted, ungranted = managers
    moved_in(customer=CustomerFactory(name="普通住户"), verified=False)
    assert {granted.pk, ungranted.pk} <= _told("普通住户")


def test_a_change_request_of_a_confidential_dossier_goes_to_granted_managers__R9__R17(managers):
    granted, ungranted = managers
    dossier = dossier_for(secrecy="A")
    permissions.grant_dossier(granted, dossier)
    occupancy = moved_in(dossier, CustomerFactory(name="保密业主"))
    front = user_with_role(Role.FRONT_DESK)
    permissions.grant_dossier(front, dossier)
    services.customer_update(
        customer=occupancy.customer,
        data={"notes": "改"},
        actor=front,
        dossier=dossier,
        reason="业主来电",
    )
    told = _told("保密业主")
    assert granted.pk in told and ungranted.pk not in told


def test_the_requester_is_not_told_about_a_dossier_they_no_longer_see__R17(managers):
    granted, _ungranted = managers
    occupancy = moved_in(customer=CustomerFactory(name="后来保密"))
    front = user_with_role(Role.FRONT_DESK)
    request = services.customer_update(
        customer=occupancy.customer,
        data={"notes": "改"},
        actor=front,
        dossier=occupancy.dossier,
        reason="业主来电",
    )
    services.dossier_set_secrecy(
        dossier=occupancy.dossier,
        secrecy_level="B",
        retention="permanent",
        reason="涉密",
        actor=user_with_role(Role.MANAGER),
    )
    permissions.grant_dossier(granted, occupancy.dossier)
    services.change_request_approve(change_request=request, actor=granted)
    assert not Notification.objects.filter(recipient=front).exists()


def test_notify_about_a_dossier_tells_only_who_may_see_it__R17(managers):
    granted, ungranted = managers
    dossier = dossier_for(secrecy="B")
    permissions.grant_dossier(granted, dossier)
    notes = notify([granted, ungranted], "某事", "/", about=dossier)
    assert [n.recipient_id for n in notes] == [granted.pk]
    assert permissions.who_is_told(dossier) == [granted]


def test_the_admin_notification_list_hides_what_is_about_unseen_dossiers__R17(client, managers):
    granted, _ungranted = managers
    dossier = dossier_for(secrecy="B")
    permissions.grant_dossier(granted, dossier)
    moved_in(dossier, CustomerFactory(name="机密客户"), verified=False)
    ordinary = moved_in(customer=CustomerFactory(name="公开客户"), verified=False)
    assert Notification.objects.filter(message__contains="机密客户").exists()
    admin = user_with_role(Role.ADMIN)
    client.force_login(admin)
    page = client.get(reverse("admin:core_notification_changelist")).content.decode()
    assert "机密客户" not in page
    assert "公开客户" in page
    secret_note = Notification.objects.filter(message__contains="机密客户").first()
    response = client.get(reverse("admin:core_notification_change", args=[secret_note.pk]))
    assert response.status_code in (302, 404)
    assert ordinary.dossier.archive_number in page
