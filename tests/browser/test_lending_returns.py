"""Returns, incidents and copies in a real browser (R24, R25, R26, R19)."""

import pytest

from core.roles import Role
from lending.models import CopyRecord, Incident, Loan, Mode

from ..factories import PASSWORD, user_with_role
from ..lending.factories import documents_in, loan_in
from .support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(browser, live_server, user):
    """A page of its own browser context, logged in as ``user``."""
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("dialog", lambda dialog: dialog.accept())
    page.base_url = live_server.url
    log_in(page, user.username)
    return page


def test_a_return_checked_confirmed_and_its_damage_handled(page, browser, live_server, screenshot):
    page.on("dialog", lambda dialog: dialog.accept())
    borrower = user_with_role(Role.FRONT_DESK)
    archivist = user_with_role(Role.ARCHIVIST)
    manager = user_with_role(Role.MANAGER)
    loan = loan_in(Loan.Status.OUT, documents=documents_in(n=2), borrower=borrower)
    first, second = loan.items.order_by("pk")

    # 1. the archivist checks: a short count on an intact item is refused beside its field
    log_in(page, archivist.username)
    page.goto(f"{live_server.url}/loans/{loan.pk}/return/check/")
    page.fill(f"#id_pages_{second.pk}", "1")
    page.click("[data-testid=return-check-submit]")
    assert page.locator(f"#id_pages_{second.pk}_error").is_visible()
    screenshot(page, "lending-return-check-refused")
    page.select_option(f"#id_condition_{second.pk}", "damaged")
    page.fill(f"#id_note_{second.pk}", "缺第二页")
    page.click("[data-testid=return-check-submit]")
    page.wait_for_url(f"**/loans/{loan.pk}/return/confirm/")
    screenshot(page, "lending-return-confirm-desk")

    # 2. the borrower confirms on their own screen: a wrong password first
    page = _as(browser, live_server, borrower)
    page.goto(f"{live_server.url}/loans/{loan.pk}/return/confirm/")
    assert "缺第二页" in page.inner_text("[data-testid=check-result]")
    page.fill("#id_password", "wrong")
    page.click("[data-testid=return-confirm-submit]")
    assert page.locator("#id_password_error").is_visible()
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=return-confirm-submit]")
    page.wait_for_url(f"**/loans/{loan.pk}/")
    loan.refresh_from_db()
    assert loan.status == Loan.Status.RETURNED

    # 3. a manager handles the damage
    incident = Incident.objects.get(loan=loan)
    page = _as(browser, live_server, manager)
    page.goto(f"{live_server.url}/loans/incidents/")
    screenshot(page, "lending-incident-list")
    page.click(f"a[href='/loans/incidents/{incident.pk}/']")
    page.fill("#id_outcome", "借阅人补交复印件，已登记")
    page.click("[data-testid=incident-handle-form] button[type=submit]")
    assert page.inner_text("[data-testid=incident-status]")
    screenshot(page, "lending-incident-handled")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.HANDLED


def test_copies_made_and_a_held_one_returned(page, live_server, screenshot):
    borrower = user_with_role(Role.FRONT_DESK)
    archivist = user_with_role(Role.ARCHIVIST)
    documents = documents_in(code="id_copy") + documents_in(code="other")
    loan = loan_in(Loan.Status.APPROVED, documents=documents, borrower=borrower, mode=Mode.COPY)
    log_in(page, archivist.username)
    page.goto(f"{live_server.url}/loans/{loan.pk}/copies/make/")
    screenshot(page, "lending-copies-make")
    page.click("[data-testid=copies-submit]")
    page.wait_for_url(f"**/loans/{loan.pk}/")
    assert set(CopyRecord.objects.values_list("status", flat=True)) == {"held", "released"}
    page.goto(f"{live_server.url}/loans/copies/")
    screenshot(page, "lending-copy-register")
    page.click("[data-testid=copy-close-form] button[type=submit]")
    page.wait_for_url("**/loans/copies/")
    assert not CopyRecord.objects.filter(status="held").exists()
