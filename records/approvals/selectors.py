"""What awaits a manager's decision in the dossiers a user may see."""

from records.models import Application, Deposit, Renovation
from records.permissions import record_visible_to

__all__ = ["SECTIONS", "approvals_waiting"]


def deposits_waiting(*, user):
    """Deposit settlements (a refund or a forfeit asked for) in the dossiers ``user`` sees."""
    return record_visible_to(
        user,
        Deposit,
        Deposit.objects.filter(
            status__in=[Deposit.Status.REFUND_REQUESTED, Deposit.Status.FORFEIT_REQUESTED]
        ).select_related("dossier", "section__customer", "settlement_requested_by"),
    ).order_by("received_on", "pk")


def renovations_waiting(*, user):
    return record_visible_to(
        user,
        Renovation,
        Renovation.objects.filter(status=Renovation.Status.APPLIED).select_related(
            "dossier", "section__customer", "recorded_by"
        ),
    ).order_by("applied_on", "pk")


def applications_waiting(*, user):
    return record_visible_to(
        user,
        Application,
        Application.objects.filter(status=Application.Status.SUBMITTED).select_related(
            "dossier", "section__customer", "recorded_by"
        ),
    ).order_by("applied_on", "pk")


# the inbox's sections, in the page's order
SECTIONS = {
    "deposits": deposits_waiting,
    "renovations": renovations_waiting,
    "applications": applications_waiting,
}


def approvals_waiting(*, user):
    """Everything awaiting a manager in the dossiers ``user`` may see, oldest first: deposit
    settlements, renovation applications and applications. One query each."""
    return {name: waiting(user=user) for name, waiting in SECTIONS.items()}
