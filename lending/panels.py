"""The loans panel of the dossier page (registered in ``LendingConfig.ready``)."""

from core import permissions as gate

from .loans import selectors
from .permissions import REQUEST, VIEW

PANEL_LOANS = 5


def loan_panel(*, dossier, user):
    """The dossier's latest loans that ``user`` may see, with the button that asks for one.
    Two queries, whatever the number of loans."""
    if not gate.can(user, VIEW):
        return None
    can_request = gate.can(user, REQUEST)
    loans = list(selectors.dossier_loans(user=user, dossier=dossier)[:PANEL_LOANS])
    if not loans and not can_request:
        return None
    return {
        "template": "lending/panels/dossier_loans.html",
        "dossier": dossier,
        "loans": loans,
        "can_request": can_request,
    }
