"""Correspondence (往来函): letters in and out, kept with their replies."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from records.base import DossierRecord


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
