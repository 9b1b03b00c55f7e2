"""Choices shared by dossiers and documents (R12)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SecrecyLevel(models.TextChoices):
    # R12 / 004 §5.1.5: customer files are company level C; special material may be raised.
    C = "C", _("Level C (company internal)")
    B = "B", _("Level B (confidential)")
    A = "A", _("Level A (strictly confidential)")


# Above C, a record is visible only to the people and groups granted on it (R17).
CONFIDENTIAL_LEVELS = (SecrecyLevel.B, SecrecyLevel.A)


class Retention(models.TextChoices):
    # R39: customer files are normally kept permanently (一般不予销毁).
    PERMANENT = "permanent", _("Permanent")
    LONG = "long", _("Long-term (30 years)")
    SHORT = "short", _("Short-term (10 years)")
