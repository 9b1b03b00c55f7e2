from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LendingConfig(AppConfig):
    name = "lending"
    verbose_name = _("Lending")

    def ready(self):
        from core.navigation import NavItem
        from core.navigation import register as register_nav
        from core.roles import Role
        from customers import event_kinds, panels, timeline

        from . import moves  # noqa: F401  (declares the moves)
        from .panels import loan_panel
        from .permissions import HAND_OUT, HANDLE_INCIDENT, REQUEST, VIEW, VIEW_ALL
        from .timeline import Kind

        event_kinds.register(Kind)
        # what waits for a person, on the home page
        from . import worklist

        worklist.register()
        panels.register(loan_panel, order=20)
        timeline.register_record("lending.loan", "lending:loan_detail")
        register_nav(
            NavItem(
                _("My loans"), "lending:my_loans", icon="journal-bookmark", order=110, perm=REQUEST
            ),
            # managers decide loans and renewals, the legal department outside parties (R20)
            NavItem(
                _("Loan approvals"),
                "lending:approval_queue",
                icon="check2-square",
                order=111,
                perm=VIEW,
                roles=(Role.MANAGER, Role.LEGAL),
            ),
            NavItem(_("Lending desk"), "lending:desk", icon="inboxes", order=112, perm=HAND_OUT),
            NavItem(
                _("Loss and damage"),
                "lending:incident_list",
                icon="exclamation-triangle",
                order=115,
                perm=HANDLE_INCIDENT,
            ),
            NavItem(
                _("Copies register"),
                "lending:copy_list",
                icon="files",
                order=116,
                perm=VIEW_ALL,
            ),
            NavItem(
                _("Loan register"),
                "lending:loan_register",
                icon="printer",
                order=113,
                perm=VIEW_ALL,
            ),
            NavItem(
                _("Staff with items out"),
                "lending:clearance_report",
                icon="person-check",
                order=114,
                perm=VIEW_ALL,
                roles=(Role.MANAGER, Role.ARCHIVIST, Role.EXECUTIVE),
            ),
        )

        # R28: whoever holds items or copies is not deactivated (core.clearance)
        from core import clearance

        from .clearance.selectors import holdings

        clearance.register(holdings)
