from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LendingConfig(AppConfig):
    name = "lending"
    verbose_name = _("Lending")

    def ready(self):
        from customers import event_kinds

        from . import moves  # noqa: F401  (declares the moves)
        from .timeline import Kind

        event_kinds.register(Kind)

        # R28: whoever holds items or copies is not deactivated (core.clearance)
        from core import clearance

        from .clearance.selectors import holdings

        clearance.register(holdings)
