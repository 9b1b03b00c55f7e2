"""Occupancy: a customer's owning or renting of a unit, one section of its dossier (R4, R8)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .dossiers import Dossier
from .people import Customer


class OccupancyQuerySet(models.QuerySet):
    def current(self):
        return self.filter(status__in=[Occupancy.Status.PENDING, Occupancy.Status.ACTIVE])


class Occupancy(models.Model):
    """A customer's owning or renting of a unit: one section of the unit's dossier (R8)."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        TENANT = "tenant", _("Tenant")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        ACTIVE = "active", _("Moved in")
        MOVED_OUT = "moved_out", _("Moved out")
        REJECTED = "rejected", _("Rejected at verification")

    TRANSITIONS = {
        Status.PENDING: {Status.ACTIVE, Status.REJECTED},
        Status.ACTIVE: {Status.MOVED_OUT},
        Status.MOVED_OUT: set(),
        Status.REJECTED: set(),
    }

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("dossier")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("customer")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    section_number = models.PositiveSmallIntegerField(_("section"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    moved_in = models.DateField(_("move-in date"))
    moved_out = models.DateField(_("move-out date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = OccupancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancies")
        ordering = ["dossier", "-section_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "section_number"], name="occupancy_unique_section"
            ),
            # R4: the person who verifies is not the person who recorded.
            models.CheckConstraint(
                condition=Q(verified_by__isnull=True) | ~Q(verified_by=F("recorded_by")),
                name="occupancy_verified_by_another",
            ),
            # One open section per customer and role in a dossier.
            models.UniqueConstraint(
                fields=["dossier", "customer", "role"],
                condition=Q(status__in=["pending", "active"]),
                name="occupancy_one_open_per_customer",
            ),
            models.CheckConstraint(
                condition=Q(moved_out__isnull=True) | Q(moved_out__gte=F("moved_in")),
                name="occupancy_moves_out_after_moving_in",
            ),
        ]
        permissions = [("verify_occupancy", _("Can verify a move-in"))]

    def __str__(self):
        return f"{self.dossier} §{self.section_number} {self.customer}（{self.get_role_display()}）"

    @property
    def is_closed(self):
        return self.status in (self.Status.MOVED_OUT, self.Status.REJECTED)

    @property
    def locked(self):
        return self.status != self.Status.PENDING
