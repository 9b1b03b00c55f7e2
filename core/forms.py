from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .auth import demo_login_refused


class DemoRefusalMixin:
    """Say why a demo password is refused (core.auth.DemoPasswordRefusedBackend) instead of
    Django's "enter a correct username and password"."""

    demo_refused_message = _(
        "Demo accounts cannot log in on this server: their password is published. "
        "Ask an administrator for an account of your own."
    )

    def get_invalid_login_error(self):
        if demo_login_refused(self.request):
            return forms.ValidationError(self.demo_refused_message, code="demo_refused")
        return super().get_invalid_login_error()


class LoginForm(DemoRefusalMixin, AuthenticationForm):
    # Without it the session ends when the browser closes (SESSION_EXPIRE_AT_BROWSER_CLOSE).
    remember = forms.BooleanField(
        label=_("Stay signed in on this computer"),
        help_text=_(
            "Only on a computer nobody else uses. Otherwise you are signed out when the "
            "browser closes."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class AdminLoginForm(DemoRefusalMixin, AdminAuthenticationForm):
    """The admin's own log-in page (admin.site.login_form)."""
