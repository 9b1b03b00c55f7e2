from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DestructionConfig(AppConfig):
    name = "destruction"
    verbose_name = _("Appraisal and destruction")

    def ready(self):
        from core.navigation import NavItem
        from core.navigation import register as register_nav
        from core.roles import Role
        from customers import event_kinds, panels

        from . import moves  # noqa: F401  (declares the moves)
        from .panels import destruction_panel
        from .permissions import APPRAISE, APPROVE, ENGINEERING, VIEW, VIEW_HOLD, WITNESS
        from .timeline import Kind

        event_kinds.register(Kind)
        # what waits for a person, on the home page
        from . import worklist

        worklist.register()
        panels.register(destruction_panel, order=30)
        register_nav(
            NavItem(
                _("Due for appraisal"),
                "destruction:due_list",
                icon="hourglass-bottom",
                order=120,
                perm=APPRAISE,
            ),
            NavItem(
                _("Destruction batches"),
                "destruction:batch_list",
                icon="trash3",
                order=121,
                perm=VIEW,
            ),
            NavItem(
                _("Destruction approvals"),
                "destruction:approval_queue",
                icon="clipboard2-check",
                order=122,
                perm=APPROVE,
                roles=(Role.MANAGER,),
            ),
            NavItem(
                _("Batches to witness"),
                "destruction:witness_queue",
                icon="eye",
                order=123,
                perm=WITNESS,
            ),
            NavItem(
                _("Catalog of destroyed files"),
                "destruction:catalog",
                icon="journal-x",
                order=124,
                perm=VIEW,
            ),
            NavItem(
                _("Legal holds"),
                "destruction:hold_list",
                icon="shield-lock",
                order=125,
                perm=VIEW_HOLD,
            ),
            NavItem(
                _("Engineering opinions"),
                "destruction:engineering_queue",
                icon="tools",
                order=126,
                perm=ENGINEERING,
            ),
        )
