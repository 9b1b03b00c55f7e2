"""The yearly statistics of the archive (档案资料统计, R40), kept as snapshots.

A snapshot holds the figures as they were when they were computed: later edits of the data
never rewrite it. Computing again makes a new snapshot; the page shows the latest of a year and
lists the earlier ones.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.workflow import DomainError


class Source(models.TextChoices):
    SCHEDULE = "schedule", _("The schedule")
    DEMAND = "demand", _("On demand")


class Snapshot(models.Model):
    """What every report snapshot has: its figures, when and by whom they were computed (no
    one: the schedule), and the task that computed them (a redelivered task finds its own
    snapshot instead of making a second one)."""

    figures = models.JSONField(_("figures"), encoder=DjangoJSONEncoder)
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("computed by"),
    )
    source = models.CharField(_("computed"), max_length=10, choices=Source.choices)
    task_id = models.CharField(_("task"), max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # a snapshot is what was reported: it is never changed, only followed by a newer one
        if not self._state.adding:
            raise DomainError(_("A snapshot of the statistics is never changed."))
        super().save(*args, **kwargs)

    @property
    def computed_by_label(self):
        if self.computed_by_id is None:
            return _("the schedule")
        return self.computed_by.get_full_name() or self.computed_by.get_username()


class YearlyStatistics(Snapshot):
    """档案资料年度统计 (R40): per service centre and company-wide, the dossiers moved out, the
    documents received, filed, appraised, kept and destroyed, the loans, overdue loans and
    escalations, the complaints and their return visits of one calendar year."""

    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("yearly statistics")
        verbose_name_plural = _("yearly statistics")
        ordering = ["-year", "-computed_at", "-pk"]
        indexes = [
            models.Index(fields=["year", "-computed_at", "-id"], name="yearly_statistics_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["task_id"], condition=~Q(task_id=""), name="yearly_statistics_one_per_task"
            )
        ]
        permissions = [
            ("compile_yearlystatistics", _("Can compile the yearly statistics")),
            ("receive_yearlystatistics", _("Receives the yearly statistics")),
        ]

    def __str__(self):
        return _("Statistics %(year)s computed at %(at)s") % {
            "year": self.year,
            "at": date_format(timezone.localtime(self.computed_at), "DATETIME_FORMAT"),
        }
