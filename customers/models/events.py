"""The dossier's timeline (R6, R10): one line per fact, written by the service that records it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import lines

from .. import event_kinds
from .dossiers import Dossier
from .sections import Occupancy


class DossierEvent(models.Model):
    """One line of the dossier's timeline: something recorded in or about the dossier.

    Every service that records or moves a record of the dossier (a move-in, a contact change,
    a lease, a complaint step …) writes its event in the same transaction. The timeline is then
    one indexed query, newest first (R6), whatever the dossier holds; dynamic updates (R10)
    are kept as events, never overwritten.
    """

    class Kind(models.TextChoices):
        """The customers app's own kinds; the other apps register theirs (event_kinds)."""

        OCCUPANCY = "occupancy", _("Move-in and move-out")
        HOUSEHOLD = "household", _("Household change")
        CONTACT = "contact", _("Contact change")
        CUSTOMER = "customer", _("Customer data change")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="events", verbose_name=_("dossier")
    )
    section = models.ForeignKey(
        Occupancy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("section"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=event_kinds.choices)
    occurred_on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    title = models.CharField(_("title"), max_length=200)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    # the same lines as msgid and parameters (core.lines), said in the reader's language; the
    # text columns keep them in the default language (search, admin, rows written before)
    title_line = models.JSONField(_("title (line)"), null=True, blank=True, editable=False)
    detail_line = models.JSONField(_("detail (line)"), null=True, blank=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # the record the event is about, opened by the URL its app registered for the kind
    record_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["-occurred_on", "-recorded_at", "-pk"]
        indexes = [
            models.Index(
                fields=["dossier", "-occurred_on", "-recorded_at", "-id"], name="event_timeline_idx"
            ),
            models.Index(
                fields=["dossier", "kind", "-occurred_on", "-recorded_at", "-id"],
                name="event_timeline_kind_idx",
            ),
            models.Index(fields=["record_type", "record_id"], name="event_record_idx"),
        ]

    def __str__(self):
        return f"{self.occurred_on} {self.title}"

    @property
    def display_title(self) -> str:
        """The title in the reader's language (the stored text for a row without a line)."""
        return lines.render(self.title_line, fallback=self.title)

    @property
    def display_detail(self) -> str:
        return lines.render(self.detail_line, fallback=self.detail)
