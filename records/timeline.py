"""The records app's kinds of timeline line (registered in RecordsConfig.ready)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    LEASE = "lease", _("Lease")
    DEPOSIT = "deposit", _("Deposit")
    PAYMENT = "payment", _("Payment and arrears")
    RENOVATION = "renovation", _("Secondary renovation")
    COMPLAINT = "complaint", _("Complaint")
    REPAIR = "repair", _("Repair")
    VIOLATION = "violation", _("Violation")
    VISIT = "visit", _("Visit and return visit")
    CORRESPONDENCE = "correspondence", _("Correspondence")
    APPLICATION = "application", _("Application")
