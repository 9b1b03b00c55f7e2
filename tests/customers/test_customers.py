"""Customer rules R3, R4, R9, R10 through the front-desk forms and the services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.roles import Role
from customers import services
from customers.models import ChangeRequest, Contact, Customer, Dossier, Occupancy

from ..factories import user_with_role
from .factories import (
    UnitFactory,
    credit_code,
    move_in_post,
    moved_in,
    resident_id,
)

pytestmark = pytest.mark.django_db


def test_register_and_move_in_in_one_flow__R3__R4(client):
    unit = UnitFactory()
    front = user_with_role(Role.FRONT_DESK)
    client.force_login(front)
    assert client.get(reverse("customers:move_in")).status_code == 200
    response = client.post(reverse("customers:move_in"), move_in_post(unit))
    assert response.status_code == 302
    dossier = Dossier.objects.get(unit=unit)
    occupancy = dossier.occupancies.get()
    assert occupancy.status == Occupancy.Status.PENDING  # waits for 信息核实
    assert occupancy.recorded_by == front
    assert occupancy.customer.name == "陈静"
    assert occupancy.customer.name_initials == "cj"
    assert dossier.status == Dossier.Status.PENDING


def test_individual_needs_its_data_and_enterprise_its_credit_code__R3(client):
    unit = UnitFactory()
    client.force_login(user_with_role(Role.FRONT_DESK))
    response = client.post(
        reverse("customers:move_in"),
        move_in_post(unit, sex="", birth_date="", id_number="", mobile=""),
    )
    assert response.status_code == 200
    errors = response.context["customer_form"].errors
    assert {"sex", "birth_date", "id_number", "mobile"} <= set(errors)
    response = client.post(
        reverse("customers:move_in"),
        move_in_post(
            unit, kind="enterprise", name="华润物业有限公司", id_number="", sex="", birth_date=""
        ),
    )
    assert "credit_code" in response.context["customer_form"].errors
    ok = client.post(
        reverse("customers:move_in"),
        move_in_post(
            unit,
            kind="enterprise",
            name="华润物业有限公司",
            id_number="",
            sex="",
            birth_date="",
            credit_code=credit_code(),
            landline="0755-83456789",
            mobile="",
        ),
    )
    assert ok.status_code == 302
    assert Customer.objects.get(name="华润物业有限公司").kind == "enterprise"


def test_a_bad_id_number_is_refused_beside_the_field_and_the_input_is_kept__R4(client):
    unit = UnitFactory()
    client.force_login(user_with_role(Role.FRONT_DESK))
    good = resident_id(datetime.date(1990, 3, 7), "F")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(reverse("customers:move_in"), move_in_post(unit, id_number=bad))
    assert response.status_code == 200
    form = response.context["customer_form"]
    assert "id_number" in form.errors
    html = response.content.decode()
    assert f'value="{bad}"' in html  # what was typed is kept
    assert 'value="陈静"' in html
    assert "id_customer-id_number_error" in html  # the error sits beside the field
    assert not Dossier.objects.exists() and not Customer.objects.exists()


def test_id_number_must_agree_with_birth_date_and_sex__R4(client):
    unit = UnitFactory()
    client.force_login(user_with_role(Role.FRONT_DESK))
    response = client.post(
        reverse("customers:move_in"),
        move_in_post(unit, birth_date="1991-03-07", sex="M"),
    )
    errors = response.context["customer_form"].errors
    assert "birth_date" in errors and "sex" in errors
    assert not Customer.objects.exists()


def test_bad_credit_code_and_phone_formats_are_refused__R4(client):
    unit = UnitFactory()
    client.force_login(user_with_role(Role.FRONT_DESK))
    code = credit_code()
    bad_code = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = client.post(
        reverse("customers:move_in"),
        move_in_post(
            unit,
            kind="enterprise",
            name="某公司",
            id_number="",
            sex="",
            birth_date="",
            credit_code=bad_code,
            landline="12345",
            mobile="2381234567",
        ),
    )
    errors = response.context["customer_form"].errors
    assert {"credit_code", "landline", "mobile"} <= set(errors)


def test_move_in_is_confirmed_only_by_a_second_person__R4():
    recorder = user_with_role(Role.FRONT_DESK)
    occupancy = moved_in(recorder=recorder, verified=False)
    with pytest.raises(services.DomainError):
        services.occupancy_verify(occupancy=occupancy, actor=recorder)
    occupancy.refresh_from_db()
    assert occupancy.status == Occupancy.Status.PENDING
    # the database refuses it too
    with pytest.raises(IntegrityError), transaction.atomic():
        Occupancy.objects.filter(pk=occupancy.pk).update(verified_by=recorder)
    colleague = user_with_role(Role.FRONT_DESK)
    services.occupancy_verify(occupancy=occupancy, actor=colleague)
    occupancy.refresh_from_db()
    assert occupancy.status == Occupancy.Status.ACTIVE
    assert occupancy.verified_by == colleague
    assert occupancy.customer.locked
    assert occupancy.dossier.status == Dossier.Status.OCCUPIED


def test_verify_through_the_page_and_the_recorder_sees_no_button__R4(client):
    recorder = user_with_role(Role.FRONT_DESK)
    occupancy = moved_in(recorder=recorder, verified=False)
    client.force_login(recorder)
    url = reverse("customers:dossier_detail", args=[occupancy.dossier_id])
    assert 'data-testid="verify"' not in client.get(url).content.decode()
    client.post(reverse("customers:occupancy_verify", args=[occupancy.pk]))
    occupancy.refresh_from_db()
    assert occupancy.status == Occupancy.Status.PENDING
    manager = user_with_role(Role.MANAGER)
    client.force_login(manager)
    assert 'data-testid="verify"' in client.get(url).content.decode()
    client.post(reverse("customers:occupancy_verify", args=[occupancy.pk]), {"decision": "approve"})
    occupancy.refresh_from_db()
    assert occupancy.status == Occupancy.Status.ACTIVE


def test_a_known_customer_is_reused_for_a_second_unit__R11(client):
    owner = moved_in().customer
    unit = UnitFactory()
    client.force_login(user_with_role(Role.FRONT_DESK))
    response = client.post(
        reverse("customers:move_in"),
        move_in_post(unit, id_number=owner.id_number, name="随便"),
    )
    assert response.status_code == 302
    assert Dossier.objects.get(unit=unit).occupancies.get().customer == owner
    assert Customer.objects.count() == 1


def test_a_locked_record_is_changed_only_through_an_approved_request__R9(client):
    occupancy = moved_in()
    customer, dossier = occupancy.customer, occupancy.dossier
    old_mobile = customer.mobile
    front = user_with_role(Role.FRONT_DESK)
    client.force_login(front)
    url = reverse("customers:customer_edit", args=[dossier.pk, customer.pk])
    form = client.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data["birth_date"] = customer.birth_date.isoformat()
    data["mobile"] = "13900001111"
    # without a reason: refused beside the field, nothing changes
    response = client.post(url, data)
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    data["reason"] = "业主更换手机号"
    assert client.post(url, data).status_code == 302
    customer.refresh_from_db()
    assert customer.mobile == old_mobile  # the original stands until approved
    cr = ChangeRequest.objects.get()
    assert cr.changes == {"mobile": [old_mobile, "13900001111"]}
    # the front desk cannot approve at all
    with pytest.raises(PermissionDenied):
        services.change_request_approve(change_request=cr, actor=front)
    manager = user_with_role(Role.MANAGER)
    client.force_login(manager)
    detail = reverse("customers:change_request_detail", args=[cr.pk])
    client.post(detail, {"decision": "approve", "note": "已核对"})
    cr.refresh_from_db()
    customer.refresh_from_db()
    assert cr.status == ChangeRequest.Status.APPROVED and cr.decided_by == manager
    assert customer.mobile == "13900001111"
    latest = customer.history.first()
    assert "业主更换手机号" in latest.history_change_reason
    assert latest.history_user == manager
    # the history page shows who, when, what and why (masked)
    html = client.get(reverse("customers:dossier_history", args=[dossier.pk])).content.decode()
    assert "业主更换手机号" in html and "139****1111" in html and "13900001111" not in html


def test_a_manager_cannot_approve_their_own_request__R9():
    occupancy = moved_in()
    manager = user_with_role(Role.MANAGER)
    cr = services.customer_update(
        customer=occupancy.customer,
        data={"address": "新址"},
        actor=manager,
        dossier=occupancy.dossier,
        reason="更正",
    )
    with pytest.raises(services.DomainError):
        services.change_request_approve(change_request=cr, actor=manager)
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.Status.REQUESTED


def test_a_rejected_request_changes_nothing_and_needs_a_reason__R9(client):
    occupancy = moved_in()
    customer = occupancy.customer
    cr = services.customer_update(
        customer=customer,
        data={"address": "北京市朝阳区"},
        actor=user_with_role(Role.FRONT_DESK),
        dossier=occupancy.dossier,
        reason="搬家",
    )
    manager = user_with_role(Role.MANAGER)
    with pytest.raises(services.DomainError):
        services.change_request_reject(change_request=cr, actor=manager, note=" ")
    services.change_request_reject(change_request=cr, actor=manager, note="无证明材料")
    customer.refresh_from_db()
    assert customer.address != "北京市朝阳区"
    with pytest.raises(services.DomainError):  # decided once, never again
        services.change_request_approve(change_request=cr, actor=manager)


def test_front_desk_cannot_decide_change_requests__R9(client):
    occupancy = moved_in()
    cr = services.customer_update(
        customer=occupancy.customer,
        data={"address": "x"},
        actor=user_with_role(Role.MANAGER),
        dossier=occupancy.dossier,
        reason="更正",
    )
    client.force_login(user_with_role(Role.FRONT_DESK))
    response = client.post(
        reverse("customers:change_request_detail", args=[cr.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.Status.REQUESTED


def test_an_unconfirmed_record_is_edited_directly__R9():
    occupancy = moved_in(verified=False)
    customer = occupancy.customer
    result = services.customer_update(
        customer=customer,
        data={"address": "杭州市西湖区"},
        actor=user_with_role(Role.FRONT_DESK),
        dossier=occupancy.dossier,
    )
    assert result == customer
    customer.refresh_from_db()
    assert customer.address == "杭州市西湖区"
    assert not ChangeRequest.objects.exists()


def test_a_changed_contact_is_kept_not_overwritten__R10(client):
    occupancy = moved_in()
    customer, dossier = occupancy.customer, occupancy.dossier
    front = user_with_role(Role.FRONT_DESK)
    old = services.contact_add(
        customer=customer,
        data={
            "kind": "emergency",
            "name": "李娜",
            "mobile": "13912345678",
            "valid_from": datetime.date(2024, 1, 1),
        },
        actor=front,
    )
    client.force_login(front)
    response = client.post(
        reverse("customers:contact_replace", args=[dossier.pk, old.pk]),
        {"name": "王强", "relation": "兄弟", "mobile": "13698765432", "valid_from": "2026-11-20"},
    )
    assert response.status_code == 302
    old.refresh_from_db()
    new = Contact.objects.get(name="王强")
    assert old.valid_until == datetime.date(2026, 11, 20) and old.replaced_by == new
    assert new.kind == "emergency" and new.is_current
    assert Contact.objects.filter(customer=customer).count() == 2
    html = client.get(reverse("customers:dossier_detail", args=[dossier.pk])).content.decode()
    assert "李娜" in html and "王强" in html
    with pytest.raises(services.DomainError):
        services.contact_replace(
            contact=old, data={"name": "x", "mobile": "13600000000"}, actor=front
        )


def test_household_changes_are_recorded_as_history__R10(client):
    occupancy = moved_in()
    front = user_with_role(Role.FRONT_DESK)
    client.force_login(front)
    dossier, customer = occupancy.dossier, occupancy.customer
    response = client.post(
        reverse("customers:member_add", args=[dossier.pk, customer.pk]),
        {"name": "张小雨", "relation": "女儿", "sex": "F", "joined_on": "2026-01-05"},
    )
    assert response.status_code == 302
    member = customer.members.get()
    client.post(reverse("customers:member_leave", args=[dossier.pk, member.pk]))
    member.refresh_from_db()
    assert member.left_on is not None
    assert member.history.count() == 2  # joined, left: nothing overwritten silently
    html = client.get(reverse("customers:dossier_history", args=[dossier.pk])).content.decode()
    assert "张小雨" in html
