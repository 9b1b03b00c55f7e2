"""The monthly complaint summary (客户月投诉统计表, R41), kept as snapshots like the yearly
statistics: the figures as they were when computed, never rewritten."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from reports.statistics.models import Snapshot


class ComplaintSummary(Snapshot):
    """客户月投诉统计表 (R41): the complaints received in one month, by category, estate,
    general or major, the time they took to close and their return visits."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))

    class Meta:
        verbose_name = _("monthly complaint summary")
        verbose_name_plural = _("monthly complaint summaries")
        ordering = ["-month", "-computed_at", "-pk"]
        indexes = [
            models.Index(fields=["month", "-computed_at", "-id"], name="complaint_summary_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["task_id"], condition=~Q(task_id=""), name="complaint_summary_one_per_task"
            )
        ]
        permissions = [
            ("compile_complaintsummary", _("Can compile the monthly complaint summary")),
            ("receive_complaintsummary", _("Receives the monthly complaint summary")),
        ]

    def __str__(self):
        return _("Complaint summary %(month)s computed at %(at)s") % {
            "month": f"{self.month:%Y-%m}",
            "at": date_format(timezone.localtime(self.computed_at), "DATETIME_FORMAT"),
        }
