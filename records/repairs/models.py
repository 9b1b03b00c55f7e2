"""Repairs: reported, ordered, completed, rated (R43)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from records.base import MONEY, DossierRecord


class Repair(DossierRecord):
    """报修: the request, its work order, completion and the customer's feedback."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        ORDERED = "ordered", _("Work order issued")
        COMPLETED = "completed", _("Completed, awaiting feedback")
        CLOSED = "closed", _("Closed with feedback")

    TRANSITIONS = {
        Status.REPORTED: {Status.ORDERED},
        Status.ORDERED: {Status.COMPLETED},
        Status.COMPLETED: {Status.CLOSED},
        Status.CLOSED: set(),
    }

    class Satisfaction(models.IntegerChoices):
        VERY_SATISFIED = 5, _("Very satisfied")
        SATISFIED = 4, _("Satisfied")
        NEUTRAL = 3, _("Neutral")
        DISSATISFIED = 2, _("Dissatisfied")
        VERY_DISSATISFIED = 1, _("Very dissatisfied")

    reported_by_name = models.CharField(_("reported by"), max_length=100)
    reported_at = models.DateTimeField(_("reported at"))
    location = models.CharField(_("location"), max_length=100)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REPORTED, db_index=True
    )
    work_order_number = models.CharField(_("work order number"), max_length=40, blank=True)
    assigned_to = models.CharField(_("assigned to"), max_length=100, blank=True)
    ordered_at = models.DateTimeField(_("ordered at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    cost = models.DecimalField(_("cost charged (yuan)"), null=True, blank=True, **MONEY)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), choices=Satisfaction.choices, null=True, blank=True
    )
    feedback = models.TextField(_("customer feedback"), blank=True)

    class Meta:
        verbose_name = _("repair")
        verbose_name_plural = _("repairs")
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_order_number"],
                condition=~Q(work_order_number=""),
                name="repair_unique_work_order",
            )
        ]

    def __str__(self):
        return self.work_order_number or str(self.reported_at.date())
