from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, ngettext
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from . import auth


class LanguageMiddleware:
    """Chinese first: the language is the one chosen with the switch (cookie), else zh-Hans.

    Unlike Django's LocaleMiddleware the browser's Accept-Language is not consulted, so a
    computer set up in English still shows the front desk its Chinese screens.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class SessionTimeoutMiddleware:
    """End a session idle for longer than SESSION_IDLE_MINUTES, or older than
    SESSION_COOKIE_AGE counted from the login (core.auth.session_check), with a message.

    A page request then goes on as an anonymous one, so LoginRequiredMiddleware (or the admin)
    sends it to the log-in page with ``?next=``. An htmx request gets ``HX-Redirect`` instead,
    so the whole page goes to the log-in page rather than the log-in form being swapped into
    a fragment. /healthz and static files never touch the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt_prefixes = tuple(
            p for p in (settings.STATIC_URL, "/healthz") if p and p.startswith("/")
        )

    def __call__(self, request):
        if request.path_info.startswith(self.exempt_prefixes):
            return self.get_response(request)
        if request.user.is_authenticated:
            reason = auth.session_check(request)
            if reason is not None:
                response = self.end_session(request, reason)
                if response is not None:
                    return response
        response = self.get_response(request)
        if request.user.is_authenticated and auth.LOGIN_AT not in request.session:
            # Logged in during this request by a page other than ours (the admin's log-in).
            auth.session_check(request)
        return response

    def end_session(self, request, reason):
        user_pk = request.user.pk
        logout(request)
        auth.security_log.info(
            "session ended reason=%s user=%s ip=%s", reason, user_pk, auth.client_ip(request)
        )
        if reason == "idle":
            minutes = settings.SESSION_IDLE_MINUTES
            text = ngettext(
                "You were signed out after %(minutes)d minute without activity.",
                "You were signed out after %(minutes)d minutes without activity.",
                minutes,
            ) % {"minutes": minutes}
        else:
            text = gettext("Your session has reached its time limit. Please log in again.")
        messages.info(request, text)
        htmx = HtmxDetails(request)
        if htmx:
            login_url = resolve_url(settings.LOGIN_URL)
            if htmx.current_url_abs_path:
                login_url += "?" + urlencode({REDIRECT_FIELD_NAME: htmx.current_url_abs_path})
            return HttpResponseClientRedirect(login_url)
        return None
