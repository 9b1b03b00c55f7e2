"""The records of a dossier in a real browser (Playwright driving Debian's chromium).

Every kind in the dossier page's “Record” menu is filled in as the front desk would: first with
a mistake (the error is said beside the field and what was typed is kept), then right; the
record's page shows what was entered and the dossier's timeline gains its line. Then the moves
that follow: a complaint's five clears, return visit and closing; a repair's work order,
completion and feedback; a manager's decisions from the approvals inbox (application, deposit
refund, renovation); a payment and the arrears list; the visit schedule; the dossier as of a
date; a document attached to a letter. Screenshots go to var/screens/records-*.png.
"""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from core.roles import Role
from customers.models import Occupancy
from records.complaints import services as complaints
from records.models import (
    Application,
    Charge,
    Complaint,
    Correspondence,
    Deposit,
    Lease,
    Renovation,
    Repair,
    Violation,
    Visit,
)
from records.panels import RECORD_KINDS

from ..customers.factories import CustomerFactory, moved_in
from ..documents.factories import category
from ..factories import user_with_role
from ..records.factories import occupied_dossier
from .support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n%records\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
VIEWPORT = {"width": 1366, "height": 860}
SAVE = "main form[method=post] button[type=submit]"
DAY = datetime.timedelta(days=1)


# --- helpers -------------------------------------------------------------------------------------
class Watch:
    """What every page of a test met: confirmations are accepted (data-confirm), server errors
    and script errors are kept to fail the test at its end."""

    def __init__(self):
        self.server_errors, self.script_errors = [], []

    def attach(self, page):
        page.on("dialog", lambda dialog: dialog.accept())
        page.on("response", self._response)
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        return page

    def _response(self, response):
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")


@pytest.fixture
def watch(page):
    watch = Watch()
    watch.attach(page)
    yield watch
    assert not watch.server_errors, watch.server_errors
    assert not watch.script_errors, watch.script_errors


