"""A lookup is a read (R17): the move-in form finds an existing customer only among those the
user may see; a customer on file in a confidential dossier goes to a manager's decision, and
the front desk learns nothing about them, by any form or message."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.models import Notification
from core.roles import Role
from customers import permissions, services
from customers.models import Customer, Dossier, MoveInReferral, Occupancy

from ..factories import user_with_role
from .factories import CustomerFactory, UnitFactory, dossier_for, move_in_post, moved_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_customer():
    """A customer known only in a confidential dossier, with a household and a contact."""
    dossier = dossier_for(secrecy="B")
    customer = CustomerFactory(name="欧阳秘", mobile="13688889999", address="保密路8号")
    occupancy = moved_in(dossier, customer)
    actor = user_with_role(Role.FRONT_DESK)
    permissions.grant_dossier(actor, dossier)
    services.household_member_add(
        customer=customer, data={"name": "欧阳小宝", "relation": "子"}, actor=actor
    )
    services.contact_add(
        customer=customer,
        data={"kind": "emergency", "name": "司马急", "mobile": "13577776666"},
        actor=actor,
    )
    return occupancy


def _typed_as(occupancy, unit, **fields):
    """A move-in form typed with the customer's own ID number, the birth date and sex it
    holds, and whatever else the front desk writes."""
    customer = occupancy.customer
    return move_in_post(
        unit,
        id_number=customer.id_number,
        birth_date=customer.birth_date.isoformat(),
        sex=customer.sex,
        **fields,
    )


def _secrets(occupancy):
    customer = occupancy.customer
    return [
        customer.name,
        "13688889999",
        "保密路",
        "欧阳小宝",
        "司马急",
        "13577776666",
        occupancy.dossier.archive_number,
    ]


def test_a_confidential_customers_id_at_a_visible_unit_discloses_nothing__R17(
    client, secret_customer
):
    unit = UnitFactory()  # a unit the front desk may use
    front = user_with_role(Role.FRONT_DESK)
    client.force_login(front)
    response = client.post(
        reverse("customers:move_in"),
        _typed_as(secret_customer, unit, name="随便写"),
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    for secret in _secrets(secret_customer):
        assert secret not in html, secret
    # nothing was recorded in the unit and no customer was made or changed
    assert not Occupancy.objects.filter(dossier__unit=unit).exists()
    assert Customer.objects.count() == 1
    referral = MoveInReferral.objects.get()
    assert referral.status == MoveInReferral.Status.REQUESTED
    assert (referral.unit, referral.customer, referral.requested_by) == (
        unit,
        secret_customer.customer,
        front,
    )
    assert referral.typed["name"] == "随便写"
    # the requester's own page of it says a manager decides, and nothing more
    page = client.get(reverse("customers:referral_detail", args=[referral.pk]))
    for secret in _secrets(secret_customer):
        assert secret not in page.content.decode(), secret
    # nor do their notifications
    for note in Notification.objects.filter(recipient=front):
        assert secret_customer.customer.name not in note.message


def test_the_referral_goes_to_managers_who_may_see_the_customer__R17(
    client, secret_customer, django_capture_on_commit_callbacks
):
    granted = user_with_role(Role.MANAGER, email="granted@example.com")
    permissions.grant_dossier(granted, secret_customer.dossier)
    ungranted = user_with_role(Role.MANAGER, email="ungranted@example.com")
    unit = UnitFactory()
    front = user_with_role(Role.FRONT_DESK)
    client.force_login(front)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("customers:move_in"),
            _typed_as(secret_customer, unit),
        )
    referral = MoveInReferral.objects.get()
    mailed = [address for m in mail.outbox for address in m.to]
    assert "granted@example.com" in mailed and "ungranted@example.com" not in mailed
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert granted.username in told
    assert ungranted.username not in told
    # the ungranted manager cannot open it at all; the granted one compares and decides
    client.force_login(ungranted)
    assert client.get(reverse("customers:referral_detail", args=[referral.pk])).status_code == 404
    client.force_login(granted)
    page = client.get(reverse("customers:referral_detail", args=[referral.pk]))
    assert page.status_code == 200 and page.context["can_decide"]
    html = page.content.decode()
    assert secret_customer.customer.name in html
    assert secret_customer.customer.id_number not in html  # masked even for the decider
    response = client.post(
        reverse("customers:referral_detail", args=[referral.pk]),
        {"decision": "approve", "note": "同一人，已电话核实"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == MoveInReferral.Status.ACCEPTED
    section = referral.occupancy
    assert section.dossier.unit == unit and section.customer == secret_customer.customer
    assert section.status == Occupancy.Status.PENDING  # verified as usual (R4)
    assert Notification.objects.filter(recipient=front, message__contains=str(unit)).exists()


def test_a_rejected_referral_records_nothing_and_says_why__R17(secret_customer):
    manager = user_with_role(Role.MANAGER)
    permissions.grant_dossier(manager, secret_customer.dossier)
    front = user_with_role(Role.FRONT_DESK)
    unit = UnitFactory()
    referral = services.move_in_refer(
        unit=unit,
        customer=secret_customer.customer,
        role="owner",
        moved_in=secret_customer.moved_in,
        typed={"name": "陈静"},
        actor=front,
    )
    with pytest.raises(services.DomainError):
        services.referral_reject(referral=referral, actor=manager, note="")
    with pytest.raises(PermissionDenied):  # a manager who may not see the customer
        services.referral_reject(
            referral=referral, actor=user_with_role(Role.MANAGER), note="不是同一人"
        )
    services.referral_reject(referral=referral, actor=manager, note="身份证号码有误")
    referral.refresh_from_db()
    assert referral.status == MoveInReferral.Status.REJECTED
    assert not Dossier.objects.filter(unit=unit).exists()
    note = Notification.objects.get(recipient=front)
    assert "身份证号码有误" in note.message and secret_customer.customer.name not in note.message
    with pytest.raises(services.DomainError):  # decided once
        services.referral_accept(referral=referral, actor=manager)


def test_a_visible_customer_is_still_reused__R11__R17(client):
    owner = moved_in().customer
    unit = UnitFactory()
    client.force_login(user_with_role(Role.FRONT_DESK))
    response = client.post(
        reverse("customers:move_in"), move_in_post(unit, id_number=owner.id_number)
    )
    assert response.status_code == 302
    assert Dossier.objects.get(unit=unit).occupancies.get().customer == owner
    assert not MoveInReferral.objects.exists()


def test_the_service_refuses_a_customer_the_actor_may_not_see__R17(secret_customer):
    with pytest.raises(PermissionDenied):
        services.move_in_record(
            unit=UnitFactory(),
            customer=secret_customer.customer,
            role="owner",
            moved_in=secret_customer.moved_in,
            actor=user_with_role(Role.FRONT_DESK),
        )
    assert Occupancy.objects.count() == 1


def test_units_of_confidential_dossiers_are_not_offered_for_a_move_in__R17(client):
    secret = dossier_for(secrecy="B")
    open_unit = UnitFactory(building=secret.unit.building, room="1299")
    client.force_login(user_with_role(Role.FRONT_DESK))
    options = client.get(
        reverse("customers:unit_options"), {"building": secret.unit.building_id}
    ).content.decode()
    assert f'value="{open_unit.pk}"' in options
    assert f'value="{secret.unit.pk}"' not in options
    response = client.post(reverse("customers:move_in"), move_in_post(secret.unit))
    assert response.status_code == 200
    assert "unit" in response.context["move_form"].errors
    assert not secret.occupancies.exists()


def test_the_access_log_names_no_confidential_customer__R17__R21(client, secret_customer):
    """The access log is read by every manager: a refusal or a read about a confidential
    customer stands there by its kind, archive number and id, never by the customer's name."""
    intruder = user_with_role(Role.FRONT_DESK)
    with pytest.raises(PermissionDenied):
        services.contact_add(
            customer=secret_customer.customer,
            data={"kind": "daily", "name": "王", "mobile": "13700000000"},
            actor=intruder,
        )
    client.force_login(user_with_role(Role.MANAGER))  # not granted on the dossier
    html = client.get(reverse("core:access_log")).content.decode()
    assert f"#{secret_customer.customer.pk}" in html
    for secret in _secrets(secret_customer)[:-1]:  # the archive number may stand there
        assert secret not in html, secret


