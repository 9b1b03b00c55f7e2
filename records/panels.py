"""The dossier page's records panel (registered in RecordsConfig.ready): what is held and
owed, what is open, and the buttons that record something new."""

from django.db.models import DecimalField, F, Func, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Dossier

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


def _scalar(queryset, function, expression="pk"):
    """``queryset`` reduced to one value (``COUNT``, ``SUM``) as a subquery with no GROUP BY."""
    return Subquery(
        queryset.order_by().annotate(value=Func(expression, function=function)).values("value")
    )


def _held(dossier):
    return Deposit.objects.filter(dossier=dossier, status__in=Deposit.HELD_STATUSES)


def _owing(dossier, on):
    return Charge.objects.filter(dossier=dossier, due_on__lt=on, paid_amount__lt=F("amount"))


def dossier_balances(dossier, *, on=None):
    """The deposits held and the arrears owed by the dossier: two aggregate queries."""
    on = on or timezone.localdate()
    held = _held(dossier).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    arrears = _owing(dossier, on).aggregate(
        total=Coalesce(Sum(F("amount") - F("paid_amount")), ZERO)
    )["total"]
    return held, arrears


def panel_figures(dossier, *, on=None):
    """What the records panel shows of the dossier, in one query of scalar subqueries: the
    deposits held, the arrears owed and the open complaints, repairs, violations and
    applications waiting for a manager (one query rather than seven on every dossier page)."""
    on = on or timezone.localdate()
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
    money = DecimalField(max_digits=12, decimal_places=2)
    return (
        Dossier.objects.filter(pk=dossier.pk)
        .annotate(
            held=Coalesce(_scalar(_held(dossier), "SUM", "amount"), ZERO, output_field=money),
            arrears=Coalesce(
                _scalar(_owing(dossier, on), "SUM", F("amount") - F("paid_amount")),
                ZERO,
                output_field=money,
            ),
            complaints=_scalar(
                Complaint.objects.filter(pk__in=concerning).exclude(status=Complaint.Status.CLOSED),
                "COUNT",
            ),
            repairs=_scalar(
                Repair.objects.filter(dossier=dossier).exclude(status=Repair.Status.CLOSED),
                "COUNT",
            ),
            violations=_scalar(
                Violation.objects.filter(dossier=dossier, status=Violation.Status.OPEN), "COUNT"
            ),
            applications=_scalar(
                Application.objects.filter(dossier=dossier, status=Application.Status.SUBMITTED),
                "COUNT",
            ),
            renovations=_scalar(
                Renovation.objects.filter(dossier=dossier, status=Renovation.Status.APPLIED),
                "COUNT",
            ),
        )
        .values(
            "held",
            "arrears",
            "complaints",
            "repairs",
            "violations",
            "applications",
            "renovations",
        )
        .get()
    )


def records_panel(*, dossier, user):
    if not sees_records_panel(user):
        return None
    figures = panel_figures(dossier)
    return {
        "template": "records/partials/dossier_panel.html",
        "dossier": dossier,
        "deposits_held": figures["held"],
        "arrears": figures["arrears"],
        "open_counts": {
            "complaints": figures["complaints"],
            "repairs": figures["repairs"],
            "violations": figures["violations"],
            "pending": figures["applications"] + figures["renovations"],
        },
        "add_links": addable(user, RECORD_KINDS),
    }
