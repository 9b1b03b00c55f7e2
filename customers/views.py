"""Parse → access → service → render. No business rule lives here.

The dossier's own pages and the moves of its sections (verify, move out); the other pages of
the app are kept by concept: ``move_in_views`` (recording a move-in), ``customer_views``
(customers, contacts, household), ``change_views`` (change requests), ``referral_views``
(referred move-ins). The urls are in ``urls.py``.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from core import permissions as gate
from core import workflow

from . import event_kinds, panels, permissions, reveal, selectors, services, timeline
from .forms import DossierSearchForm, MoveOutForm, ReasonForm, SecrecyForm
from .models import Dossier

PAGE_SIZE = 25
TIMELINE_PAGE_SIZE = 20


def dossier_list(request):
    gate.require(request.user, "customers.view_dossier", request=request)
    form = DossierSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    # a broad search matches most of the archive: counted up to a cap (core.pagination)
    page = selectors.dossier_search_page(
        user=request.user, number=request.GET.get("page"), per_page=PAGE_SIZE, **filters
    )
    template = (
        "customers/partials/dossier_rows.html" if request.htmx else "customers/dossier_list.html"
    )
    return render(request, template, {"form": form, "page_obj": page})


def _dossier_or_404(request, pk, *, perm=None):
    return permissions.access_dossier_or_404(request.user, pk, perm=perm, request=request)


def dossier_detail(request, pk):
    # the header shows the unit, its building, estate and service centre: one join, not
    # four lazy loads from the template
    dossier = permissions.access_dossier_or_404(
        request.user,
        pk,
        request=request,
        queryset=Dossier.objects.select_related("unit__building__estate__service_centre"),
    )
    sections = selectors.dossier_detail(dossier=dossier)
    customer_ids = {s.customer_id for s in sections}
    user = request.user
    current = [s for s in sections if not s.is_closed]
    for section in current:  # its buttons: the moves the user may make on it now
        section.dossier = dossier  # the page's gate has let the user see it
        section.moves = workflow.allowed_moves(user, section)
    context = {
        "dossier": dossier,
        "current": current,
        "closed": [s for s in sections if s.is_closed],
        "cross_references": list(
            selectors.cross_references(dossier=dossier, user=user, customer_ids=customer_ids)
        ),
        "pending_changes": list(selectors.pending_change_requests(dossier=dossier)),
        "can_reveal": permissions.can_reveal(user, dossier),
        "revealed_sections": (
            current if reveal.shown(request, dossier, what="dossier page") else None
        ),
        "can_edit": permissions.can_edit_dossier(user, dossier),
        "can_move_in": permissions.can_record_move_in(user),
        "can_verify": permissions.can_verify_move_ins(user),
        "can_set_secrecy": permissions.can_set_secrecy(user, dossier),
        "reveal_form": ReasonForm(),
        "panels": panels.panels_for(dossier=dossier, user=user),
        **_timeline_context(request, dossier),
    }
    return render(request, "customers/dossier_detail.html", context)


def _timeline_context(request, dossier):
    """R6: the dossier's events newest first, one kind or all, a page at a time."""
    kind = request.GET.get("kind", "")
    if kind not in event_kinds.values():
        kind = ""
    events = timeline.dossier_timeline(dossier=dossier, kind=kind)
    page = Paginator(events, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.link = timeline.link_for(event)
    return {
        "timeline_page": page,
        "timeline_kind": kind,
        "timeline_kinds": event_kinds.choices(),
    }


def dossier_history(request, pk):
    dossier = _dossier_or_404(request, pk)
    entries = selectors.dossier_history(dossier=dossier)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/dossier_history.html",
        {"dossier": dossier, "page_obj": page},
    )


@require_POST
def dossier_reveal(request, pk):
    """R16/R21: show the unmasked personal data after a deliberate click with a reason. The
    data stays shown to this user on the dossier's pages and forms for a few minutes
    (``customers.reveal``); with ``next`` (a page of ours) the user goes back there."""
    dossier = _dossier_or_404(request, pk)
    permissions.require_reveal(request.user, dossier, request=request)  # the right comes first
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "customers/partials/reveal_form.html",
            {"dossier": dossier, "reveal_form": form},
            status=400 if not request.htmx else 200,
        )
    reason = form.cleaned_data["reason"]
    try:
        services.personal_data_reveal(
            dossier=dossier, reason=reason, actor=request.user, request=request
        )
    except services.DomainError as exc:
        form.add_error("reason", str(exc))
        return render(
            request,
            "customers/partials/reveal_form.html",
            {"dossier": dossier, "reveal_form": form},
            status=400 if not request.htmx else 200,
        )
    reveal.open_window(request, dossier, reason)
    next_url = form.cleaned_data["next"]
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseClientRedirect(next_url) if request.htmx else redirect(next_url)
    sections = [s for s in selectors.dossier_detail(dossier=dossier) if not s.is_closed]
    return render(
        request,
        "customers/partials/revealed.html",
        {"dossier": dossier, "sections": sections, "revealed": True},
    )


def dossier_secrecy(request, pk):
    dossier = _dossier_or_404(request, pk, perm="customers.change_dossier")
    form = SecrecyForm(request.POST or None, instance=dossier)
    if request.method == "POST" and form.is_valid():
        services.dossier_set_secrecy(
            dossier=dossier,
            secrecy_level=form.cleaned_data["secrecy_level"],
            retention=form.cleaned_data["retention"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        messages.success(request, _("Secrecy level and retention saved."))
        return redirect("customers:dossier_detail", pk=dossier.pk)
    return render(request, "customers/dossier_secrecy.html", {"dossier": dossier, "form": form})


# --- Move in, verify, move out ---------------------------------------------------------------
def verification_list(request):
    gate.require(request.user, "customers.verify_occupancy", request=request)
    rows = selectors.pending_verifications(user=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "customers/verification_list.html", {"page_obj": page})


def _occupancy_or_404(request, pk, *, perm=None):
    return permissions.access_occupancy_or_404(request.user, pk, perm=perm, request=request)


@require_POST
def occupancy_verify(request, pk):
    occupancy = _occupancy_or_404(request, pk)
    approve = request.POST.get("decision") != "reject"
    try:
        services.occupancy_verify(
            occupancy=occupancy,
            actor=request.user,
            approve=approve,
            note=request.POST.get("note", "")[:300],
        )
    except services.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Move-in verified.") if approve else _("Move-in rejected."))
    return redirect("customers:dossier_detail", pk=occupancy.dossier_id)


def occupancy_move_out(request, pk):
    occupancy = _occupancy_or_404(request, pk, perm="customers.change_occupancy")
    form = MoveOutForm(request.POST or None, occupancy=occupancy)
    if request.method == "POST" and form.is_valid():
        try:
            services.occupancy_move_out(
                occupancy=occupancy,
                moved_out=form.cleaned_data["moved_out"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Move-out recorded; the section is closed and kept."))
            return redirect("customers:dossier_detail", pk=occupancy.dossier_id)
    return render(request, "customers/move_out.html", {"occupancy": occupancy, "form": form})
