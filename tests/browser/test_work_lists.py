"""Two journeys through the work lists on the home page, in a real browser: a move-in picked
by its vacancy and verified by a manager from their home page; a complaint taken from an
occupant, its steps advancing on their own, its return visit, its closing. Each ends on what
the user sees."""

import datetime
import os
import shutil
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from core.roles import Role
from customers import services as customer_services
from customers.models import Dossier, Occupancy
from records.models import Complaint, Visit

from ..customers.factories import UnitFactory, dossier_for, moved_in, resident_id
from ..factories import user_with_role
from ..records.factories import occupied_dossier
from .support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# screenshots go to var/screens/; SHOTS_DIR names a second folder to copy them to
SHOTS = os.environ.get("SHOTS_DIR", "")
VIEWPORT = {"width": 1366, "height": 860}


@pytest.fixture
def shot(screenshot):
    def take(page, name):
        path = screenshot(page, f"work-lists-{name}")
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(SHOTS) / f"{name}.png")

    return take


def _log_in(page, user):
    log_in(page, user.username)
    page.wait_for_selector("[data-testid=greeting]")


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_register_move_in_by_vacancy_and_verify_from_the_home_page(page, browser, shot):
    vacant = UnitFactory(
        building__estate__name="翠湖苑",
        building__estate__code="CH",
        building__number="3",
        entrance="2",
        floor=12,
        room="1201",
    )
    occupied = UnitFactory(building=vacant.building, entrance="2", floor=12, room="1202")
    moved_in(dossier_for(occupied))
    front = user_with_role(Role.FRONT_DESK, first_name="晓梅", last_name="王")
    manager = user_with_role(Role.MANAGER, first_name="建国", last_name="李")
    id_number = resident_id(datetime.date(1990, 4, 5), "F", region="320115")

    # 1. the front desk picks the vacant unit by what the picker says of it
    _log_in(page, front)
    page.click("nav.nav >> text=入住登记")
    page.select_option("#id_move-estate", label="翠湖苑")
    page.wait_for_selector("#id_move-building option:has-text('3')", state="attached")
    page.select_option("#id_move-building", label="3")
    page.wait_for_selector("#id_move-unit option:has-text('1201')", state="attached")
    labels = page.locator("#id_move-unit option").all_inner_texts()
    assert "2-1201（12层）· 空置" in labels
    assert "2-1202（12层）· 已入住" in labels
    page.select_option("#id_move-unit", label="2-1201（12层）· 空置")
    shot(page, "move-in-picker")
    page.check("input[name='customer-kind'][value='individual']")
    page.fill("#id_customer-name", "林小红")
    page.select_option("#id_customer-sex", "F")
    page.fill("#id_customer-birth_date", "1990-04-05")
    page.fill("#id_customer-id_number", id_number[:-1] + ("1" if id_number[-1] != "1" else "2"))
    page.fill("#id_customer-mobile", "13912345678")
    page.fill("#id_customer-address", "南京市雨花台区软件大道101号")
    # a typo in the ID number: the form comes back with the error, the unit picker the same
    _submit(page, "button:has-text('登记入住')")
    page.wait_for_selector("#id_customer-id_number_error")
    assert page.locator("#id_move-unit option").all_inner_texts() == labels
    assert page.locator("#id_move-unit option:checked").inner_text() == "2-1201（12层）· 空置"
    shot(page, "move-in-error-same-labels")
    page.fill("#id_customer-id_number", id_number)
    _submit(page, "button:has-text('登记入住')")
    page.wait_for_selector("[data-testid=archive-number]")
    assert page.inner_text("[data-testid=archive-number]") == "CH-3-2-1201"

    # 2. the manager finds it waiting on their home page and verifies it
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    other = context.new_page()
    other.base_url = page.base_url
    _log_in(other, manager)
    waiting = other.locator("[data-testid=worklist-verifications]")
    expect(waiting.locator("[data-testid=worklist-count]")).to_have_text("1")
    expect(waiting.locator("[data-testid=worklist-item]")).to_contain_text("CH-3-2-1201 · 林小红")
    shot(other, "home-manager-verification-waiting")
    with other.expect_navigation():
        waiting.locator("[data-testid=worklist-item] a").click()
    _submit(other, "[data-testid=verify]")
    expect(other.locator(".alert-success")).to_be_visible()
    assert Occupancy.objects.get(dossier__unit=vacant).status == Occupancy.Status.ACTIVE
    assert Dossier.objects.get(unit=vacant).status == Dossier.Status.OCCUPIED

    # 3. back home, nothing of it waits any more; the picker now says the unit is occupied
    other.goto(other.base_url + "/")
    expect(other.locator("[data-testid=worklist-verifications]")).to_have_count(0)
    shot(other, "home-manager-after")
    page.goto(page.base_url + reverse("customers:move_in") + f"?unit={vacant.pk}")
    expect(page.locator("#id_move-unit option:checked")).to_have_text("2-1201（12层）· 已入住")
    context.close()


