"""Front-desk journeys in a real browser: register and move in, verify, search, reveal."""

import datetime

import pytest

from core.models import AccessLog
from core.roles import Role
from customers.models import Occupancy

from ..customers.factories import UnitFactory, resident_id
from ..factories import user_with_role
from .support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_move_in_verify_search_and_reveal(page, browser, live_server, screenshot):
    unit = UnitFactory(
        building__estate__name="翠湖苑",
        building__estate__code="CH",
        building__number="3",
        entrance="2",
        floor=12,
        room="1201",
    )
    UnitFactory(building=unit.building, entrance="2", floor=12, room="1202")
    front = user_with_role(Role.FRONT_DESK, first_name="晓梅", last_name="王")
    manager = user_with_role(Role.MANAGER, first_name="建国", last_name="李")
    id_number = resident_id(datetime.date(1988, 8, 8), "F", region="320115")

    # 1. the front desk registers a customer and moves her in, in one form
    log_in(page, front.username)
    page.click("nav.nav >> text=入住登记")
    page.select_option("#id_move-estate", label="翠湖苑")
    page.wait_for_selector("#id_move-building option:has-text('3')", state="attached")
    page.select_option("#id_move-building", label="3")
    page.wait_for_selector("#id_move-unit option:has-text('1201')", state="attached")
    page.select_option("#id_move-unit", label="2-1201（12层）· 空置")
    page.check("input[name='customer-kind'][value='individual']")
    page.fill("#id_customer-name", "林小红")
    page.select_option("#id_customer-sex", "F")
    page.fill("#id_customer-birth_date", "1988-08-08")
    # first a typo in the ID number: refused beside the field, the rest kept
    page.fill("#id_customer-id_number", id_number[:-1] + ("1" if id_number[-1] != "1" else "2"))
    page.fill("#id_customer-mobile", "13912345678")
    page.fill("#id_customer-address", "南京市雨花台区软件大道101号")
    page.click("button:has-text('登记入住')")
    page.wait_for_selector("#id_customer-id_number_error")
    assert page.input_value("#id_customer-name") == "林小红"
    screenshot(page, "move-in-error")
    page.fill("#id_customer-id_number", id_number)
    page.click("button:has-text('登记入住')")
    page.wait_for_selector("[data-testid=archive-number]")
    assert page.inner_text("[data-testid=archive-number]") == "CH-3-2-1201"
    assert "林小红" in page.inner_text("[data-testid=dossier-label]")
    assert page.locator("[data-testid=verify]").count() == 0  # not by the recorder
    screenshot(page, "dossier-pending")

    # 2. a manager verifies (信息核实), searches by phone and reveals the ID with a reason
    context = browser.new_context(viewport={"width": 1366, "height": 860})
    other = context.new_page()
    other.base_url = live_server.url
    log_in(other, manager.username)
    other.goto(live_server.url + "/dossiers/verifications/")
    other.click("text=CH-3-2-1201")
    other.click("[data-testid=verify]")
    other.wait_for_selector(".alert-success")
    assert Occupancy.objects.get().status == Occupancy.Status.ACTIVE
    other.goto(live_server.url + "/dossiers/")
    other.fill("input[name=q]", "13912345678")
    other.click("button:has-text('查询')")
    other.wait_for_selector("[data-testid=dossier-table] >> text=CH-3-2-1201")
    assert "139****5678" not in other.inner_text("[data-testid=dossier-table]")  # names only
    screenshot(other, "search-by-phone")
    other.click("[data-testid=dossier-table] >> text=CH-3-2-1201")
    masked = other.inner_text("[data-testid=id-number]")
    assert masked == f"{id_number[:6]}********{id_number[-4:]}"
    other.click("[data-testid=reveal-toggle]")
    other.fill("#id_reason", "办理门禁卡核对身份")
    other.click("[data-testid=reveal-submit]")
    other.wait_for_selector("[data-testid=revealed]")
    assert id_number in other.inner_text("[data-testid=revealed]")
    screenshot(other, "dossier-revealed")
    assert AccessLog.objects.filter(user=manager, action="reveal").count() == 1
    context.close()
