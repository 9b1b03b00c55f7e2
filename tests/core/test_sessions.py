"""Sessions: idle timeout, absolute lifetime from the login, cookie ends with the browser
unless the user asks to stay signed in (core.auth, core.middleware.SessionTimeoutMiddleware)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from core.roles import Role

from ..factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def user(db):
    return user_with_role(Role.FRONT_DESK)


def log_in(client, user, **extra):
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD, **extra}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def idle_message(minutes):
    with translation.override("zh-hans"):
        return ngettext(
            "You were signed out after %(minutes)d minute without activity.",
            "You were signed out after %(minutes)d minutes without activity.",
            minutes,
        ) % {"minutes": minutes}


def signed_in(client):
    return "_auth_user_id" in client.session


def test_idle_timeout_is_thirty_minutes_by_default(settings):
    assert settings.SESSION_IDLE_MINUTES == 30


def test_29_idle_minutes_keep_the_session(client, user, clock):
    log_in(client, user)
    clock.shift(29 * MINUTE)
    assert client.get(reverse("core:home")).status_code == 200
    clock.shift(29 * MINUTE)  # the request above was activity: 58 min after login, still in
    assert client.get(reverse("core:home")).status_code == 200
    assert signed_in(client)


def test_31_idle_minutes_end_the_session_with_a_message(client, user, clock, caplog):
    log_in(client, user)
    clock.shift(31 * MINUTE)
    with caplog.at_level("INFO", logger="archive.security"):
        response = client.get(reverse("core:notifications"))
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=" + reverse("core:notifications")
    assert not signed_in(client)
    page = client.get(response.url)
    assert page.status_code == 200
    assert idle_message(30) in page.content.decode()
    assert any("session ended reason=idle" in r.getMessage() for r in caplog.records)
    # and logging in again works
    log_in(client, user)
    assert client.get(reverse("core:home")).status_code == 200


def test_the_idle_timeout_is_a_setting(client, user, clock, settings):
    settings.SESSION_IDLE_MINUTES = 5
    log_in(client, user)
    clock.shift(4 * MINUTE)
    assert client.get(reverse("core:home")).status_code == 200
    clock.shift(6 * MINUTE)
    response = client.get(reverse("core:home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert idle_message(5) in response.content.decode()


def test_an_htmx_request_after_the_timeout_sends_the_whole_page_to_the_login(client, user, clock):
    log_in(client, user)
    clock.shift(31 * MINUTE)
    response = client.get(
        reverse("core:notifications"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/dossiers/?q=1"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("login") + "?next=%2Fdossiers%2F%3Fq%3D1"
    assert b"<form" not in response.content  # no login page to swap into a fragment
    assert not signed_in(client)
    assert idle_message(30) in client.get(reverse("login")).content.decode()


def test_healthz_and_static_files_neither_end_nor_extend_a_session(client, user, clock):
    log_in(client, user)
    clock.shift(20 * MINUTE)
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get("/static/css/app.css").status_code != 302  # 404 without collectstatic
    clock.shift(15 * MINUTE)  # 35 min after the last page: health checks were no activity
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get("/static/css/app.css").status_code != 302
    assert signed_in(client)  # neither of them ended it
    assert client.get(reverse("core:home")).status_code == 302
    assert not signed_in(client)


@pytest.mark.parametrize("remember", [False, True])
def test_the_lifetime_counts_from_the_login_however_busy_the_user_is(
    client, user, clock, settings, remember
):
    settings.SESSION_COOKIE_AGE = 3600
    log_in(client, user, **({"remember": "on"} if remember else {}))
    for _ in range(3):  # a request every 19 minutes: never idle, each one saves the session
        clock.shift(19 * MINUTE)
        assert client.get(reverse("core:home")).status_code == 200
    clock.shift(5 * MINUTE)  # 62 minutes after the login
    response = client.get(reverse("core:home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert not signed_in(client)
    if not remember:
        # A browser-close cookie is still sent: the server ends the session and says why.
        # (A "stay signed in" cookie expired at the same moment, so the browser sends none.)
        with translation.override("zh-hans"):
            text = gettext("Your session has reached its time limit. Please log in again.")
        assert text in response.content.decode()


def test_a_session_from_the_admin_login_is_timed_too(client, clock):
    admin = user_with_role(Role.ADMIN)
    response = client.post(
        reverse("admin:login"),
        {"username": admin.username, "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    clock.shift(31 * MINUTE)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not signed_in(client)


# --- the cookie ends with the browser unless the user stays signed in -----------------
def test_login_page_offers_to_stay_signed_in(client):
    html = client.get(reverse("login")).content.decode()
    assert 'name="remember"' in html and 'type="checkbox"' in html
    with translation.override("zh-hans"):
        assert gettext("Stay signed in on this computer") in html


def test_by_default_the_session_cookie_ends_with_the_browser(client, user, clock, settings):
    response = log_in(client, user)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    clock.shift(10 * MINUTE)
    response = client.get(reverse("core:home"))  # activity re-sends the cookie: still no expiry
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


def test_stay_signed_in_keeps_the_cookie_up_to_the_lifetime_and_no_longer(
    client, user, clock, settings
):
    response = log_in(client, user, remember="on")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE
    assert cookie["expires"] == "Mon, 02 Mar 2026 17:00:00 GMT"  # START + 8 h
    clock.shift(10 * MINUTE)
    response = client.get(reverse("core:home"))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE - 600  # absolute, not sliding
    assert cookie["expires"] == "Mon, 02 Mar 2026 17:00:00 GMT"
