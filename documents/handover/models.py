"""The half-yearly handover (R30): the list and its items (re-exported by documents.models)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.models import ServiceCentre


# --- Handover (R30) -------------------------------------------------------------------
class Handover(models.Model):
    """移交: a service centre hands its files to the company archive room every half year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SUBMITTED = "submitted", _("Submitted for checking")
        CHECKED = "checked", _("Checked, awaiting signatures")
        COMPLETED = "completed", _("Signed and completed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.CANCELLED},
        Status.SUBMITTED: {Status.CHECKED, Status.DRAFT},
        Status.CHECKED: {Status.COMPLETED, Status.SUBMITTED},
        Status.COMPLETED: set(),
        Status.CANCELLED: set(),
    }

    service_centre = models.ForeignKey(
        ServiceCentre,
        on_delete=models.PROTECT,
        related_name="handovers",
        verbose_name=_("service centre"),
    )
    period = models.CharField(_("period"), max_length=20, help_text=_("For example 2026H2."))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prepared by"),
    )
    prepared_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    centre_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed for the service centre by"),
    )
    centre_signed_at = models.DateTimeField(_("service centre signed at"), null=True, blank=True)
    archive_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed for the archive room by"),
    )
    archive_signed_at = models.DateTimeField(_("archive room signed at"), null=True, blank=True)
    override_reason = models.CharField(
        _("reason for accepting incomplete dossiers"), max_length=500, blank=True
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("overridden by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-prepared_at", "-pk"]
        permissions = [
            ("check_handover", _("Can check and sign handovers for the archive room")),
            ("override_handover", _("Can accept incomplete dossiers in a handover")),
        ]

    def __str__(self):
        return _("Handover %(period)s of %(centre)s") % {
            "period": self.period,
            "centre": self.service_centre,
        }


class HandoverItem(models.Model):
    class Result(models.TextChoices):
        PENDING = "pending", _("Not checked yet")
        ACCEPTED = "accepted", _("Accepted")
        MISSING = "missing", _("Missing")
        DIFFERS = "differs", _("Differs from the list")

    handover = models.ForeignKey(
        Handover, on_delete=models.CASCADE, related_name="items", verbose_name=_("handover")
    )
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="handover_items",
        verbose_name=_("document"),
    )
    result = models.CharField(
        _("result"), max_length=10, choices=Result.choices, default=Result.PENDING
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")
        ordering = ["handover", "document__dossier__archive_number", "document__document_date"]
        constraints = [
            models.UniqueConstraint(fields=["handover", "document"], name="handover_item_unique")
        ]

    def __str__(self):
        return str(self.document)


# --- Inspections (R32) -------------------------------------------------------------------
