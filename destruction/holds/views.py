"""The legal holds' pages (R33): parse → access → one service or selector → render.

The list shows the holds the reader may see (through their dossier and document); placing a
hold starts from the dossier, fetched through its gate, and offers only the documents the
reader may see; a refusal of the service is shown on the form, the input kept."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import permissions as gate
from core.models import AccessLog
from core.services import log_access
from core.workflow import DomainError
from customers.permissions import access_dossier_or_404
from documents.permissions import log_documents_shown

from ..models import Hold
from ..permissions import PLACE_HOLD, VIEW_HOLD, access_hold_or_404
from . import selectors, services
from .forms import HoldFilterForm, HoldLiftForm, HoldPlaceForm

PAGE_SIZE = 25


def _log_holds_shown(request, holds):
    """R21: a page that shows a hold on a confidential dossier or document logs the read, once
    per dossier and per document."""
    dossiers = {h.dossier_id: h.dossier for h in holds if h.dossier.is_confidential}
    for dossier in dossiers.values():
        log_access(request.user, dossier, AccessLog.Action.VIEW, request=request)
    documents = [h.document for h in holds if h.document_id]
    log_documents_shown(
        request.user,
        [d for d in documents if d.dossier_id not in dossiers or d.is_confidential],
        request=request,
        dossier_logged=True,
    )


def hold_list(request):
    gate.require(request.user, VIEW_HOLD, request=request)
    form = HoldFilterForm(request.GET or None)
    state = (form.cleaned_data.get("state") if form.is_valid() else "") or HoldFilterForm.ACTIVE
    holds = selectors.hold_list(user=request.user, state=state)
    page = Paginator(holds, PAGE_SIZE).get_page(request.GET.get("page"))
    _log_holds_shown(request, page)
    return render(
        request,
        "destruction/holds/list.html",
        {
            "form": form,
            "state": state,
            "page_obj": page,
            "can_lift": gate.can(request.user, PLACE_HOLD),
        },
    )


def hold_place(request, dossier_pk):
    user = request.user
    dossier = access_dossier_or_404(user, dossier_pk, request=request)
    gate.require(user, PLACE_HOLD, request=request)
    documents = selectors.holdable_documents(user=user, dossier=dossier)
    # the choice lists the documents: a confidential one's title is a read (R21)
    log_documents_shown(user, list(documents), request=request, dossier_logged=True)
    initial = {"document": request.GET.get("document")} if request.GET.get("document") else None
    form = HoldPlaceForm(request.POST or None, initial=initial, documents=documents)
    if request.method == "POST" and form.is_valid():
        try:
            services.hold_place(
                dossier=dossier,
                document=form.cleaned_data["document"],
                reason=form.cleaned_data["reason"],
                actor=user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The legal hold is placed: nothing under it is destroyed."))
            return redirect("customers:dossier_detail", pk=dossier.pk)
    return render(request, "destruction/holds/place.html", {"dossier": dossier, "form": form})


def hold_lift(request, pk):
    hold = access_hold_or_404(
        request.user,
        pk,
        perm=PLACE_HOLD,
        request=request,
        # the page shows who placed (or lifted) the hold, on which dossier and document
        queryset=Hold.objects.select_related("dossier", "document", "placed_by", "lifted_by"),
    )
    _log_holds_shown(request, [hold])
    form = HoldLiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hold_lift(hold=hold, reason=form.cleaned_data["reason"], actor=request.user)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The legal hold is lifted: the items follow the schedule again.")
            )
            return redirect("destruction:hold_list")
    return render(request, "destruction/holds/lift.html", {"hold": hold, "form": form})
