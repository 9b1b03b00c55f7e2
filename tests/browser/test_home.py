"""Browser journeys (Playwright driving Debian's chromium). Screenshots go to var/screens/."""

import pytest

from core.roles import Role

from ..factories import user_with_role
from .support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_and_see_the_home_page(page, screenshot):
    user = user_with_role(Role.MANAGER)
    page.goto(page.base_url + "/")
    assert "/accounts/login/" in page.url
    screenshot(page, "login")
    log_in(page, user.username)
    page.wait_for_selector("[data-testid=greeting]")
    assert page.inner_text("[data-testid=greeting]") == f"你好，{user.get_full_name()}"
    assert page.locator("[data-testid=role]").inner_text() == "客服部经理"
    assert page.locator("nav.nav a", has_text="访问日志").count() == 1
    # assets come from our own static files: Bootstrap's stylesheet is applied
    navbar_bg = page.eval_on_selector("nav.navbar", "e => getComputedStyle(e).position")
    assert navbar_bg == "sticky"
    screenshot(page, "home-manager")


def test_language_switch_and_logout(page, screenshot):
    user = user_with_role(Role.FRONT_DESK)
    log_in(page, user.username)
    page.wait_for_selector("[data-testid=greeting]")
    page.select_option("#language-select", "en")
    page.wait_for_selector("text=Hello,")
    screenshot(page, "home-front-desk-en")
    page.click("[data-testid=user-menu]")
    page.click("text=Log out")
    page.wait_for_url("**/accounts/login/")
