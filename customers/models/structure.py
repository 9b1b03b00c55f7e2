"""Property structure: service centres, estates (苑/小区), buildings (栋) and units (房号)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ServiceCentre(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Estate(models.Model):
    """苑/小区: the estate and the service centre that looks after it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(
        _("code"), max_length=20, unique=True, help_text=_("Used in archive numbers.")
    )
    service_centre = models.ForeignKey(
        ServiceCentre,
        on_delete=models.PROTECT,
        related_name="estates",
        verbose_name=_("service centre"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Building(models.Model):
    """栋."""

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("estate")
    )
    number = models.CharField(_("building number"), max_length=20)
    name = models.CharField(_("name"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["estate__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "number"], name="building_unique_number")
        ]

    def __str__(self):
        return _("%(estate)s building %(number)s") % {"estate": self.estate, "number": self.number}


class Unit(models.Model):
    """房号: one unit of a building, on a floor, in an entrance (单元)."""

    class Usage(models.TextChoices):
        RESIDENTIAL = "residential", _("Residential")
        COMMERCIAL = "commercial", _("Shop")
        OFFICE = "office", _("Office")

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("building")
    )
    entrance = models.CharField(_("entrance"), max_length=20, blank=True)
    floor = models.SmallIntegerField(_("floor"))
    room = models.CharField(_("room number"), max_length=20)
    usage = models.CharField(
        _("usage"), max_length=20, choices=Usage.choices, default=Usage.RESIDENTIAL
    )
    area = models.DecimalField(
        _("floor area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building__estate__code", "building__number", "floor", "entrance", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "entrance", "room"], name="unit_unique_in_building"
            )
        ]
        indexes = [models.Index(fields=["building", "floor"], name="unit_floor_idx")]

    def __str__(self):
        return self.label

    @property
    def label(self):
        building = self.building
        parts = [building.estate.name, _("Building %(n)s") % {"n": building.number}]
        if self.entrance:
            parts.append(_("Entrance %(n)s") % {"n": self.entrance})
        parts.append(self.room)
        return " ".join(str(p) for p in parts)