@pytest.fixture
def open_as(browser, live_server, watch):
    """A second person in their own browser context (a manager deciding, say)."""
    contexts = []

    def open_as(user):
        context = browser.new_context(
            viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        contexts.append(context)
        other = watch.attach(context.new_page())
        other.set_default_timeout(15000)
        other.base_url = live_server.url
        _log_in(other, user)
        return other

    yield open_as
    for context in contexts:
        context.close()


def _log_in(page, user):
    log_in(page, user.username)
    page.wait_for_selector("[data-testid=greeting]")


def _front_desk():
    return user_with_role(Role.FRONT_DESK, first_name="晓梅", last_name="王")


def _manager():
    return user_with_role(Role.MANAGER, first_name="建国", last_name="李")


def _today():
    return timezone.localdate()


def _minute(moment):
    """A moment as a datetime-local input takes it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _go(page, name, *args, query=""):
    page.goto(page.base_url + reverse(name, args=args) + query)


def _pick(page, dossier, url_name):
    """From the dossier's page, open the “Record” menu and choose one kind of record."""
    _go(page, "customers:dossier_detail", dossier.pk)
    page.click("[data-testid=record-add]")
    menu = page.locator("[data-testid=records-panel] .dropdown-menu a")
    expect(menu).to_have_count(len(RECORD_KINDS))  # the front desk may record every kind
    href = reverse(url_name, kwargs={"dossier_pk": dossier.pk})
    item = menu.and_(page.locator(f"[href='{href}']"))
    expect(item).to_be_visible()
    item.click()
    page.wait_for_url(f"**{href}")


def _submit(page, selector=SAVE):
    with page.expect_navigation():
        page.click(selector)


def _field_error(page, field):
    """The error shown beside the field ``field``."""
    error = page.locator(f"#id_{field}_error")
    expect(error).to_be_visible()
    text = error.inner_text().strip()
    assert text
    return text


def _success(page):
    expect(page.locator(".messages .alert-success").first).to_be_visible()


def _timeline_has(page, dossier, kind, *texts):
    """The dossier's timeline shows a line of ``kind`` holding every one of ``texts``."""
    _go(page, "customers:dossier_detail", dossier.pk)
    entry = page.locator(f"[data-testid=timeline] [data-testid=timeline-entry][data-kind={kind}]")
    for text in texts:
        entry = entry.filter(has_text=text)
    expect(entry.first).to_be_visible()


def _document_categories():
    """The document categories come from a data migration, which the flush between
    transactional tests empties: put them back."""
    category()


# --- complaints and visits -----------------------------------------------------------------------
CLEARS = [
    ("asked", "问清：噪音来自1302室，施工时段为每晚22:00至23:30。"),
    ("followed", "跟清：已联系1302室业主，承诺晚上20:00后停止施工。"),
    ("rechecked", "复清：次日晚间巡查，未再发现夜间施工。"),
    ("logged", "记清：已在投诉台账登记处理经过。"),
]


def test_complaint_five_clears_return_visit_and_close(page, watch, screenshot):
    dossier, section = occupied_dossier()
    front = _front_desk()
    _log_in(page, front)
    subject = "楼上夜间装修噪音"

    # 1. the complaint, first as a collective one without the other households' dossiers
    _pick(page, dossier, "records:complaint_add")
    page.fill("#id_complainant", section.customer.name)
    page.select_option("#id_channel", "phone")
    page.select_option("#id_category", "noise")
    page.fill("#id_received_at", _minute(timezone.now() - datetime.timedelta(hours=1)))
    page.fill("#id_subject", subject)
    page.fill("#id_heard", "业主反映楼上连续三晚22点后施工，影响休息。")
    page.fill("#id_households", "3")
    _submit(page)
    _field_error(page, "other_dossiers")
    assert page.input_value("#id_subject") == subject
    assert page.input_value("#id_complainant") == section.customer.name
    assert page.input_value("#id_category") == "noise"
    screenshot(page, "records-complaint-form-error")
    page.fill("#id_households", "1")
    _submit(page)
    _success(page)
    complaint = Complaint.objects.get()
    assert page.url.endswith(reverse("records:complaint_detail", args=[complaint.pk]))
    assert subject in page.inner_text("h1")
    expect(page.locator("[data-testid=steps-done]")).to_contain_text("1/5")
    _timeline_has(page, dossier, "complaint", subject)

    # 2. the other four clears; an empty note is refused beside it
    _go(page, "records:complaint_detail", complaint.pk)
    page.select_option("#id_step", "asked")
    _submit(page, "[data-testid=step-form] button[type=submit]")
    _field_error(page, "note")
    for step, note in CLEARS:
        page.select_option("#id_step", step)
        page.fill("#id_note", note)
        _submit(page, "[data-testid=step-form] button[type=submit]")
        _success(page)
    expect(page.locator("[data-testid=steps-done]")).to_contain_text("5/5")
    expect(page.locator("[data-testid=step-log]")).to_contain_text("1302室")

    # 3. handled; closing is refused until the return visit (R43)
    _submit(page, "[data-testid=mark-handled]")
    _success(page)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REPLIED
    _submit(page, "[data-testid=complaint-close]")
    expect(page.locator(".messages .alert-danger")).to_be_visible()
    expect(page.locator("[data-testid=close-blockers] li")).to_have_count(1)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REPLIED
    screenshot(page, "records-complaint-close-refused")

    # 4. the return visit, from the complaint's page: first dated tomorrow
    page.click("[data-testid=add-return-visit]")
    page.wait_for_url("**" + reverse("records:visit_add", args=[dossier.pk]) + "*")
    assert page.input_value("#id_kind") == "return_visit"
    assert page.input_value("#id_complaint") == str(complaint.pk)
    assert page.input_value("#id_visitor") == str(front.pk)
    page.select_option("#id_method", "phone")
    page.fill("#id_visited_on", (_today() + DAY).isoformat())
    page.fill("#id_visited_person", section.customer.name)
    page.fill("#id_purpose", "投诉处理回访")
    page.fill("#id_notes", "业主表示夜间已安静，对处理结果满意。")
    page.select_option("#id_satisfaction", "4")
    _submit(page)
    _field_error(page, "visited_on")
    assert page.input_value("#id_purpose") == "投诉处理回访"
    page.fill("#id_visited_on", _today().isoformat())
    _submit(page)
    _success(page)
    visit = Visit.objects.get()
    assert visit.complaint_id == complaint.pk and visit.satisfaction == 4

    # 5. saved, the return visit is back on its complaint, which now closes (after the
    # confirmation)
    page.wait_for_url("**" + reverse("records:complaint_detail", args=[complaint.pk]))
    expect(page.locator("[data-testid=close-blockers]")).to_have_count(0)
    expect(page.locator("[data-testid=return-visits]")).to_contain_text(section.customer.name)
    _submit(page, "[data-testid=complaint-close]")
    _success(page)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED and complaint.locked
    expect(page.locator("[data-testid=step-form]")).to_have_count(0)
    screenshot(page, "records-complaint-closed")

    _timeline_has(page, dossier, "visit", subject)
    _timeline_has(page, dossier, "complaint", subject)
    screenshot(page, "records-dossier-timeline")
    _go(page, "records:complaint_list")
    expect(page.locator("[data-testid=complaint-table]")).to_contain_text(subject)


# --- repairs -------------------------------------------------------------------------------------
def test_repair_work_order_completion_feedback_and_return_visit(page, watch, screenshot):
    dossier, section = occupied_dossier()
    _log_in(page, _front_desk())

    # 1. reported: first with a time in the future
    _pick(page, dossier, "records:repair_add")
    assert page.input_value("#id_reported_by_name") == section.customer.name
    page.fill("#id_reported_at", _minute(timezone.now() + DAY))
    page.fill("#id_location", "卫生间")
    page.fill("#id_description", "洗手盆下水管漏水，地面积水。")
    _submit(page)
    _field_error(page, "reported_at")
    assert page.input_value("#id_location") == "卫生间"
    assert page.input_value("#id_description") == "洗手盆下水管漏水，地面积水。"
    page.fill("#id_reported_at", _minute(timezone.now() - datetime.timedelta(hours=2)))
    _submit(page, "[data-testid=save]")
    _success(page)
    repair = Repair.objects.get()
    assert repair.status == Repair.Status.REPORTED
    expect(page.locator("[data-testid=status]")).to_be_visible()
    expect(page.locator("main")).to_contain_text("洗手盆下水管漏水")
    _timeline_has(page, dossier, "repair", "卫生间")

    # 2. the work order: nobody assigned is refused, then the next number is issued
    _go(page, "records:repair_detail", repair.pk)
    _submit(page, "[data-testid=order]")
    _field_error(page, "assigned_to")
    page.fill("#id_assigned_to", "维修班刘师傅")
    _submit(page, "[data-testid=order]")
    _success(page)
    repair.refresh_from_db()
    assert repair.work_order_number.startswith("WX")
    expect(page.locator("[data-testid=work-order-number]")).to_have_text(repair.work_order_number)
    expect(page.locator("[data-testid=work-order]")).to_contain_text("维修班刘师傅")

    # 3. completed (a cost typed wrong first), 4. the customer's feedback closes it
    page.fill("#id_work_done", "更换下水管及密封圈，试水无渗漏。")
    page.fill("#id_cost", "-85")
    _submit(page, "[data-testid=complete]")
    _field_error(page, "cost")
    assert page.input_value("#id_work_done") == "更换下水管及密封圈，试水无渗漏。"
    page.fill("#id_cost", "85")
    _submit(page, "[data-testid=complete]")
    _success(page)
    expect(page.locator("[data-testid=completion]")).to_contain_text("¥85.00")
    page.select_option("#id_satisfaction", "5")
    page.fill("#id_feedback", "师傅上门及时，很满意。")
    _submit(page, "[data-testid=close]")
    _success(page)
    repair.refresh_from_db()
    assert repair.status == Repair.Status.CLOSED and repair.locked
    expect(page.locator("[data-testid=feedback]")).to_contain_text("师傅上门及时")
    expect(page.locator("[data-testid=locked]")).to_be_visible()
    screenshot(page, "records-repair-closed")

    # 5. its return visit, from the repair's page
    page.click("[data-testid=return-visit]")
    assert page.input_value("#id_repair") == str(repair.pk)
    assert page.input_value("#id_kind") == "return_visit"
    page.fill("#id_visited_person", section.customer.name)
    page.fill("#id_purpose", "维修回访")
    _submit(page)
    _success(page)
    assert Visit.objects.get().repair_id == repair.pk
    _timeline_has(page, dossier, "repair", repair.work_order_number)
    _timeline_has(page, dossier, "visit", repair.work_order_number)


# --- letters, applications and a manager's decision; an attachment -------------------------------
def test_letter_reply_attachment_and_application_decided_by_a_manager(
    page, watch, open_as, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    _document_categories()
    dossier, section = occupied_dossier()
    front, manager = _front_desk(), _manager()
    _log_in(page, front)

    # 1. a letter received, first dated tomorrow
    _pick(page, dossier, "records:letter_add")
    page.select_option("#id_direction", "in")
    page.fill("#id_dated", (_today() + DAY).isoformat())
    page.fill("#id_reference", "HC-2026-012")
    page.fill("#id_counterpart", section.customer.name)
    page.fill("#id_subject", "关于地下车位租赁的咨询函")
    page.fill("#id_summary", "业主询问地下车库B区车位的租赁价格及办理流程。")
    _submit(page)
    _field_error(page, "dated")
    assert page.input_value("#id_subject") == "关于地下车位租赁的咨询函"
    page.fill("#id_dated", _today().isoformat())
    _submit(page, "[data-testid=save]")
    _success(page)
    letter = Correspondence.objects.get()
    expect(page.locator("h1")).to_contain_text("关于地下车位租赁的咨询函")
    expect(page.locator("main")).to_contain_text("HC-2026-012")
    _timeline_has(page, dossier, "correspondence", "关于地下车位租赁的咨询函")

    # 2. its reply: the form comes filled in from the letter
    _go(page, "records:letter_detail", letter.pk)
    page.click("[data-testid=reply]")
    expect(page.locator("[data-testid=answering]")).to_be_visible()
    assert page.input_value("#id_direction") == "out"
    assert page.input_value("#id_in_reply_to") == str(letter.pk)
    assert "关于地下车位租赁的咨询函" in page.input_value("#id_subject")
    page.fill("#id_reference", "WY-2026-031")
    page.fill("#id_summary", "答复车位租赁价格为每月300元，可至客服中心办理。")
    _submit(page, "[data-testid=save]")
    _success(page)
    reply = Correspondence.objects.exclude(pk=letter.pk).get()
    assert reply.in_reply_to_id == letter.pk
    expect(page.locator("[data-testid=answers]")).to_contain_text("关于地下车位租赁的咨询函")

    # 3. its scan attached through the record page's “Attach” link
    scan = tmp_path / "复函.pdf"
    scan.write_bytes(PDF)
    page.click("[data-testid=attach]")
    page.wait_for_url("**/documents/**")
    expect(page.locator("[data-testid=attached-to]")).to_be_visible()
    assert page.input_value("#id_title")  # the letter's subject, to start with
    page.fill("#id_title", "车位租赁复函扫描件")
    page.select_option("#id_carrier", "electronic")
    page.set_input_files("#id_upload", str(scan))
    page.check("#id_is_original")  # a file is taken for a copy until said otherwise
    screenshot(page, "records-attach-form")
    _submit(page, "main form button[type=submit]")
    page.wait_for_url("**" + reverse("records:letter_detail", args=[reply.pk]))
    expect(page.locator("[data-testid=attachments]")).to_contain_text("车位租赁复函扫描件")
    screenshot(page, "records-letter-with-attachment")

    # 4. an application for a parking space, first without its period of validity
    _pick(page, dossier, "records:application_add")
    assert page.input_value("#id_applicant") == section.customer.name
    page.select_option("#id_kind", "parking")
    page.fill("#id_details", "申请租用地下车库B区B-118车位。")
    _submit(page)
    _field_error(page, "valid_from")
    _field_error(page, "valid_until")
    assert page.input_value("#id_details") == "申请租用地下车库B区B-118车位。"
    assert page.input_value("#id_kind") == "parking"
    screenshot(page, "records-application-form-error")
    page.fill("#id_valid_from", _today().isoformat())
    page.fill("#id_valid_until", (_today() + datetime.timedelta(days=364)).isoformat())
    _submit(page, "[data-testid=save]")
    _success(page)
    application = Application.objects.get()
    expect(page.locator("main")).to_contain_text("B-118")
    expect(page.locator("[data-testid=decide-form]")).to_have_count(0)  # not the front desk's
    _timeline_has(page, dossier, "application", section.customer.name)

    # 5. a manager finds it in the approvals inbox; rejecting needs a reason; approves
    other = open_as(manager)
    _go(other, "records:approval_list")
    expect(other.locator("[data-testid=applications] [data-testid=count]")).to_have_text("1")
    screenshot(other, "records-approvals-inbox")
    other.click("[data-testid=applications] tbody a")
    other.wait_for_url("**" + reverse("records:application_detail", args=[application.pk]))
    _submit(other, "[data-testid=reject]")
    _field_error(other, "note")
    other.fill("#id_note", "车位已核实空置，同意。")
    _submit(other, "[data-testid=approve]")
    _success(other)
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.decided_by == manager
    expect(other.locator("[data-testid=decision]")).to_contain_text("李建国")
    screenshot(other, "records-application-approved")
    _timeline_has(page, dossier, "application", "车位已核实空置")


# --- leases, deposits and their refund; the dossier as of a date ---------------------------------
def test_lease_deposit_refund_approved_and_dossier_as_of(page, watch, open_as, screenshot):
    dossier, owner = occupied_dossier()
    tenant_day = _today() - datetime.timedelta(days=60)
    tenant = moved_in(
        dossier, CustomerFactory(name="陈静"), role=Occupancy.Role.TENANT, day=tenant_day
    ).customer
    front, manager = _front_desk(), _manager()
    _log_in(page, front)

    # 1. the lease with its deposit: first ending before it starts, the receipt forgotten
    _pick(page, dossier, "records:lease_add")
    page.select_option("#id_tenant", str(tenant.pk))
    assert owner.customer.name in page.input_value("#id_landlord")
    page.fill("#id_contract_number", "ZL-2026-018")
    page.fill("#id_signed_on", tenant_day.isoformat())
    page.fill("#id_starts_on", tenant_day.isoformat())
    page.fill("#id_ends_on", (tenant_day - DAY).isoformat())
    page.fill("#id_rent", "¥4,500")
    page.select_option("#id_payment_cycle", "quarterly")
    page.fill("#id_deposit_amount", "9000")
    _submit(page)
    _field_error(page, "ends_on")
    _field_error(page, "deposit_receipt_number")
    assert page.input_value("#id_contract_number") == "ZL-2026-018"
    assert page.input_value("#id_deposit_amount") == "9000"
    screenshot(page, "records-lease-form-error")
    ends = tenant_day + relativedelta(years=1) - DAY
    page.fill("#id_ends_on", ends.isoformat())
    page.fill("#id_deposit_receipt_number", "YJ-2026-0001")
    page.fill("#id_deposit_received_on", tenant_day.isoformat())
    _submit(page)
    _success(page)
    lease = Lease.objects.get()
    assert lease.tenant == tenant and lease.deposit.amount == 9000
    expect(page.locator("[data-testid=contract-number]")).to_have_text("ZL-2026-018")
    expect(page.locator("[data-testid=lease-deposit]")).to_contain_text("YJ-2026-0001")
    expect(page.locator("[data-testid=lease-deposit]")).to_contain_text("¥9,000.00")
    expect(page.locator("main")).to_contain_text("¥4,500.00")
    screenshot(page, "records-lease")
    _timeline_has(page, dossier, "lease", "ZL-2026-018")

    # 2. a key deposit typed with a full-width amount, first under the lease deposit's receipt
    _pick(page, dossier, "records:deposit_add")
    page.select_option("#id_kind", "keys")
    assert page.input_value("#id_payer") == tenant.name
    page.fill("#id_amount", "５００元")
    page.fill("#id_receipt_number", "YJ-2026-0001")
    _submit(page)
    _field_error(page, "receipt_number")
    assert page.input_value("#id_amount") == "５００元"
    page.fill("#id_receipt_number", "YJ-2026-0002")
    _submit(page)
    _success(page)
    deposit = Deposit.objects.get(receipt_number="YJ-2026-0002")
    expect(page.locator("[data-testid=deposit-amount]")).to_have_text("¥500.00")
    expect(page.locator("[data-testid=deposits-held]")).to_have_text("¥9,500.00")
    _timeline_has(page, dossier, "deposit", "YJ-2026-0002")

    # 3. the front desk asks for its refund, first more than was paid
    _go(page, "records:deposit_detail", deposit.pk)
    page.check("#id_settlement_0")
    page.fill("#id_refund_amount", "600")
    page.fill("#id_reason", "退还钥匙，扣除一把遗失钥匙的费用。")
    _submit(page, "[data-testid=settle-form] button[type=submit]")
    _field_error(page, "refund_amount")
    assert page.input_value("#id_reason") == "退还钥匙，扣除一把遗失钥匙的费用。"
    page.fill("#id_refund_amount", "400")
    _submit(page)
    _success(page)
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.REFUND_REQUESTED
    expect(page.locator("[data-testid=own-request]")).to_be_visible()
    expect(page.locator("[data-testid=decide-form]")).to_have_count(0)

    # 4. a manager approves it from the inbox: the refund voucher is asked for first
    other = open_as(manager)
    _go(other, "records:approval_list")
    row = other.locator("[data-testid=deposits] tbody tr", has_text="YJ-2026-0002")
    expect(row).to_contain_text("¥400.00")
    row.locator("a").click()
    other.wait_for_url("**" + reverse("records:deposit_detail", args=[deposit.pk]))
    _submit(other, "[data-testid=deposit-approve]")
    _field_error(other, "refund_receipt_number")
    other.fill("#id_refund_receipt_number", "TK-2026-0007")
    _submit(other, "[data-testid=deposit-approve]")
    _success(other)
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.REFUNDED and deposit.approved_by == manager
    expect(other.locator("[data-testid=refund-voucher]")).to_have_text("TK-2026-0007")
    expect(other.locator("[data-testid=deposits-held]")).to_have_text("¥9,000.00")
    screenshot(other, "records-deposit-refunded")
    _timeline_has(page, dossier, "deposit", "YJ-2026-0002")

    # 5. the dossier as of a date, from the records panel's link
    _go(page, "customers:dossier_detail", dossier.pk)
    page.click("[data-testid=records-panel] a[href$='/as-of/']")
    page.wait_for_selector("[data-testid=as-of-form]")
    page.fill("#id_date", (_today() + DAY).isoformat())
    _submit(page, "[data-testid=as-of-form] button[type=submit]")
    _field_error(page, "date")
    page.fill("#id_date", _today().isoformat())
    _submit(page, "[data-testid=as-of-form] button[type=submit]")
    expect(page.locator("[data-testid=leases]")).to_contain_text("ZL-2026-018")
    expect(page.locator("[data-testid=deposits]")).to_contain_text("YJ-2026-0001")
    expect(page.locator("[data-testid=deposits]")).not_to_contain_text("YJ-2026-0002")
    names = page.locator("[data-testid=occupant-name]").all_inner_texts()
    assert set(names) == {owner.customer.name, "陈静"}
    screenshot(page, "records-dossier-as-of")
    # every row was entered today, when the dossier was opened: the day before, it did not
    # exist yet
    page.fill("#id_date", (_today() - DAY).isoformat())
    _submit(page, "[data-testid=as-of-form] button[type=submit]")
    expect(page.locator("[data-testid=before-opening]")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("ZL-2026-018")


# --- charges, payments and arrears ---------------------------------------------------------------
def test_charge_payment_and_arrears(page, watch, screenshot):
    dossier, _section = occupied_dossier()
    _log_in(page, _front_desk())
    due = _today() - datetime.timedelta(days=20)

    # 1. the charge: first with a month that does not exist
    _pick(page, dossier, "records:charge_add")
    page.select_option("#id_item", "management")
    page.fill("#id_period", f"{due.year}-13")
    page.fill("#id_amount", "¥1,280.50")
    page.fill("#id_due_on", due.isoformat())
    _submit(page)
    _field_error(page, "period")
    assert page.input_value("#id_amount") == "¥1,280.50"
    page.fill("#id_period", f"{due.year}年{due.month}月")
    _submit(page)
    _success(page)
    charge = Charge.objects.get()
    assert charge.period == f"{due:%Y-%m}"
    expect(page.locator("[data-testid=charge-outstanding]")).to_have_text("¥1,280.50")
    expect(page.locator("[data-testid=overdue]")).to_be_visible()
    _timeline_has(page, dossier, "payment", charge.period, "¥1,280.50")

    # 2. a payment: first more than is owed
    _go(page, "records:charge_detail", charge.pk)
    assert page.input_value("#id_amount") == "1280.50"
    page.fill("#id_amount", "2000")
    page.select_option("#id_method", "wechat")
    page.fill("#id_receipt_number", "SF-2026-1001")
    _submit(page, "[data-testid=payment-form] button[type=submit]")
    _field_error(page, "amount")
    assert page.input_value("#id_receipt_number") == "SF-2026-1001"
    page.fill("#id_amount", "1000")
    _submit(page)
    _success(page)
    assert page.url.endswith(reverse("records:charge_detail", args=[charge.pk]))
    expect(page.locator("[data-testid=charge-paid]")).to_have_text("¥1,000.00")
    expect(page.locator("[data-testid=charge-outstanding]")).to_have_text("¥280.50")
    expect(page.locator("[data-testid=payments]")).to_contain_text("SF-2026-1001")
    screenshot(page, "records-charge")
    _timeline_has(page, dossier, "payment", "SF-2026-1001")
    expect(page.locator("[data-testid=records-panel] [data-testid=arrears]")).to_have_text(
        "¥280.50"
    )
    # the payment's line opens its charge, at the payment
    page.locator("[data-testid=timeline-entry]", has_text="SF-2026-1001").locator("a").click()
    page.wait_for_url(re.compile(rf"/charges/{charge.pk}/#payment-\d+$"))

    # 3. the arrears list, all estates and then the dossier's own
    _go(page, "records:arrears_list")
    row = page.locator("[data-testid=arrears-table] tbody tr", has_text=dossier.archive_number)
    expect(row).to_contain_text("¥280.50")
    expect(page.locator("[data-testid=arrears-summary]")).to_contain_text("¥280.50")
    page.select_option("#id_estate", str(dossier.unit.building.estate_id))
    _submit(page, "main form[role=search] button[type=submit]")
    expect(page.locator("[data-testid=arrears-table] tbody tr")).to_have_count(1)
    screenshot(page, "records-arrears")


# --- secondary renovation and violations ---------------------------------------------------------
def test_renovation_approved_started_inspected_and_accepted(page, watch, open_as, screenshot):
    dossier, section = occupied_dossier()
    front, manager = _front_desk(), _manager()
    _log_in(page, front)
    start = _today() + datetime.timedelta(days=3)

    # 1. the application with its deposit: first ending before it starts, no receipt
    _pick(page, dossier, "records:renovation_add")
    assert page.input_value("#id_applicant") == section.customer.name
    page.fill("#id_scope", "厨房、卫生间翻新，更换地砖及橱柜，不改动承重墙。")
    page.fill("#id_planned_start", start.isoformat())
    page.fill("#id_planned_end", (start - DAY).isoformat())
    page.fill("#id_contractor", "南京美家装饰工程有限公司")
    page.fill("#id_contractor_licence", "JZ3201-2026-0088")
    page.fill("#id_contractor_contact", "赵工")
    page.fill("#id_contractor_phone", "13851234567")
    page.fill("#id_deposit_amount", "3000")
    _submit(page)
    _field_error(page, "planned_end")
    _field_error(page, "deposit_receipt")
    assert page.input_value("#id_contractor") == "南京美家装饰工程有限公司"
    screenshot(page, "records-renovation-form-error")
    page.fill("#id_planned_end", (start + datetime.timedelta(days=45)).isoformat())
    page.fill("#id_deposit_receipt", "ZXYJ-2026-0005")
    _submit(page)
    _success(page)
    renovation = Renovation.objects.get()
    assert renovation.deposit.amount == 3000
    expect(page.locator("[data-testid=deposit]")).to_contain_text("¥3,000.00")
    expect(page.locator("main")).to_contain_text("南京美家装饰工程有限公司")
    _timeline_has(page, dossier, "renovation", section.customer.name)
    _timeline_has(page, dossier, "deposit", "ZXYJ-2026-0005")

    # 2. a manager approves it from the inbox: the permit is issued
    other = open_as(manager)
    _go(other, "records:approval_list")
    other.click("[data-testid=renovations] tbody a")
    other.click("[data-testid=decide]")
    other.wait_for_url("**" + reverse("records:renovation_decide", args=[renovation.pk]))
    _submit(other, "[data-testid=approve]")
    _success(other)
    renovation.refresh_from_db()
    assert renovation.status == Renovation.Status.APPROVED and renovation.permit_number
    expect(other.locator("[data-testid=permit-number]")).to_have_text(renovation.permit_number)

    # 3. the front desk records the start and a site inspection finding a violation
    _go(page, "records:renovation_detail", renovation.pk)
    _submit(page, "[data-testid=start]")
    _success(page)
    page.click("[data-testid=inspect]")
    page.check("#id_result_1")  # problems found, but none described
    page.check("#id_record_violation")
    page.fill("#id_violation_description", "擅自拆除阳台与客厅之间的窗下墙。")
    page.fill("#id_notice_number", "ZG-2026-031")
    page.fill("#id_rectify_by", (_today() + datetime.timedelta(days=7)).isoformat())
    _submit(page)
    _field_error(page, "findings")
    assert page.input_value("#id_notice_number") == "ZG-2026-031"
    assert page.is_checked("#id_record_violation")
    screenshot(page, "records-inspection-form-error")
    page.fill("#id_findings", "阳台窗下墙被拆除。")
    _submit(page)
    _success(page)
    expect(page.locator("[data-testid=inspections]")).to_contain_text("阳台窗下墙被拆除")
    expect(page.locator("[data-testid=violations]")).to_contain_text("ZG-2026-031")

    # 4. the manager cannot accept the works while the violation is open
    other.reload()
    expect(other.locator("[data-testid=acceptance-blocker]")).to_be_visible()
    expect(other.locator("[data-testid=accept]")).to_have_class(re.compile(r"\bdisabled\b"))
    screenshot(other, "records-renovation-blocked")

    # 5. rectified (first dated before it was found), then accepted
    page.click("[data-testid=violations] tbody a")
    violation = Violation.objects.get()
    page.wait_for_url("**" + reverse("records:violation_detail", args=[violation.pk]))
    page.fill("#id_rectified_on", (_today() - DAY).isoformat())
    page.fill("#id_rectification", "已按原状恢复窗下墙，经复查合格。")
    _submit(page, "[data-testid=rectify]")
    _field_error(page, "rectified_on")
    assert page.input_value("#id_rectification") == "已按原状恢复窗下墙，经复查合格。"
    page.fill("#id_rectified_on", _today().isoformat())
    _submit(page, "[data-testid=rectify]")
    _success(page)
    violation.refresh_from_db()
    assert violation.status == Violation.Status.RECTIFIED
    other.reload()
    expect(other.locator("[data-testid=acceptance-blocker]")).to_have_count(0)
    other.click("[data-testid=accept]")
    other.wait_for_url("**" + reverse("records:renovation_accept", args=[renovation.pk]))
    other.fill("#id_note", "竣工验收合格。")
    _submit(other)
    _success(other)
    renovation.refresh_from_db()
    assert renovation.status == Renovation.Status.ACCEPTED and renovation.accepted_by == manager
    expect(other.locator("[data-testid=acceptance]")).to_contain_text("李建国")
    screenshot(other, "records-renovation-accepted")
    _timeline_has(page, dossier, "renovation", renovation.permit_number)
    _timeline_has(page, dossier, "violation", "ZG-2026-031")

    # 6. a violation of its own, from the menu: first to be rectified before it was found
    _pick(page, dossier, "records:violation_add")
    expect(page.locator("#id_renovation")).to_have_count(0)  # the renovation is closed
    page.select_option("#id_category", "parking")
    page.fill("#id_description", "私家车长期占用消防通道停放。")
    page.fill("#id_notice_number", "ZG-2026-032")
    page.fill("#id_rectify_by", (_today() - DAY).isoformat())
    _submit(page)
    _field_error(page, "rectify_by")
    assert page.input_value("#id_description") == "私家车长期占用消防通道停放。"
    page.fill("#id_rectify_by", (_today() + DAY).isoformat())
    _submit(page)
    _success(page)
    expect(page.locator("[data-testid=status]")).to_be_visible()
    expect(page.locator("main")).to_contain_text("私家车长期占用消防通道停放")
    _timeline_has(page, dossier, "violation", "ZG-2026-032")


# --- visits and the visit schedule ---------------------------------------------------------------
def test_visits_and_the_visit_schedule(page, watch, screenshot):
    visited, visited_section = occupied_dossier()
    other, _ = occupied_dossier()
    front, manager = _front_desk(), _manager()
    complaints.complaint_record(
        dossier=other,
        data={
            "complainant": "邻居",
            "channel": Complaint.Channel.VISIT,
            "category": Complaint.Category.CLEANING,
            "subject": "楼道垃圾未及时清运",
            "heard": "楼道垃圾堆放两天无人清理。",
        },
        actor=front,
    )
    _log_in(page, front)

    # 1. the manager's yearly visit, recorded by the front desk: first without the person met
    _pick(page, visited, "records:visit_add")
    page.select_option("#id_kind", "visit")
    page.select_option("#id_visitor", str(manager.pk))
    page.fill("#id_purpose", "年度业主走访")
    page.fill("#id_notes", "业主建议增加小区夜间照明。")
    _submit(page)
    _field_error(page, "visited_person")
    assert page.input_value("#id_visitor") == str(manager.pk)
    assert page.input_value("#id_notes") == "业主建议增加小区夜间照明。"
    screenshot(page, "records-visit-form-error")
    page.fill("#id_visited_person", visited_section.customer.name)
    _submit(page)
    _success(page)
    visit = Visit.objects.get()
    assert visit.visitor == manager and visit.kind == Visit.Kind.VISIT
    expect(page.locator("[data-testid=visit-fields]")).to_contain_text("李建国")
    expect(page.locator("h1")).to_have_text("年度业主走访")
    _timeline_has(page, visited, "visit", "年度业主走访")

    # 2. the schedule: the other household still awaits its manager visit, and its complaint
    #    its return visit; a staff visit from there covers the other building
    _go(page, "records:visit_schedule")
    due = page.locator("[data-testid=manager-due-row]")
    expect(due).to_have_count(1)
    expect(due).to_contain_text(other.archive_number)
    expect(page.locator("[data-testid=complaints-due]")).to_contain_text("楼道垃圾未及时清运")
    expect(page.locator("[data-testid=return-visit-rate]")).to_have_text("0.0 %")
    expect(page.locator("[data-testid=building-row] .badge")).to_have_count(2)
    screenshot(page, "records-visit-schedule")
    due.locator("a.btn").click()
    page.wait_for_url("**" + reverse("records:visit_add", args=[other.pk]) + "*")
    assert page.input_value("#id_kind") == "visit"
    page.fill("#id_visited_person", "刘女士")
    page.fill("#id_purpose", "季度楼栋走访")
    _submit(page)
    _success(page)
    _go(page, "records:visit_schedule")
    expect(page.locator("[data-testid=building-row] .badge")).to_have_count(1)
    expect(page.locator("[data-testid=building-row] .text-success")).to_have_count(1)
    expect(page.locator("[data-testid=manager-due-row]")).to_have_count(1)

    # the estate filter submits itself
    page.select_option("#id_estate", str(visited.unit.building.estate_id))
    page.wait_for_url("**estate=*")
    expect(page.locator("[data-testid=manager-due-row]")).to_have_count(0)
    expect(page.locator("[data-testid=building-row]")).to_have_count(1)
