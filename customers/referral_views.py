"""Move-ins referred to a manager (R17): the customer on file is not the recorder's to see;
a manager who may see them compares and decides. Parse → access → service → render."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import DateField
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import permissions as gate
from core import workflow
from core.masking import mask_field
from core.models import AccessLog
from core.services import log_access

from . import permissions, selectors, services
from .change_views import PAGE_SIZE, _status_tab
from .forms import DecisionForm
from .models import Customer, MoveInReferral


def referral_list(request):
    """The referred move-ins the user may see: their own, and those they may decide."""
    permissions.require_referrals(request.user, request=request)
    rows = (
        permissions.referral_visible_to(request.user)
        .select_related("unit__building__estate", "requested_by", "decided_by")
        .order_by("-requested_at", "-pk")
    )
    status = _status_tab(request, MoveInReferral.Status)
    if status != "all":
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/referral_list.html",
        {"page_obj": page, "status": status, "statuses": MoveInReferral.Status.choices},
    )


def _shown(name, value):
    """A customer's field as a page shows it: choices by their label, dates the Chinese way,
    personal data masked (R16)."""
    field = Customer._meta.get_field(name)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, DateField) and value:
        try:
            day = value if isinstance(value, datetime.date) else parse_date(str(value))
        except ValueError:  # typed, never validated: shown as typed
            day = None
        return date_format(day) if day else value
    return mask_field(Customer, name, value)


def referral_detail(request, pk):
    """The requester sees what they typed (masked) and the decision; a manager who may see
    the customer on file compares both (masked) and decides."""
    referral = permissions.access_referral_or_404(request.user, pk, request=request)
    moves = workflow.allowed_moves(request.user, referral)
    can_decide = bool(moves)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not can_decide:
            gate.record_refusal(
                request.user, "customers.decide_moveinreferral", referral, request=request
            )
            raise PermissionDenied(_("You may not decide this move-in."))
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "approve":
                    services.referral_accept(
                        referral=referral, actor=request.user, note=form.cleaned_data["note"]
                    )
                else:
                    services.referral_reject(
                        referral=referral, actor=request.user, note=form.cleaned_data["note"]
                    )
            except services.DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Decision saved."))
            return redirect("customers:referral_detail", pk=referral.pk)
    labels = {f.name: f.verbose_name for f in Customer._meta.concrete_fields}
    on_file = None
    if can_decide or (
        request.user.pk != referral.requested_by_id
        and permissions.can_see_customer(request.user, referral.customer)
    ):
        on_file = {
            "customer": referral.customer,
            "dossiers": list(
                selectors.cross_references(
                    dossier=None, user=request.user, customer_ids={referral.customer_id}
                )
            ),
        }
        for shown in on_file["dossiers"]:  # R21: the page names the customer's dossiers
            if shown.is_confidential:
                log_access(
                    request.user,
                    shown,
                    AccessLog.Action.VIEW,
                    detail=f"referred move-in {referral.pk}",
                    request=request,
                )
    typed = [
        (
            labels.get(name, name),
            _shown(name, value),
            _shown(name, getattr(referral.customer, name, "")) if on_file else None,
        )
        for name, value in referral.typed.items()
        if name in labels
    ]
    return render(
        request,
        "customers/referral_detail.html",
        {
            "referral": referral,
            "typed": typed,
            "on_file": on_file,
            "moves": moves,
            "can_decide": can_decide,
            "form": form,
        },
    )