def test_who_typed_a_referred_move_in_cannot_verify_it__R4__R17(secret_customer):
    manager = user_with_role(Role.MANAGER)
    permissions.grant_dossier(manager, secret_customer.dossier)
    front = user_with_role(Role.FRONT_DESK)
    referral = services.move_in_refer(
        unit=UnitFactory(),
        customer=secret_customer.customer,
        role="tenant",
        moved_in=secret_customer.moved_in,
        typed={},
        actor=front,
    )
    section = services.referral_accept(referral=referral, actor=manager).occupancy
    assert section.recorded_by == front
    with pytest.raises(services.DomainError):
        services.occupancy_verify(occupancy=section, actor=front)
    services.occupancy_verify(occupancy=section, actor=manager)
    section.refresh_from_db()
    assert section.status == Occupancy.Status.ACTIVE and section.verified_by == manager


def test_a_manager_who_may_not_see_the_units_dossier_decides_nothing__R17(client, secret_customer):
    from core.models import AccessLog

    unit_dossier = dossier_for(secrecy="B")
    front = user_with_role(Role.FRONT_DESK)
    permissions.grant_dossier(front, unit_dossier)
    manager = user_with_role(Role.MANAGER)
    permissions.grant_dossier(manager, secret_customer.dossier)  # the customer's, not the unit's
    referral = services.move_in_refer(
        unit=unit_dossier.unit,
        customer=secret_customer.customer,
        role="tenant",
        moved_in=secret_customer.moved_in,
        typed={},
        actor=front,
    )
    assert not permissions.can_decide_referral(manager, referral)
    client.force_login(manager)
    url = reverse("customers:referral_detail", args=[referral.pk])
    assert not client.get(url).context["can_decide"]
    assert client.post(url, {"decision": "approve", "note": ""}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.referral_accept(referral=referral, actor=manager)
    referral.refresh_from_db()
    assert referral.status == MoveInReferral.Status.REQUESTED
    assert AccessLog.objects.filter(
        action=AccessLog.Action.DENIED, user=manager, object_id=str(unit_dossier.pk)
    ).exists()


def test_a_referred_move_in_with_a_mistyped_date_is_corrected_beside_the_field__R17(
    client, secret_customer
):
    client.force_login(user_with_role(Role.FRONT_DESK))
    data = _typed_as(secret_customer, UnitFactory())
    data["customer-birth_date"] = "1990-02-30"
    response = client.post(reverse("customers:move_in"), data)
    assert response.status_code == 200
    errors = response.context["customer_form"].errors
    assert "birth_date" in errors and "id_number" not in errors  # "on file" is not said
    assert not MoveInReferral.objects.exists()
    assert secret_customer.customer.name not in response.content.decode()


def test_typing_the_same_id_again_makes_no_second_referral__R17(client, secret_customer):
    granted = user_with_role(Role.MANAGER)
    permissions.grant_dossier(granted, secret_customer.dossier)
    unit = UnitFactory()
    client.force_login(user_with_role(Role.FRONT_DESK))
    for _ in range(3):
        client.post(reverse("customers:move_in"), _typed_as(secret_customer, unit))
    assert MoveInReferral.objects.count() == 1
    assert Notification.objects.filter(recipient=granted).count() == 1
