"""The lines lending writes on a dossier's timeline (registered in ``LendingConfig.ready``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    LOAN_REQUESTED = "loan_requested", _("Loan requested")
    LOAN_DECIDED = "loan_decided", _("Loan decided")
    LOAN_OUT = "loan_out", _("Loan handed out")
    LOAN_RENEWED = "loan_renewed", _("Loan renewed")
    LOAN_RETURNED = "loan_returned", _("Loan returned")
    LOAN_ESCALATED = "loan_escalated", _("Loan escalated")
    LOAN_INCIDENT = "loan_incident", _("Loss or damage on a loan")
    COPIES_MADE = "copies_made", _("Copies made")
