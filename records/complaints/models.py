"""Complaints (R42), visits and return visits (R43)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from customers.models import Dossier
from records.base import DossierRecord
from records.repairs.models import Repair


class Complaint(DossierRecord):
    """投诉 (R42): five clears and a report; major ones reach the manager at once; written
    ones get a written reply; none closes before its return visit (R43)."""

    class Channel(models.TextChoices):
        VISIT = "visit", _("In person")
        PHONE = "phone", _("Telephone")
        LETTER = "letter", _("Letter")
        ONLINE = "online", _("Online")

    class Category(models.TextChoices):
        SERVICE = "service", _("Service attitude")
        CLEANING = "cleaning", _("Cleaning")
        SECURITY = "security", _("Security and order")
        MAINTENANCE = "maintenance", _("Maintenance")
        NOISE = "noise", _("Noise")
        NEIGHBOUR = "neighbour", _("Neighbour dispute")
        CHARGES = "charges", _("Charges")
        OTHER = "other", _("Other")
        # the major categories of R42
        FIRE = "fire", _("Fire")
        LIFT_ENTRAPMENT = "lift_entrapment", _("Lift entrapment")
        EXPLOSION = "explosion", _("Explosion")
        POWER_CUT = "power_cut", _("Power cut")
        FLOODING = "flooding", _("Flooding")
        THEFT = "theft", _("Theft")
        CRIME = "crime", _("Crime")
        PLANT_FAILURE = "plant_failure", _("Main plant failure")
        STRUCTURAL = "structural", _("Structural damage")

    MAJOR_CATEGORIES = frozenset(
        {
            Category.FIRE,
            Category.LIFT_ENTRAPMENT,
            Category.EXPLOSION,
            Category.POWER_CUT,
            Category.FLOODING,
            Category.THEFT,
            Category.CRIME,
            Category.PLANT_FAILURE,
            Category.STRUCTURAL,
        }
    )
    # R42: a complaint by this many households or more is collective, hence major
    COLLECTIVE_HOUSEHOLDS = 3

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("complaint status", "Open")
        REPLIED = "replied", _("Handled, awaiting return visit")
        CLOSED = "closed", _("Closed")

    # handled (a written reply, or 跟清 for a spoken one) → closed after the return visit (R43)
    TRANSITIONS = {
        Status.OPEN: {Status.REPLIED},
        Status.REPLIED: {Status.CLOSED},
        Status.CLOSED: set(),
    }

    complainant = models.CharField(_("complainant"), max_length=100)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    received_at = models.DateTimeField(_("received at"))
    subject = models.CharField(_("subject"), max_length=200)
    is_major = models.BooleanField(_("major complaint"), default=False, db_index=True)
    is_written = models.BooleanField(
        _("written complaint"), default=False, help_text=_("Needs a written reply.")
    )
    households = models.PositiveSmallIntegerField(_("households complaining"), default=1)
    other_dossiers = models.ManyToManyField(
        Dossier,
        blank=True,
        related_name="collective_complaints",
        verbose_name=_("other dossiers concerned"),
    )
    # 听清 问清 跟清 复清 记清: each step's note, when and by whom (R42)
    heard = models.TextField(_("heard"), blank=True)
    asked = models.TextField(_("clarified"), blank=True)
    followed = models.TextField(_("followed up"), blank=True)
    rechecked = models.TextField(_("rechecked"), blank=True)
    logged = models.TextField(_("recorded"), blank=True)
    reported_at = models.DateTimeField(_("reported to the manager at"), null=True, blank=True)
    written_reply = models.TextField(_("written reply"), blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    reply_reference = models.CharField(_("reply letter number"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    STEPS = ("heard", "asked", "followed", "rechecked", "logged")

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["received_at"], name="complaint_received_idx"),
            # the list's count reads the visibility's two columns from here, not the table:
            # its dossier, or for a collective complaint its key (docs/PERFORMANCE.md)
            models.Index(fields=["dossier", "id"], name="complaint_dossier_key_idx"),
        ]

    def __str__(self):
        return self.subject

    @staticmethod
    def overdue_since(now=None):
        """R42: a complaint received before this moment and still open is overdue."""
        return (now or timezone.now()) - datetime.timedelta(days=settings.COMPLAINT_HANDLE_DAYS)

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.received_at < self.overdue_since()


class ComplaintStep(models.Model):
    """Who wrote which of the five clears, and when (one row per entry)."""

    class Step(models.TextChoices):
        HEARD = "heard", _("Heard")
        ASKED = "asked", _("Clarified")
        FOLLOWED = "followed", _("Followed up")
        RECHECKED = "rechecked", _("Rechecked")
        LOGGED = "logged", _("Recorded")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="steps", verbose_name=_("complaint")
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    note = models.TextField(_("note"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint step")
        verbose_name_plural = _("complaint steps")
        ordering = ["at", "pk"]

    def __str__(self):
        return self.get_step_display()


class Visit(DossierRecord):
    """拜访/回访 (R43): a visit to the household, or a return visit after a complaint or a
    repair."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        RETURN_VISIT = "return_visit", _("Return visit")

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Telephone")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    method = models.CharField(
        _("visit method"), max_length=20, choices=Method.choices, default=Method.IN_PERSON
    )
    visited_on = models.DateField(_("visited on"), db_index=True)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("visitor"),
    )
    visited_person = models.CharField(_("person met"), max_length=100)
    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_visits",
        verbose_name=_("complaint"),
    )
    repair = models.ForeignKey(
        Repair,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_visits",
        verbose_name=_("repair"),
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    notes = models.TextField(_("what was said"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), choices=Repair.Satisfaction.choices, null=True, blank=True
    )

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["dossier", "visited_on"], name="visit_dossier_day_idx")]

    def __str__(self):
        return f"{self.visited_on} {self.get_kind_display()}"
