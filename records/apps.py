from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# the page that opens each kind of record from the dossier's timeline
LINKS = {
    "records.lease": "records:lease_detail",
    "records.deposit": "records:deposit_detail",
    "records.charge": "records:charge_detail",
    "records.payment": "records:charge_detail_by_payment",
    "records.renovation": "records:renovation_detail",
    "records.renovationinspection": "records:renovation_detail_by_inspection",
    "records.violation": "records:violation_detail",
    "records.complaint": "records:complaint_detail",
    "records.repair": "records:repair_detail",
    "records.visit": "records:visit_detail",
    "records.correspondence": "records:letter_detail",
    "records.application": "records:application_detail",
}


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Dossier records")

    def ready(self):
        from core.navigation import NavItem, register
        from customers import panels, timeline

        from .panels import records_panel

        panels.register(records_panel, order=5)
        for label, url_name in LINKS.items():
            timeline.register_link(label, url_name)
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
