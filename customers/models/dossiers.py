"""One dossier per unit (R1) with a permanent archive number (R2), its secrecy (R12, R17) and the
object grants on it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from core.choices import CONFIDENTIAL_LEVELS, Retention, SecrecyLevel

from .structure import Unit


class DossierQuerySet(models.QuerySet):
    def with_current_occupants(self):
        """Prefetch the open sections and their customers: the label (R7) in one query."""
        from .sections import Occupancy

        return self.prefetch_related(
            models.Prefetch(
                "occupancies",
                queryset=Occupancy.objects.current().select_related("customer"),
                to_attr="current_occupancies",
            )
        )

    def confidential(self):
        return self.filter(secrecy_level__in=CONFIDENTIAL_LEVELS)


class Dossier(models.Model):
    """一户一档: exactly one dossier per unit (R1), with a permanent archive number (R2)."""

    class Status(models.TextChoices):
        VACANT = "vacant", _("Vacant")
        PENDING = "pending", _("Awaiting verification")
        OCCUPIED = "occupied", _("Occupied")

    unit = models.OneToOneField(
        Unit, on_delete=models.PROTECT, related_name="dossier", verbose_name=_("unit")
    )
    archive_number = models.CharField(
        _("archive number"), max_length=60, unique=True, editable=False
    )
    secrecy_level = models.CharField(
        _("secrecy level"),
        max_length=1,
        choices=SecrecyLevel.choices,
        default=SecrecyLevel.C,
        db_index=True,
    )
    retention = models.CharField(
        _("retention period"), max_length=20, choices=Retention.choices, default=Retention.PERMANENT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.VACANT, db_index=True
    )
    opened_on = models.DateField(_("opened on"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    # R1: the unit's place (estate code, building, floor, entrance, room) in one indexed
    # column, so that the list pages by its index instead of sorting every dossier across
    # four tables; written by customers.dossiers (unit_sort_key) whenever the unit, its
    # building or its estate changes.
    sort_key = models.CharField(_("sort key"), max_length=400, editable=False, default="")
    history = HistoricalRecords(excluded_fields=["sort_key"])

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["archive_number"]
        indexes = [
            models.Index(fields=["sort_key", "id"], name="dossier_sort_key_idx"),
            # the few dossiers above level C: what the visibility condition hashes
            # (customers.permissions.hidden_dossiers)
            models.Index(
                fields=["id"],
                condition=~models.Q(secrecy_level="C"),
                name="dossier_confidential_idx",
            ),
        ]
        permissions = [
            ("reveal_dossier", _("Can reveal personal data in the dossier")),
        ]

    def __str__(self):
        return self.archive_number

    @property
    def is_confidential(self):
        return self.secrecy_level in CONFIDENTIAL_LEVELS

    @property
    def status_badge(self):
        """The badge colour of the status, on the list and the dossier page."""
        return {
            self.Status.OCCUPIED: "text-bg-success",
            self.Status.PENDING: "text-bg-warning",
        }.get(self.status, "text-bg-secondary")

    @property
    def current(self):
        if hasattr(self, "current_occupancies"):
            return self.current_occupancies
        return list(self.occupancies.current().select_related("customer"))

    @property
    def label(self):
        """R7: the label shows the current occupants' names, derived, so it always matches."""
        return "、".join(o.customer.name for o in self.current)


class DossierUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("dossier permission of a user")
        verbose_name_plural = _("dossier permissions of users")


class DossierGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("dossier permission of a group")
        verbose_name_plural = _("dossier permissions of groups")


class ArchiveNumber(models.Model):
    """Every archive number ever issued: a number is never reused (R2)."""

    number = models.CharField(_("archive number"), max_length=60, primary_key=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    dossier = models.OneToOneField(
        Dossier,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("dossier"),
    )

    class Meta:
        verbose_name = _("issued archive number")
        verbose_name_plural = _("issued archive numbers")

    def __str__(self):
        return self.number
