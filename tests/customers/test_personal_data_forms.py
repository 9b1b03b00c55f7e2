"""Personal data in forms (R16, R21): an edit form shows a customer's ID number, phones and
address masked unless the user revealed them with a reason; an unchanged masked value keeps
the value on file; a typed one replaces it; a reveal is a right on the dossier itself."""

import pytest
import time_machine
from django.urls import reverse

from core.models import AccessLog
from core.roles import Role
from customers import permissions
from customers.models import ChangeRequest, Customer

from ..factories import user_with_role
from .factories import CustomerFactory, dossier_for, moved_in

pytestmark = pytest.mark.django_db

ADDRESS = "上海市浦东新区世纪大道100号3栋1201室"


@pytest.fixture
def unconfirmed():
    """A customer whose move-in is not verified yet: edits are saved at once."""
    customer = CustomerFactory(name="周婷", mobile="13812345678", address=ADDRESS)
    return moved_in(customer=customer, verified=False)


def _edit_url(occupancy):
    return reverse("customers:customer_edit", args=[occupancy.dossier.pk, occupancy.customer.pk])


def _form_data(page):
    """What the browser would post back: every field of the form as it was rendered."""
    form = page.context["form"]
    data = {}
    for bound in form:
        value = bound.value()
        if value is None:
            continue
        data[bound.html_name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def test_edit_form_shows_personal_fields_masked_and_logs_nothing__R16(client, unconfirmed):
    customer = unconfirmed.customer
    client.force_login(user_with_role(Role.FRONT_DESK))
    html = client.get(_edit_url(unconfirmed)).content.decode()
    assert customer.id_number not in html
    assert "13812345678" not in html
    assert ADDRESS not in html
    assert f'value="{customer.id_number[:6]}********{customer.id_number[-4:]}"' in html
    assert 'value="138****5678"' in html
    assert not AccessLog.objects.filter(action=AccessLog.Action.REVEAL).exists()


def test_an_unchanged_masked_value_keeps_the_value_on_file__R16(client, unconfirmed):
    customer = unconfirmed.customer
    client.force_login(user_with_role(Role.FRONT_DESK))
    page = client.get(_edit_url(unconfirmed))
    data = _form_data(page)
    data["customer-notes"] = data["notes"] = "周末联系"  # a change of another field
    response = client.post(_edit_url(unconfirmed), data)
    assert response.status_code == 302, response.context["form"].errors
    stored = Customer.objects.get(pk=customer.pk)
    assert stored.notes == "周末联系"
    assert stored.id_number == customer.id_number
    assert stored.mobile == "13812345678"
    assert stored.address == ADDRESS


def test_a_user_who_may_not_reveal_replaces_a_value_by_typing_it__R16(client, unconfirmed):
    customer = unconfirmed.customer
    client.force_login(user_with_role(Role.FRONT_DESK))
    data = _form_data(client.get(_edit_url(unconfirmed)))
    data["mobile"] = "13900001111"
    response = client.post(_edit_url(unconfirmed), data)
    assert response.status_code == 302, response.context["form"].errors
    stored = Customer.objects.get(pk=customer.pk)
    assert stored.mobile == "13900001111"
    assert stored.id_number == customer.id_number and stored.address == ADDRESS


def test_a_masked_value_changed_in_part_is_refused_and_stays_masked__R16(client, unconfirmed):
    client.force_login(user_with_role(Role.FRONT_DESK))
    data = _form_data(client.get(_edit_url(unconfirmed)))
    data["address"] = data["address"] + "B座"
    response = client.post(_edit_url(unconfirmed), data)
    assert response.status_code == 200
    assert "address" in response.context["form"].errors
    html = response.content.decode()
    assert ADDRESS not in html and "13812345678" not in html
    assert Customer.objects.get(pk=unconfirmed.customer.pk).address == ADDRESS


def test_a_confirmed_customer_change_request_holds_only_what_was_typed__R9__R16(client):
    occupancy = moved_in(customer=CustomerFactory(mobile="13812345678", address=ADDRESS))
    client.force_login(user_with_role(Role.FRONT_DESK))
    data = _form_data(client.get(_edit_url(occupancy)))
    data.update({"landline": "021-12345678", "reason": "业主来电补充座机"})
    response = client.post(_edit_url(occupancy), data)
    assert response.status_code == 302, response.context["form"].errors
    request = ChangeRequest.objects.get()
    assert set(request.changes) == {"landline"}  # the masked fields did not "change"
    assert request.changes["landline"] == ["", "021-12345678"]


def test_after_a_logged_reveal_the_form_shows_the_values_and_logs_it__R16__R21(client, unconfirmed):
    customer, dossier = unconfirmed.customer, unconfirmed.dossier
    manager = user_with_role(Role.MANAGER)
    client.force_login(manager)
    reveal = client.post(
        reverse("customers:dossier_reveal", args=[dossier.pk]),
        {"reason": "核实业主身份办理过户", "next": _edit_url(unconfirmed)},
    )
    assert reveal.status_code == 302 and reveal.url == _edit_url(unconfirmed)
    html = client.get(_edit_url(unconfirmed)).content.decode()
    assert f'value="{customer.id_number}"' in html
    assert 'value="13812345678"' in html
    rows = AccessLog.objects.filter(action=AccessLog.Action.REVEAL, user=manager)
    assert rows.count() == 2  # the reveal itself, then the form that showed the data
    assert set(rows.values_list("reason", flat=True)) == {"核实业主身份办理过户"}
    assert rows.filter(detail__startswith="customer edit form").exists()


def test_the_reveal_lasts_a_few_minutes__R16(client, unconfirmed, settings):
    settings.PERSONAL_DATA_REVEAL_MINUTES = 10
    customer, dossier = unconfirmed.customer, unconfirmed.dossier
    client.force_login(user_with_role(Role.MANAGER))
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False) as traveller:
        client.post(
            reverse("customers:dossier_reveal", args=[dossier.pk]), {"reason": "核实业主身份"}
        )
        traveller.shift(9 * 60)
        assert customer.id_number in client.get(_edit_url(unconfirmed)).content.decode()
        traveller.shift(2 * 60)
        assert customer.id_number not in client.get(_edit_url(unconfirmed)).content.decode()


