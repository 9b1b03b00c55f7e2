"""The approvals inbox page."""

from django.shortcuts import render

from core import permissions as gate
from core.pagination import CappedCountPaginator
from customers.permissions import sight_key
from records.approvals.selectors import SECTIONS
from records.permissions import can

PAGE_SIZE = 25


def _section_page(request, name):
    """One section's page (``?<name>_page=``), with the links to its neighbours that keep the
    other sections' pages; its count and page compiled once per sight (core.compiled). A
    plain slice: the rows carry no subquery an OFFSET would run for the rows it skips, and a
    page cut by keys read the whole table for its outer query (8,000 deposits at 100,000
    units) where the slice walks the few waiting ones."""
    param = f"{name}_page"
    page = CappedCountPaginator(
        lambda: SECTIONS[name](user=request.user),
        PAGE_SIZE,
        key=("approvals", name, sight_key(request.user)),
    ).get_page(request.GET.get(param))

    def url(number):
        query = request.GET.copy()
        query[param] = number
        return "?" + query.urlencode()

    page.previous_url = url(page.previous_page_number()) if page.has_previous() else ""
    page.next_url = url(page.next_page_number()) if page.has_next() else ""
    return page


def approval_list(request):
    """Everything awaiting a manager in the dossiers the user may see, a page of each section
    at a time: two queries a section (the page and its count), whatever waits."""
    gate.require(request.user, "records.view_deposit", request=request)
    user = request.user
    pages = {name: _section_page(request, name) for name in SECTIONS}
    rows = {name: list(page.object_list) for name, page in pages.items()}
    # the user's own requests are decided by another manager: say so on the row
    for deposit in rows["deposits"]:
        deposit.own = deposit.settlement_requested_by_id == user.pk
    for item in (*rows["renovations"], *rows["applications"]):
        item.own = item.recorded_by_id == user.pk
    return render(
        request,
        "records/approvals/approval_list.html",
        {
            **rows,
            **{f"{name}_page": page for name, page in pages.items()},
            "total": sum(page.paginator.count for page in pages.values()),
            "decides_deposits": can(user, "records.approve_deposit"),
            "decides_renovations": can(user, "records.approve_renovation"),
            "decides_applications": can(user, "records.approve_application"),
        },
    )
