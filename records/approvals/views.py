"""The approvals inbox page."""

from django.shortcuts import render

from core import permissions as gate
from records.approvals.selectors import approvals_waiting
from records.permissions import can


def approval_list(request):
    """Everything awaiting a manager in the dossiers the user may see: three queries."""
    gate.require(request.user, "records.view_deposit", request=request)
    user = request.user
    waiting = approvals_waiting(user=user)
    deposits = list(waiting["deposits"])
    renovations = list(waiting["renovations"])
    applications = list(waiting["applications"])
    # the user's own requests are decided by another manager: say so on the row
    for deposit in deposits:
        deposit.own = deposit.settlement_requested_by_id == user.pk
    for item in (*renovations, *applications):
        item.own = item.recorded_by_id == user.pk
    return render(
        request,
        "records/approvals/approval_list.html",
        {
            "deposits": deposits,
            "renovations": renovations,
            "applications": applications,
            "total": len(deposits) + len(renovations) + len(applications),
            "decides_deposits": can(user, "records.approve_deposit"),
            "decides_renovations": can(user, "records.approve_renovation"),
            "decides_applications": can(user, "records.approve_application"),
        },
    )
