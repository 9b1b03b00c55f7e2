"""Change requests of confirmed customers (R9): the list, and the page where a manager
compares the values (masked, R16) and decides. Parse → access → service → render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import permissions as gate
from core import workflow
from core.masking import mask_changes

from . import permissions, reveal, selectors, services
from .forms import DecisionForm, ReasonForm
from .models import ChangeRequest, Customer

PAGE_SIZE = 25


def _status_tab(request, statuses):
    """The status tab of a list (components/status_tabs.html): one of ``statuses`` or "all";
    anything else, and no choice, is the first status (the one awaiting a decision)."""
    status = request.GET.get("status", "")
    return status if status in statuses.values or status == "all" else statuses.values[0]


def change_request_list(request):
    gate.require(request.user, "customers.view_changerequest", request=request)
    status = _status_tab(request, ChangeRequest.Status)
    rows = selectors.change_requests_for(
        user=request.user, status=None if status == "all" else status
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/change_request_list.html",
        {"page_obj": page, "status": status, "statuses": ChangeRequest.Status.choices},
    )


def change_request_detail(request, pk):
    cr = permissions.access_change_request_or_404(
        request.user, pk, perm="customers.view_changerequest", request=request
    )
    moves = workflow.allowed_moves(request.user, cr)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not moves:
            gate.record_refusal(
                request.user, "customers.approve_changerequest", cr, request=request
            )
            raise PermissionDenied(_("You may not decide this change request."))
        if form.is_valid():
            decide = (
                services.change_request_approve
                if form.cleaned_data["decision"] == "approve"
                else services.change_request_reject
            )
            try:
                decide(change_request=cr, actor=request.user, note=form.cleaned_data["note"])
            except services.DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Decision saved."))
            return redirect("customers:change_request_detail", pk=cr.pk)
    # Values are masked as everywhere (R16): a decider who must compare whole numbers
    # reveals the dossier's data with a reason, and this page is then logged as a reveal.
    revealed = reveal.shown(request, cr.dossier, what=f"change request {cr.pk}")
    fields = {
        f.name: f.verbose_name for f in Customer._meta.get_fields() if hasattr(f, "verbose_name")
    }
    changes = [
        (fields.get(name, name), old, new)
        for name, (old, new) in mask_changes(Customer, cr.changes, show=revealed).items()
    ]
    return render(
        request,
        "customers/change_request_detail.html",
        {
            "cr": cr,
            "dossier": cr.dossier,
            "changes": changes,
            "revealed": revealed,
            "can_reveal": permissions.can_reveal(request.user, cr.dossier),
            "reveal_form": ReasonForm(initial={"next": request.get_full_path()}),
            "form": form,
            "moves": moves,
            "can_decide": bool(moves),
        },
    )
