"""Confidentiality in a real browser (R16, R17): a masked edit form, a move-in that types a
confidential customer's ID number, a manager's reveal and decision."""

import datetime

import pytest

from core.models import AccessLog
from core.roles import Role
from customers import permissions
from customers.models import Customer, MoveInReferral, Occupancy

from ..customers.factories import CustomerFactory, UnitFactory, dossier_for, moved_in, resident_id
from ..factories import user_with_role
from .support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_masked_form_referred_move_in_and_a_managers_decision(
    page, browser, live_server, screenshot
):
    # an ordinary dossier whose owner is not verified yet, and a confidential one
    ordinary = moved_in(
        customer=CustomerFactory(
            name="周婷", mobile="13812345678", address="上海市浦东新区世纪大道100号3栋1201室"
        ),
        verified=False,
    )
    secret_dossier = dossier_for(secrecy="B")
    secret = moved_in(
        secret_dossier,
        CustomerFactory(
            name="欧阳秘",
            id_number=resident_id(datetime.date(1970, 1, 1), "M"),
            mobile="13688889999",
        ),
    )
    front = user_with_role(Role.FRONT_DESK, first_name="晓梅", last_name="王")
    manager = user_with_role(Role.MANAGER, first_name="建国", last_name="李")
    permissions.grant_dossier(manager, secret_dossier, reveal=True)
    customer = ordinary.customer

    # 1. the front desk opens the customer's edit form: every personal field is masked
    log_in(page, front.username)
    page.wait_for_selector("[data-testid=greeting]")
    page.goto(f"{live_server.url}/dossiers/{ordinary.dossier_id}/customers/{customer.pk}/edit/")
    page.wait_for_selector("[data-testid=masked-note]")
    assert (
        page.input_value("#id_id_number")
        == f"{customer.id_number[:6]}********{customer.id_number[-4:]}"
    )
    assert page.input_value("#id_mobile") == "138****5678"
    assert customer.id_number not in page.content() and "13812345678" not in page.content()
    screenshot(page, "customer-edit-masked")
    # she corrects the phone by typing a new one; the masked ID and address stay as they are
    page.fill("#id_mobile", "13900001111")
    page.click("button[type=submit].btn-primary")
    page.wait_for_selector(".alert-success")
    stored = Customer.objects.get(pk=customer.pk)
    assert stored.mobile == "13900001111"
    assert stored.id_number == customer.id_number
    assert stored.address == "上海市浦东新区世纪大道100号3栋1201室"

    # 2. she types the confidential customer's ID number for a move-in at another unit
    unit = UnitFactory(building__estate__name="翠湖苑", building__number="3", room="1502")
    page.goto(f"{live_server.url}/dossiers/move-in/?unit={unit.pk}")
    page.check("input[name='customer-kind'][value='individual']")
    page.fill("#id_customer-name", "陈静")
    page.select_option("#id_customer-sex", "M")
    page.fill("#id_customer-birth_date", "1970-01-01")
    page.fill("#id_customer-id_number", secret.customer.id_number)
    page.fill("#id_customer-mobile", "13711112222")
    page.click("[data-testid=move-in-form] button[type=submit]")
    page.wait_for_selector("[data-testid=referral-status]")
    html = page.content()
    for word in ("欧阳秘", "13688889999", secret_dossier.archive_number):
        assert word not in html, word
    screenshot(page, "move-in-referred")
    referral = MoveInReferral.objects.get()
    assert not Occupancy.objects.filter(dossier__unit=unit).exists()

    # 3. the manager, granted on the confidential dossier, compares and accepts
    context = browser.new_context(viewport={"width": 1366, "height": 860})
    other = context.new_page()
    other.base_url = live_server.url
    log_in(other, manager.username)
    other.wait_for_selector("[data-testid=greeting]")
    other.goto(f"{live_server.url}/dossiers/referrals/{referral.pk}/")
    assert "欧阳秘" in other.content()
    assert secret.customer.id_number not in other.content()  # masked for the decider too
    screenshot(other, "referral-decision")
    other.fill("#id_note", "同一人，已电话核实")
    other.click("button[value=approve]")
    other.wait_for_selector(".alert-success")
    referral.refresh_from_db()
    assert referral.status == MoveInReferral.Status.ACCEPTED
    assert referral.occupancy.dossier.unit == unit

    # 4. he reveals the ordinary dossier's data with a reason, back on the edit form
    other.goto(f"{live_server.url}/dossiers/{ordinary.dossier_id}/customers/{customer.pk}/edit/")
    other.fill("#id_reason", "核实业主身份办理过户")
    other.click("[data-testid=reveal-submit]")
    other.wait_for_selector("#id_id_number")
    other.wait_for_function(
        "n => document.querySelector('#id_id_number').value === n", arg=customer.id_number
    )
    assert other.input_value("#id_mobile") == "13900001111"
    screenshot(other, "customer-edit-revealed")
    assert (
        AccessLog.objects.filter(
            user=manager, action=AccessLog.Action.REVEAL, reason="核实业主身份办理过户"
        ).count()
        >= 2
    )
    context.close()