def test_a_complaint_from_an_occupant_to_its_closing(page, shot):
    dossier, section = occupied_dossier()
    front = user_with_role(Role.FRONT_DESK, first_name="晓梅", last_name="王")
    spouse = customer_services.household_member_add(
        customer=section.customer,
        data={"name": "刘芳", "relation": "配偶", "joined_on": timezone.localdate()},
        actor=front,
    )
    subject = "楼道垃圾三天未清运"
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations (data-confirm)

    # 1. the front desk sees the complaint to take down nowhere yet: a calm home page
    _log_in(page, front)
    expect(page.locator("[data-testid=worklist-open_complaints]")).to_have_count(0)

    # 2. the complaint, its complainant picked from the unit's occupants
    page.goto(page.base_url + reverse("records:complaint_add", args=[dossier.pk]))
    occupants = page.locator("#id_complainant_choice option").all_inner_texts()
    assert occupants[:2] == [f"{section.customer.name}（业主）", "刘芳（配偶）"]
    page.select_option("#id_complainant_choice", label="刘芳（配偶）")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_category", "cleaning")
    moment = timezone.localtime() - datetime.timedelta(hours=1)
    page.fill("#id_received_at", moment.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_subject", subject)
    page.fill("#id_heard", "住户反映楼道垃圾三天无人清运，气味很大。")
    shot(page, "complaint-form")
    _submit(page, "main form[method=post] button[type=submit]")
    complaint = Complaint.objects.get()
    assert complaint.complainant == spouse.name

    # 3. the step form proposes each next open step on its own
    for step, note in [
        ("asked", "问清：3栋2单元楼道，周一至今未清运。"),
        ("followed", "跟清：已通知保洁班组当天清运。"),
        ("rechecked", "复清：次日复查，已清运干净。"),
        ("logged", "记清：已登记投诉台账。"),
    ]:
        assert page.input_value("#id_step") == step
        page.fill("#id_note", note)
        _submit(page, "[data-testid=step-form] button[type=submit]")
        expect(page.locator(".messages .alert-success").first).to_be_visible()
    expect(page.locator("[data-testid=steps-done]")).to_contain_text("5/5")
    # the history names what changed, old → new
    expect(page.locator("[data-testid=history-change]").first).to_contain_text("→")
    expect(page.locator("[data-testid=history-change]").first).to_contain_text("记清")
    _submit(page, "[data-testid=mark-handled]")

    # 4. the return visit, saved, returns to the complaint
    with page.expect_navigation():
        page.click("[data-testid=add-return-visit]")
    page.select_option("#id_method", "phone")
    page.fill("#id_visited_person", spouse.name)
    page.fill("#id_purpose", "投诉处理回访")
    page.fill("#id_notes", "住户对清运结果满意。")
    page.select_option("#id_satisfaction", "5")
    _submit(page, "main form[method=post] button[type=submit]")
    page.wait_for_url("**" + reverse("records:complaint_detail", args=[complaint.pk]))
    assert Visit.objects.get().complaint_id == complaint.pk
    expect(page.locator("[data-testid=return-visits]")).to_contain_text(spouse.name)

    # 5. it closes: the page says so, and nothing of it waits on the home page
    _submit(page, "[data-testid=complaint-close]")
    with translation.override("zh-hans"):
        closed = str(Complaint.Status.CLOSED.label)
    expect(page.locator("[data-testid=complaint-status]")).to_have_text(closed)
    expect(page.locator("[data-testid=step-form]")).to_have_count(0)
    shot(page, "complaint-closed")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    page.goto(page.base_url + "/")
    expect(page.locator("[data-testid=worklist-open_complaints]")).to_have_count(0)
    expect(page.locator("[data-testid=worklist-return_visits_due]")).to_have_count(0)
    shot(page, "home-front-desk-after")
