"""What every browser journey does first."""

from ..factories import PASSWORD


def log_in(page, username, password=PASSWORD):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
