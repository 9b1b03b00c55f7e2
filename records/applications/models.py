"""Applications (R5): requests a manager decides."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from records.base import DossierRecord


class Application(DossierRecord):
    """申请: door lock, telephone, parking space, nameplate (水牌), overtime work …"""

    class Kind(models.TextChoices):
        DOOR_LOCK = "door_lock", _("Door lock")
        PHONE = "phone", _("Telephone line")
        PARKING = "parking", _("Parking space")
        NAMEPLATE = "nameplate", _("Nameplate")
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
