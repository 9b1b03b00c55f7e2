from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# the modules that declare the records' workflows (core.workflow), loaded with the app so that
# every page, the admin and the other apps find the moves of a record
WORKFLOWS = [
    "records.finance.services",  # deposits
    "records.finance.leases",  # leases
    "records.applications.services",
]

# each kind of record: the page that opens it (from the dossier's timeline, and as the record
# papers are attached to) and the document category an attachment of it starts with
RECORDS = {
    "records.lease": ("records:lease_detail", "lease"),
    "records.deposit": ("records:deposit_detail", "deposit_receipt"),
    "records.charge": ("records:charge_detail", "payment"),
    "records.payment": ("records:charge_detail_by_payment", "payment"),
    "records.renovation": ("records:renovation_detail", "renovation"),
    "records.renovationinspection": ("records:renovation_detail_by_inspection", "renovation"),
    "records.violation": ("records:violation_detail", "violation"),
    "records.complaint": ("records:complaint_detail", "complaint"),
    "records.repair": ("records:repair_detail", "repair"),
    "records.visit": ("records:visit_detail", "visit"),
    "records.correspondence": ("records:letter_detail", "correspondence"),
    "records.application": ("records:application_detail", "application"),
}


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Dossier records")

    def ready(self):
        from importlib import import_module

        from core.navigation import NavItem, register
        from customers import event_kinds, panels, timeline

        # each workflow's moves are declared by the module that owns its services
        from .complaints import services as _complaints  # noqa: F401
        from .finance import balances as _balances  # noqa: F401  (a saved charge's balance)
        from .panels import records_panel
        from .renovations import services as _renovations  # noqa: F401
        from .repairs import services as _repairs  # noqa: F401
        from .timeline import Kind

        for module in WORKFLOWS:
            import_module(module)
        event_kinds.register(Kind)
        # what waits for a person, on the home page
        from . import worklist

        worklist.register()
        panels.register(records_panel, order=5)
        for label, (url_name, category) in RECORDS.items():
            timeline.register_record(label, url_name, category=category)
        register(
            NavItem(
                _("Complaints"),
                "records:complaint_list",
                icon="megaphone",
                order=42,
                perm="records.view_complaint",
            ),
            NavItem(
                _("Visits due"),
                "records:visit_schedule",
                icon="calendar-check",
                order=44,
                perm="records.view_visit",
            ),
            NavItem(
                _("Approvals"),
                "records:approval_list",
                icon="check2-square",
                order=46,
                perm="records.view_deposit",
            ),
            NavItem(
                _("Arrears"),
                "records:arrears_list",
                icon="cash-coin",
                order=48,
                perm="records.view_charge",
            ),
        )
