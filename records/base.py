"""The fields every record of a dossier has."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.models import Dossier, Occupancy

MONEY = {"max_digits": 12, "decimal_places": 2}


class DossierRecord(models.Model):
    """The fields every record of a dossier has."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="+", verbose_name=_("dossier")
    )
    section = models.ForeignKey(
        Occupancy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("section"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # a default rather than auto_now_add, so that back-entered demo data can carry its own date
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("Closed records are kept as they are.")
    )
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    def get_absolute_url(self):
        from django.urls import reverse

        from records.apps import RECORDS

        return reverse(RECORDS[self._meta.label_lower][0], args=[self.pk])
