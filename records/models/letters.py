"""Correspondence (往来函) and applications."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .base import DossierRecord


class Correspondence(DossierRecord):
    """往来函: a letter received from or sent to the customer; attachments are documents."""

    class Direction(models.TextChoices):
        INCOMING = "in", pgettext_lazy("letter", "Received")
        OUTGOING = "out", _("Sent")

    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    dated = models.DateField(_("date"))
    reference = models.CharField(_("letter number"), max_length=40, blank=True)
    counterpart = models.CharField(_("from / to"), max_length=150)
    subject = models.CharField(_("subject"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    in_reply_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("correspondence")
        ordering = ["-dated", "-pk"]

    def __str__(self):
        return self.subject


class Application(DossierRecord):
    """申请: door lock, telephone, parking space, nameplate (水牌), overtime work …"""

    class Kind(models.TextChoices):
        DOOR_LOCK = "door_lock", _("Door lock")
        PHONE = "phone", _("Telephone line")
        PARKING = "parking", _("Parking space")
        NAMEPLATE = "nameplate", _("Nameplate (水牌)")
        OVERTIME = "overtime", _("Overtime work")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.SUBMITTED: {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
        Status.APPROVED: set(),
        Status.REJECTED: set(),
        Status.WITHDRAWN: set(),
    }

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    applicant = models.CharField(_("applicant"), max_length=100)
    applied_on = models.DateField(_("applied on"))
    details = models.TextField(_("details"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-applied_on", "-pk"]
        permissions = [("approve_application", _("Can approve or reject applications"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="application_valid_until_after_from",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.applied_on}"
