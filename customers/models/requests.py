"""Change requests of confirmed customers (R9) and move-ins referred to a manager (R17)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .dossiers import Dossier
from .people import Customer
from .sections import Occupancy
from .structure import Unit


class ChangeRequest(models.Model):
    """An edit of a locked record (R9): proposed, then approved or rejected by a manager."""

    # the admin's history masks ``changes`` ({field: [old, new]}) as these fields (R16)
    CHANGES_MASKED_AS = Customer

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        APPROVED = "approved", _("Approved and applied")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.REQUESTED: {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
        Status.APPROVED: set(),
        Status.REJECTED: set(),
        Status.WITHDRAWN: set(),
    }

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("dossier")
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="change_requests",
        verbose_name=_("customer"),
    )
    changes = models.JSONField(_("changes"), help_text=_("{field: [old, new]}"))
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-requested_at", "-pk"]
        permissions = [("approve_changerequest", _("Can approve or reject change requests"))]

    def __str__(self):
        return _("Change of %(customer)s (%(status)s)") % {
            "customer": self.customer,
            "status": self.get_status_display(),
        }


class MoveInReferral(models.Model):
    """A move-in of a customer already on file in a dossier the recorder may not see (R17).

    The front desk typed an ID number or credit code that belongs to such a customer. The
    move-in is not recorded and nothing about that customer is shown to them; a manager who
    may see the customer decides: accept (the move-in is recorded with the customer on file,
    then verified as usual, R4) or reject, with a note."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting a manager's decision")
        ACCEPTED = "accepted", _("Accepted: move-in recorded")
        REJECTED = "rejected", _("Rejected")

    TRANSITIONS = {
        Status.REQUESTED: {Status.ACCEPTED, Status.REJECTED},
        Status.ACCEPTED: set(),
        Status.REJECTED: set(),
    }

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("unit")
    )
    role = models.CharField(_("as"), max_length=10, choices=Occupancy.Role.choices)
    moved_in = models.DateField(_("move-in date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    # the customer on file: shown only to those who may see them, never to the requester
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer on file")
    )
    typed = models.JSONField(
        _("data typed at the front desk"), default=dict, help_text=_("{field: value}")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    occupancy = models.OneToOneField(
        Occupancy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral",
        verbose_name=_("section recorded"),
    )
    history = HistoricalRecords()

    PERSONAL_FIELDS = {}  # the typed values are masked field by field (Customer's kinds)

    class Meta:
        verbose_name = _("move-in referred to a manager")
        verbose_name_plural = _("move-ins referred to a manager")
        ordering = ["-requested_at", "-pk"]
        permissions = [
            (
                "decide_moveinreferral",
                _("Can decide move-ins of customers on file in other dossiers"),
            )
        ]

    def __str__(self):
        return _("Move-in into %(unit)s (%(status)s)") % {
            "unit": self.unit,
            "status": self.get_status_display(),
        }
