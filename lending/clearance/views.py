"""Clearance (R28): what one person still holds, and the report of the staff with items out.

A person sees their own page; those who see every loan (``lending.view_all_loans``: the archive
room, managers, executives, the legal department) see anyone's, and the report. Each sees only
the loans of the dossiers they may see; the rest is counted, never shown.
"""

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from core import permissions as gate

from ..permissions import VIEW_ALL
from . import selectors

PAGE_SIZE = 25


def clearance_detail(request, user_pk):
    if user_pk == request.user.pk:
        holder = request.user
    else:
        gate.require(request.user, VIEW_ALL, request=request)
        holder = get_object_or_404(get_user_model(), pk=user_pk)
    context = {
        "holder": holder,
        "own": holder.pk == request.user.pk,
        "can_see_report": gate.can(request.user, VIEW_ALL),
        **selectors.clearance_of(holder=holder, viewer=request.user),
    }
    return render(request, "lending/clearance/detail.html", context)


def clearance_report(request):
    gate.require(request.user, VIEW_ALL, request=request)
    rows = selectors.staff_holding(viewer=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lending/clearance/report.html",
        {"page_obj": page, "today": timezone.localdate()},
    )
