from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DestructionConfig(AppConfig):
    name = "destruction"
    verbose_name = _("Appraisal and destruction")

    def ready(self):
        from core.navigation import NavItem
        from core.navigation import register as register_nav
        from customers import event_kinds, panels

        from . import moves  # noqa: F401  (declares the moves)
        from .panels import destruction_panel
        from .permissions import VIEW_HOLD
        from .timeline import Kind

        event_kinds.register(Kind)
        panels.register(destruction_panel, order=30)
        register_nav(
            NavItem(
                _("Legal holds"),
                "destruction:hold_list",
                icon="shield-lock",
                order=125,
                perm=VIEW_HOLD,
            ),
        )
