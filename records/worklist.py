"""The home page's sections of the dossiers' records (``core.worklist``): the approvals, the
open complaints and the complaints still owed a return visit (R42, R43)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import worklist
from core.permissions import can

from .approvals.selectors import approvals_waiting
from .complaints import selectors as complaint_selectors
from .models import Complaint

DECIDES = {
    "deposits": ("records.approve_deposit", "records:deposit_detail", "received_on"),
    "renovations": ("records.approve_renovation", "records:renovation_detail", "applied_on"),
    "applications": ("records.approve_application", "records:application_detail", "applied_on"),
}


def approvals(user, limit):
    """Everything awaiting a manager, as the approvals inbox counts it (its three sections),
    offered to those who decide at least one of them."""
    if not any(can(user, perm) for perm, _url, _day in DECIDES.values()):
        return None
    if not can(user, "records.view_deposit"):  # the inbox's own gate
        return None
    waiting = approvals_waiting(user=user)

    def part(name):
        _perm, url_name, day = DECIDES[name]

        def make(row):
            return worklist.Item(
                label=f"{row.dossier.archive_number} · {row}",
                url=reverse(url_name, args=[row.pk]),
                detail=row.section.customer.name if row.section_id else "",
                when=getattr(row, day),
            )

        return waiting[name], make

    merged = worklist.merged([part(name) for name in DECIDES], limit)
    return worklist.Section(
        title=_("Approvals waiting"),
        count=merged.count,
        items=merged.rows,
        icon="check2-square",
        url=reverse("records:approval_list"),
    )


def _complaint_item(complaint):
    return worklist.Item(
        label=f"{complaint.dossier.archive_number} · {complaint.subject}",
        url=reverse("records:complaint_detail", args=[complaint.pk]),
        detail=complaint.get_status_display(),
        when=complaint.received_at,
        flag=_("Major") if complaint.is_major else "",
    )


def open_complaints(user, limit):
    """The complaints not yet handled, as the complaint list filtered on "open" shows them."""
    if not can(user, "records.change_complaint"):
        return None
    rows = complaint_selectors.complaint_list(user=user, status=Complaint.Status.OPEN)
    count, first = worklist.first(rows, limit)
    return worklist.Section(
        title=_("Open complaints"),
        count=count,
        items=[_complaint_item(c) for c in first],
        icon="megaphone",
        url=reverse("records:complaint_list") + f"?status={Complaint.Status.OPEN}",
    )


def return_visits_due(user, limit):
    """R43: this year's complaints without a return visit, as the visits-due page counts them."""
    if not (can(user, "records.add_visit") and can(user, "records.view_visit")):
        return None
    rows, summary = complaint_selectors.complaints_without_return_visit(
        user=user, year=timezone.localdate().year, limit=limit
    )
    return worklist.Section(
        title=_("Return visits due"),
        count=summary["due"],
        items=[_complaint_item(c) for c in rows],
        icon="calendar-check",
        url=reverse("records:visit_schedule"),
    )


def register():
    worklist.register("approvals", approvals, order=20)
    worklist.register("open_complaints", open_complaints, order=30)
    worklist.register("return_visits_due", return_visits_due, order=35)
