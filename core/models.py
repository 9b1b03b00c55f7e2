import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import lines, permission_cache

_CJK = re.compile(r"[\u3400-\u9fff]")


class User(AbstractUser):
    """A member of staff. Chinese names read family name first, without a space."""

    reports_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("reports to"),
        help_text=_("Their manager: told of escalations of their loans."),
    )
    # The language the person last chose in the menu (empty: never chose): their e-mails are
    # written in it, as the pages they read are.
    language = models.CharField(_("language"), max_length=10, blank=True, default="")

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self):
        first, last = self.first_name.strip(), self.last_name.strip()
        if _CJK.search(first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip()

    def __str__(self):
        return self.get_full_name() or self.username

    # the model permissions in one statement (core.permission_cache), then ModelBackend's way
    def has_perm(self, perm, obj=None):
        if obj is None:
            permission_cache.fill(self)
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label):
        permission_cache.fill(self)
        return super().has_module_perms(app_label)

    def get_all_permissions(self, obj=None):
        if obj is None:
            permission_cache.fill(self)
        return super().get_all_permissions(obj)


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_user(self, user):
        return self.visible_to(user).filter(recipient=user)

    def visible_to(self, user):
        """The notifications about nothing in particular, or about what ``user`` may see."""
        from .audience import visible_condition

        return self.filter(visible_condition(user))


class Notification(models.Model):
    """An in-app message to one person; the same text is e-mailed by a Celery task."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    message = models.CharField(_("message"), max_length=500)
    # the message as msgid and parameters (core.lines), said in the reader's language; the
    # text column keeps it in the default language (admin, rows written before)
    message_line = models.JSONField(_("message (line)"), null=True, blank=True, editable=False)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # what the message is about (a dossier): whoever may no longer see it no longer sees the
    # message either (core.audience, R17)
    about_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about"),
    )
    about_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    # The e-mail's claim (core.services.notification_emails_send): the id of the task that is
    # sending it, until when. Another task leaves it alone until then; the same task,
    # redelivered after its worker died, takes it back at once.
    email_claimed_by = models.CharField(max_length=64, blank=True, default="", editable=False)
    email_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Why this notification is never to be e-mailed (the server refused the address for good,
    # the recipient left, or may no longer see what it is about): the sweep leaves it alone.
    email_error = models.CharField(max_length=200, blank=True, default="", editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx"),
            # the sweep's outbox: the few rows not e-mailed yet, oldest first
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_unsent_idx",
            ),
        ]

    def __str__(self):
        return self.message

    @property
    def display_message(self) -> str:
        """The message in the reader's language (the stored text for a row without a line)."""
        return lines.render(self.message_line, fallback=self.message)


class AccessLog(models.Model):
    """One sensitive read or one refusal (R16, R21): who, what, when, why, from where."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        REVEAL = "reveal", _("Revealed personal data")
        DOWNLOAD = "download", _("Downloaded")
        EXPORT = "export", _("Exported")
        PRINT = "print", _("Printed")
        DENIED = "denied", _("Refused")
        ACCOUNT = "account", _("Account changed")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("object type"),
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="accesslog_object_idx")]
        # Written once, never edited: the log is evidence (R21).
        default_permissions = ("view",)

    def __str__(self):
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()} {self.object_repr}"
        )

    @property
    def what(self):
        """The detail as a reader says it: what was tried, never a permission's codename."""
        from .permissions import describe

        return describe(self.detail)
