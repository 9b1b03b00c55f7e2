"""A loan's whole life in a real browser (R22–R25): the front desk asks, a manager approves, the
archivist hands out; sixteen days later the loan is escalated and the manager sees it, the
renewal is refused because a colleague waits for an item, and the return is checked with one
item damaged, confirmed at the desk with the borrower's password."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission

from core.models import Notification
from core.roles import Role
from documents.models import Document
from lending.escalation.services import escalation_run
from lending.loans import services
from lending.models import Incident, Loan, Mode, Notice

from ..factories import PASSWORD, user_with_role
from ..lending.factories import default_rules, documents_in
from .support import log_in

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY0 = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.frozen_at(DAY0, tick=True),
]


def _as(browser, live_server, user):
    context = browser.new_context(
        viewport={"width": 1366, "height": 860}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("dialog", lambda dialog: dialog.accept())
    page.base_url = live_server.url
    log_in(page, user.username)
    return page


def test_a_loan_from_request_to_a_checked_return__R22__R23__R24__R25(
    browser, live_server, screenshot, frozen_clock
):
    default_rules()
    manager = user_with_role(Role.MANAGER, last_name="李", first_name="建国")
    front = user_with_role(Role.FRONT_DESK, reports_to=manager, last_name="王", first_name="晓梅")
    colleague = user_with_role(Role.FRONT_DESK, last_name="赵", first_name="敏")
    archivist = user_with_role(Role.ARCHIVIST, last_name="张", first_name="静")
    archivist.user_permissions.add(Permission.objects.get(codename="lead_archive_room"))
    docs = documents_in(n=2, pages=3)
    dossier = docs[0].dossier

    # 1. the front desk asks to take both documents out
    page = _as(browser, live_server, front)
    page.goto(f"{live_server.url}/loans/request/{dossier.pk}/")
    page.select_option("[data-testid=mode]", Mode.TAKE_OUT)
    page.wait_for_timeout(300)  # the verdicts follow the mode (htmx)
    for d in docs:
        page.check(f"#doc-{d.pk}")
    page.fill("[name=purpose]", "核对产权资料")
    screenshot(page, "lending-journey-1-request")
    page.click("[data-testid=request-submit]")
    page.wait_for_selector("[data-testid=loan-number]")
    loan = Loan.objects.get()
    assert loan.status == Loan.Status.REQUESTED and loan.items.count() == 2

    # 2. the manager approves it from the queue
    boss = _as(browser, live_server, manager)
    boss.goto(f"{live_server.url}/loans/approvals/")
    assert loan.number in boss.inner_text("main")
    screenshot(boss, "lending-journey-2-queue")
    boss.goto(f"{live_server.url}/loans/{loan.pk}/")
    boss.click("[data-testid=move-approve]")
    boss.wait_for_selector("[data-testid=move-approve]", state="detached")
    loan.refresh_from_db()
    assert loan.status == Loan.Status.APPROVED and loan.approved_by == manager

    # 3. the archivist hands it out from the desk
    desk = _as(browser, live_server, archivist)
    desk.goto(f"{live_server.url}/loans/desk/")
    screenshot(desk, "lending-journey-3-desk")
    desk.goto(f"{live_server.url}/loans/{loan.pk}/")
    desk.click("[data-testid=move-hand_out]")
    desk.wait_for_selector("[data-testid=move-hand_out]", state="detached")
    loan.refresh_from_db()
    assert loan.status == Loan.Status.OUT
    assert loan.due_on == datetime.date(2026, 6, 8)
    assert set(Document.objects.values_list("status", flat=True)) == {Document.Status.ON_LOAN}

    # 4. sixteen days later the daily job escalates it; the manager sees it (R23)
    frozen_clock.move_to(DAY0 + datetime.timedelta(days=16))
    escalation_run()
    loan.refresh_from_db()
    assert loan.escalated
    assert Notice.objects.filter(loan=loan, level=Notice.Level.ESCALATION).count() == 1
    told = Notification.objects.filter(message__contains=loan.number)
    assert {manager, archivist, front} <= {n.recipient for n in told}
    boss = _as(browser, live_server, manager)  # the sessions of sixteen days ago have expired
    boss.goto(f"{live_server.url}/loans/{loan.pk}/")
    assert boss.locator("[data-testid=loan-escalated]").is_visible()
    assert boss.locator("[data-testid=loan-notices]").inner_text().strip()
    screenshot(boss, "lending-journey-4-escalated")
    boss.goto(f"{live_server.url}/loans/desk/?tab=escalated")

    # 5. a colleague waits for one of the items: the renewal is refused, and says why
    services.loan_request(
        dossier=dossier, documents=docs[:1], mode=Mode.TAKE_OUT, purpose="核对", actor=colleague
    )
    page = _as(browser, live_server, front)
    page.goto(f"{live_server.url}/loans/{loan.pk}/")
    page.fill("[data-testid=form-renew] [name=renew-reason]", "仍在核对")
    page.click("[data-testid=move-renew]")
    page.wait_for_selector(".alert")
    screenshot(page, "lending-journey-5-renewal-refused")
    assert page.input_value("[data-testid=form-renew] [name=renew-reason]") == "仍在核对"
    loan.refresh_from_db()
    assert loan.status == Loan.Status.OUT and loan.renewal_count == 0
    assert not loan.renewals.exists()

    # 6. the return is checked, one item damaged, and confirmed at the desk (R24, R25)
    desk = _as(browser, live_server, archivist)
    desk.goto(f"{live_server.url}/loans/{loan.pk}/return/check/")
    first, second = loan.items.order_by("pk")
    desk.select_option(f"#id_condition_{second.pk}", "damaged")
    desk.fill(f"#id_note_{second.pk}", "第三页撕裂")
    screenshot(desk, "lending-journey-6-check")
    desk.click("[data-testid=return-check-submit]")
    desk.wait_for_url(f"**/loans/{loan.pk}/return/confirm/")
    desk.fill("#id_password", PASSWORD)  # the borrower types their own password
    screenshot(desk, "lending-journey-7-confirm-at-desk")
    desk.click("[data-testid=return-confirm-submit]")
    desk.wait_for_url(f"**/loans/{loan.pk}/")
    screenshot(desk, "lending-journey-8-returned")
    loan.refresh_from_db()
    assert loan.status == Loan.Status.RETURNED and loan.return_confirmed_at_desk
    incident = Incident.objects.get(loan=loan)
    assert incident.item == second and incident.kind == Incident.Kind.DAMAGED
    assert incident.grade == Incident.Grade.MAJOR  # an original
    assert set(Document.objects.values_list("status", flat=True)) == {Document.Status.RECEIVED}
