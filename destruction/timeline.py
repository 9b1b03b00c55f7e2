"""The lines destruction writes on a dossier's timeline (registered in ``DestructionConfig``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    HOLD_PLACED = "hold_placed", _("Legal hold placed")
    HOLD_LIFTED = "hold_lifted", _("Legal hold lifted")
    DESTROYED = "documents_destroyed", _("Documents destroyed")
