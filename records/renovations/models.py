"""Secondary renovation (二装), its inspections, and violations (违规)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core import masking
from core.fields import PhoneField
from records.base import DossierRecord
from records.finance.models import Deposit


class Renovation(DossierRecord):
    """二次装修: application, contractor and licence, permit, inspections, acceptance."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved, permit issued")
        REJECTED = "rejected", _("Rejected")
        IN_PROGRESS = "in_progress", _("Works in progress")
        ACCEPTED = "accepted", _("Accepted")

    TRANSITIONS = {
        Status.APPLIED: {Status.APPROVED, Status.REJECTED},
        Status.APPROVED: {Status.IN_PROGRESS},
        Status.IN_PROGRESS: {Status.ACCEPTED},
        Status.REJECTED: set(),
        Status.ACCEPTED: set(),
    }

    applicant = models.CharField(_("applicant"), max_length=100)
    applied_on = models.DateField(_("applied on"))
    scope = models.TextField(_("scope of works"))
    contractor = models.CharField(_("contractor"), max_length=150)
    contractor_licence = models.CharField(_("contractor licence number"), max_length=60)
    contractor_contact = models.CharField(_("contractor contact"), max_length=100, blank=True)
    # stored canonical when it is a mainland mobile or landline (core.fields), else as typed
    contractor_phone = PhoneField(_("contractor phone"), blank=True)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    deposit = models.OneToOneField(
        Deposit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renovation",
        verbose_name=_("deposit"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED, db_index=True
    )
    permit_number = models.CharField(_("permit number"), max_length=40, blank=True)
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
    started_on = models.DateField(_("started on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    PERSONAL_FIELDS = {"contractor_phone": masking.PHONE}  # R16

    class Meta:
        verbose_name = _("secondary renovation")
        verbose_name_plural = _("secondary renovations")
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")),
                name="renovation_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["permit_number"],
                condition=~Q(permit_number=""),
                name="renovation_unique_permit",
            ),
        ]
        permissions = [("approve_renovation", _("Can approve renovations and accept them"))]

    def __str__(self):
        return _("Renovation of %(date)s") % {"date": self.applied_on}


class RenovationInspection(DossierRecord):
    """A site inspection during the works."""

    class Result(models.TextChoices):
        PASSED = "passed", _("No problems")
        ISSUES = "issues", _("Problems found")

    renovation = models.ForeignKey(
        Renovation,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("renovation"),
    )
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.CharField(_("inspector"), max_length=100)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    findings = models.TextField(_("findings"), blank=True)

    class Meta:
        verbose_name = _("renovation inspection")
        verbose_name_plural = _("renovation inspections")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self):
        return f"{self.inspected_on} {self.get_result_display()}"


class Violation(DossierRecord):
    """违规: what was done, the notice, and its rectification."""

    class Category(models.TextChoices):
        RENOVATION = "renovation", _("Renovation breach")
        STRUCTURE = "structure", _("Altering the structure")
        CONSTRUCTION = "construction", _("Unauthorised construction")
        PARKING = "parking", _("Parking")
        NOISE = "noise", _("Noise")
        PETS = "pets", _("Pets")
        LITTER = "litter", _("Littering and rubbish")
        FIRE_SAFETY = "fire_safety", _("Fire safety")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting rectification")
        RECTIFIED = "rectified", _("Rectified")

    TRANSITIONS = {Status.OPEN: {Status.RECTIFIED}, Status.RECTIFIED: set()}

    renovation = models.ForeignKey(
        Renovation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violations",
        verbose_name=_("renovation"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    occurred_on = models.DateField(_("found on"))
    description = models.TextField(_("description"))
    notice_number = models.CharField(_("rectification notice number"), max_length=40, blank=True)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectification = models.TextField(_("rectification"), blank=True)

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self):
        return f"{self.occurred_on} {self.get_category_display()}"
