"""Log-in rules every path shares: demo passwords outside DEBUG, and the session clock.

``authenticate()`` is what the log-in page, the admin's log-in page, the shell and any later
API all call, so the demo refusal lives in an authentication backend rather than in one form.
The session clock (idle timeout, absolute lifetime, "stay signed in") is kept in the session
itself and enforced by ``core.middleware.SessionTimeoutMiddleware`` (docs/core.md).
"""

import datetime
import logging
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from core.management.commands.create_demo_users import DEMO_PASSWORD

security_log = logging.getLogger("archive.security")

# Set on the request by the backend, read by the log-in forms to say why.
DEMO_REFUSED_FLAG = "archive_demo_login_refused"

# Session keys (seconds since the epoch, so they survive the JSON serializer).
LOGIN_AT = "archive_login_at"
LAST_SEEN = "archive_last_seen"
# Activity is written to the session at most this often, so a page and its htmx fragments
# cost one session write, not one each; the idle timeout is exact to within this.
ACTIVITY_RESOLUTION = 10


def client_ip(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


class DemoPasswordRefusedBackend:
    """Refuse the published demo password whenever DEBUG is off.

    Listed right after axes' backend (which refuses locked-out accounts first) and before
    ModelBackend. Raising PermissionDenied stops ``authenticate()`` at once and sends
    ``user_login_failed``, so axes counts the attempt like any other failure. It looks only at
    the typed password, not at the username, so a laptop database copied to a server (any
    account holding ``demo-2026``) is refused as well, without a single password hash.

    It has no ``get_user``: it never logs anyone in, and the test client's ``force_login``
    picks the first backend that has one.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if settings.DEBUG or password != DEMO_PASSWORD:
            return None
        security_log.warning(
            "login refused: demo password used with DEBUG off username=%r ip=%s",
            username,
            client_ip(request),
        )
        if request is not None:
            setattr(request, DEMO_REFUSED_FLAG, True)
        raise PermissionDenied("demo password outside DEBUG")

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)


def demo_login_refused(request) -> bool:
    return bool(getattr(request, DEMO_REFUSED_FLAG, False))


class DemoPasswordValidator:
    """The demo password is printed in the README: no account may be given it."""

    def validate(self, password, user=None):
        if password == DEMO_PASSWORD:
            raise ValidationError(
                _("This password is published with the demo data. Choose another one."),
                code="demo_password",
            )

    def get_help_text(self):
        return _("Your password cannot be the demo password.")


# --- the session clock ------------------------------------------------------------------
def idle_seconds() -> int:
    return settings.SESSION_IDLE_MINUTES * 60


def session_start(request, *, remember: bool) -> None:
    """Start the clock of a fresh log-in. Without "stay signed in" the cookie has no expiry
    (it ends with the browser); with it, it expires at the absolute limit, never later."""
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now
    if remember:
        ends = datetime.datetime.fromtimestamp(now, tz=datetime.UTC) + datetime.timedelta(
            seconds=settings.SESSION_COOKIE_AGE
        )
        request.session.set_expiry(ends)
    else:
        request.session.set_expiry(0)


def session_clock_start(sender, request, user, **kwargs):
    """user_logged_in: a log-in that did not come through our page (the admin's, a test's
    force_login) starts the clock too; ours has set it already (session_start)."""
    session = getattr(request, "session", None)
    if session is not None and session.get(LOGIN_AT) is None:
        now = time.time()
        session[LOGIN_AT] = now
        session[LAST_SEEN] = now


def session_check(request) -> str | None:
    """Why this authenticated session must end now ("idle", "expired"), else None.

    Records the activity. The login time is never moved, so the absolute lifetime
    (SESSION_COOKIE_AGE) holds however busy the user is; Django's own expiry would slide.
    """
    session = request.session
    now = time.time()
    login_at, last_seen = session.get(LOGIN_AT), session.get(LAST_SEEN)
    if login_at is None or last_seen is None:
        # A session from before these keys existed, or made by force_login: start now.
        session[LOGIN_AT] = login_at or now
        session[LAST_SEEN] = now
        return None
    if now - login_at > settings.SESSION_COOKIE_AGE:
        return "expired"
    if now - last_seen > idle_seconds():
        return "idle"
    if now - last_seen >= ACTIVITY_RESOLUTION:
        session[LAST_SEEN] = now
    return None
