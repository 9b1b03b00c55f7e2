"""The dossier page's records panel (registered in RecordsConfig.ready): what is held and
owed, what is open, and the buttons that record something new."""

from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Application, Charge, Complaint, Deposit, Renovation, Repair, Violation
from .permissions import addable, sees_records_panel

ZERO = Value(0, output_field=DecimalField(max_digits=12, decimal_places=2))

# (label, URL name taking dossier_pk, permission, icon)
RECORD_KINDS = [
    (_("Complaint"), "records:complaint_add", "records.add_complaint", "megaphone"),
    (_("Repair"), "records:repair_add", "records.add_repair", "tools"),
    (_("Visit or return visit"), "records:visit_add", "records.add_visit", "person-walking"),
    (_("Letter"), "records:letter_add", "records.add_correspondence", "envelope"),
    (_("Application"), "records:application_add", "records.add_application", "ui-checks"),
    (_("Lease"), "records:lease_add", "records.add_lease", "file-earmark-text"),
    (_("Deposit"), "records:deposit_add", "records.add_deposit", "safe"),
    (_("Charge"), "records:charge_add", "records.add_charge", "receipt"),
    (_("Secondary renovation"), "records:renovation_add", "records.add_renovation", "hammer"),
    (_("Violation"), "records:violation_add", "records.add_violation", "exclamation-octagon"),
]


def dossier_balances(dossier, *, on=None):
    """The deposits held and the arrears owed by the dossier: two aggregate queries."""
    on = on or timezone.localdate()
    held = Deposit.objects.filter(dossier=dossier, status__in=Deposit.HELD_STATUSES).aggregate(
        total=Coalesce(Sum("amount"), ZERO)
    )["total"]
    arrears = Charge.objects.filter(
        dossier=dossier, due_on__lt=on, paid_amount__lt=F("amount")
    ).aggregate(total=Coalesce(Sum(F("amount") - F("paid_amount")), ZERO))["total"]
    return held, arrears


def records_panel(*, dossier, user):
    if not sees_records_panel(user):
        return None
    held, arrears = dossier_balances(dossier)
    # the dossier's own complaints and the collective ones naming it, each found by its index
    # (an OR across the join read every open complaint of every dossier)
    concerning = (
        Complaint.objects.filter(dossier=dossier)
        .order_by()
        .values("pk")
        .union(
            Complaint.other_dossiers.through.objects.filter(dossier=dossier).values("complaint"),
            all=True,
        )
    )
    open_counts = {
        "complaints": Complaint.objects.filter(pk__in=concerning)
        .exclude(status=Complaint.Status.CLOSED)
        .count(),
        "repairs": Repair.objects.filter(dossier=dossier)
        .exclude(status=Repair.Status.CLOSED)
        .count(),
        "violations": Violation.objects.filter(
            dossier=dossier, status=Violation.Status.OPEN
        ).count(),
        "pending": Application.objects.filter(
            dossier=dossier, status=Application.Status.SUBMITTED
        ).count()
        + Renovation.objects.filter(dossier=dossier, status=Renovation.Status.APPLIED).count(),
    }
    return {
        "template": "records/partials/dossier_panel.html",
        "dossier": dossier,
        "deposits_held": held,
        "arrears": arrears,
        "open_counts": open_counts,
        "add_links": addable(user, RECORD_KINDS),
    }