def test_a_reveal_reason_must_say_something__R16(client, unconfirmed, settings):
    settings.PERSONAL_DATA_REVEAL_REASON_MIN_LENGTH = 4
    dossier = unconfirmed.dossier
    client.force_login(user_with_role(Role.MANAGER))
    url = reverse("customers:dossier_reveal", args=[dossier.pk])
    for reason in ("看看", "....", "aaaa", "  "):
        response = client.post(url, {"reason": reason})
        assert response.status_code == 400, reason
        assert unconfirmed.customer.id_number not in response.content.decode()
    assert not AccessLog.objects.filter(action=AccessLog.Action.REVEAL).exists()
    assert client.post(url, {"reason": "核实身份"}).status_code == 200


def test_a_grant_to_view_a_confidential_dossier_is_no_right_to_reveal__R16__R17(client):
    dossier = dossier_for(secrecy="B")
    occupancy = moved_in(dossier, CustomerFactory(mobile="13812345678"))
    for role in (Role.FRONT_DESK, Role.MANAGER):
        viewer = user_with_role(role)
        permissions.grant_dossier(viewer, dossier)  # view only, not reveal
        assert not permissions.can_reveal(viewer, dossier)
        client.force_login(viewer)
        detail = client.get(reverse("customers:dossier_detail", args=[dossier.pk]))
        assert detail.status_code == 200
        assert 'data-testid="reveal-toggle"' not in detail.content.decode()
        response = client.post(
            reverse("customers:dossier_reveal", args=[dossier.pk]), {"reason": "核实业主身份"}
        )
        assert response.status_code == 403, role
        assert occupancy.customer.id_number not in response.content.decode()
    assert not AccessLog.objects.filter(action=AccessLog.Action.REVEAL).exists()
    assert AccessLog.objects.filter(action=AccessLog.Action.DENIED, object_id=str(dossier.pk))
    granted = user_with_role(Role.MANAGER)
    permissions.grant_dossier(granted, dossier, reveal=True)
    assert permissions.can_reveal(granted, dossier)


def test_a_withdrawn_grant_closes_an_open_reveal_at_once__R16(client):
    dossier = dossier_for(secrecy="B")
    occupancy = moved_in(dossier, CustomerFactory(mobile="13812345678"), verified=False)
    manager = user_with_role(Role.MANAGER)
    permissions.grant_dossier(manager, dossier, reveal=True)
    client.force_login(manager)
    client.post(reverse("customers:dossier_reveal", args=[dossier.pk]), {"reason": "核实业主身份"})
    assert occupancy.customer.id_number in client.get(_edit_url(occupancy)).content.decode()
    from core.permissions import revoke

    revoke(permissions.REVEAL, manager, dossier)
    html = client.get(_edit_url(occupancy)).content.decode()
    assert occupancy.customer.id_number not in html


def test_a_change_request_shows_its_values_masked_until_the_decider_reveals__R16__R21(client):
    occupancy = moved_in(customer=CustomerFactory(mobile="13812345678"))
    request = services_update(occupancy, mobile="13900001111")
    manager = user_with_role(Role.MANAGER)
    client.force_login(manager)
    url = reverse("customers:change_request_detail", args=[request.pk])
    html = client.get(url).content.decode()
    assert "13812345678" not in html and "13900001111" not in html
    assert "138****5678" in html and "139****1111" in html
    assert not AccessLog.objects.filter(action=AccessLog.Action.REVEAL).exists()
    client.post(
        reverse("customers:dossier_reveal", args=[occupancy.dossier.pk]),
        {"reason": "核对更换的手机号码", "next": url},
    )
    html = client.get(url).content.decode()
    assert "13812345678" in html and "13900001111" in html
    assert AccessLog.objects.filter(
        action=AccessLog.Action.REVEAL, detail=f"change request {request.pk}"
    ).exists()


def services_update(occupancy, **data):
    from customers import services

    return services.customer_update(
        customer=occupancy.customer,
        data=data,
        actor=user_with_role(Role.FRONT_DESK),
        dossier=occupancy.dossier,
        reason="业主更换手机号",
    )
