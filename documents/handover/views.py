"""R30 handover pages: parse → access → service → render. No business rule lives here: the
moves are declared and made in documents/handover/services.py, and the buttons are the moves
``workflow.allowed_moves`` offers."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import permissions as gate
from core import workflow
from core.exports import pdf_response
from core.models import AccessLog
from core.services import log_access
from customers.permissions import dossier_visible_to

from .. import pdf
from ..models import Handover, HandoverItem
from ..permissions import access_handover_or_404, log_documents_shown
from ..selectors import gaps_for_dossiers
from . import selectors, services
from .forms import (
    CHECK_RESULTS,
    AddDossierForm,
    CheckItemForm,
    HandoverFilterForm,
    HandoverForm,
    HandoverStartForm,
    SignForm,
)

PAGE_SIZE = 25
Status = Handover.Status
Result = HandoverItem.Result


# --- Helpers ---------------------------------------------------------------------------------
def _handover_or_404(request, pk, perm="documents.view_handover"):
    return access_handover_or_404(
        request.user,
        pk,
        perm=perm,
        request=request,
        queryset=Handover.objects.select_related(
            "service_centre",
            "prepared_by",
            "checked_by",
            "centre_signed_by",
            "archive_signed_by",
            "override_by",
        ),
    )


def _item_or_404(request, handover, item_pk):
    items = selectors.visible_items(user=request.user, handover=handover)
    return gate.get_or_404(request.user, items, request=request, pk=item_pk)


def _to_detail(handover):
    return redirect("documents:handover_detail", pk=handover.pk)


def _name(user):
    return (user.get_full_name() or user.get_username()) if user else None


def _flags(moves):
    """The context names the tests and older templates read, from the moves offered."""
    return {
        "can_add": "add" in moves,
        "can_check": "check" in moves,
        "can_sign_archive": services.SIGN_MOVES[services.ARCHIVE] in moves,
        "can_sign_centre": services.SIGN_MOVES[services.CENTRE] in moves,
    }


# --- Pages -----------------------------------------------------------------------------------
def handover_list(request):
    gate.require(request.user, "documents.view_handover", request=request)
    form = HandoverFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.handover_rows(
        user=request.user, status=filters.get("status", ""), centre=filters.get("centre")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/handover/list.html",
        {
            "form": form,
            "page_obj": page,
            "can_create": gate.can(request.user, "documents.add_handover"),
        },
    )


def handover_start(request):
    """R30: start a handover from the list of a service centre's dossiers: those that can go
    are picked, the others say why not."""
    gate.require(request.user, "documents.add_handover", request=request)
    gate.require(request.user, services.CENTRE_PERM, request=request)
    data = request.POST if request.method == "POST" else request.GET
    form = HandoverStartForm(data or None)
    filters = form.cleaned_data if form.is_valid() else {}
    centre = filters.get("centre") or form.fields["centre"].queryset.first()
    until = filters.get("until")
    picked_error = ""
    if request.method == "POST" and form.is_valid():
        period = filters.get("period") or services.current_period(timezone.localdate())
        picked = [pk for pk in request.POST.getlist("dossiers") if pk.isdigit()]
        # the papers picked of each dossier (the page ticks them all); none posted: all of them
        papers = None
        if "papers" in request.POST:
            papers = {int(pk) for pk in request.POST.getlist("documents") if pk.isdigit()}
        dossiers = (
            dossier_visible_to(request.user)
            .filter(pk__in=picked, unit__building__estate__service_centre=centre)
            .select_related("unit__building__estate")
            .order_by("archive_number")
        )
        try:
            handover, refused = services.handover_start(
                service_centre=centre,
                period=period,
                dossiers=dossiers,
                actor=request.user,
                until=until,
                documents=papers,
            )
        except workflow.DomainError as exc:
            picked_error = str(exc)
        else:
            messages.success(
                request,
                _("Handover list %(period)s opened with %(n)d item(s); check it, then submit it.")
                % {"period": handover.period, "n": handover.items.count()},
            )
            for _dossier, reason in refused:
                messages.warning(request, reason)
            return _to_detail(handover)
    rows = selectors.start_rows(
        user=request.user, centre=centre, until=until, eligibility=filters.get("eligibility", "")
    )
    page = Paginator(rows["rows"], 100).get_page(request.GET.get("page"))
    papers = selectors.ready_papers(user=request.user, rows=page.object_list, until=until)
    # R21: the titles of the papers are shown; each confidential one is logged
    log_documents_shown(
        request.user, [d for listed in papers.values() for d in listed], request=request
    )
    for row in page.object_list:
        row.papers = papers.get(row.dossier.pk, [])
    picked_papers = set(request.POST.getlist("documents")) if "papers" in request.POST else None
    return render(
        request,
        "documents/handover/start.html",
        {
            "form": form,
            "centre": centre,
            "page_obj": page,
            "totals": rows["totals"],
            "picked_error": picked_error,
            "picked": set(request.POST.getlist("dossiers")),
            "picked_papers": picked_papers,
        },
    )


def handover_create(request):
    gate.require(request.user, "documents.add_handover", request=request)
    form = HandoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            handover = services.handover_create(
                service_centre=form.cleaned_data["service_centre"],
                period=form.cleaned_data["period"],
                actor=request.user,
            )
        except workflow.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Handover list opened: now add the dossiers."))
            return _to_detail(handover)
    return render(
        request,
        "documents/handover/form.html",
        {
            "form": form,
            "title": _("New handover list"),
            "intro": _(
                "Every half year each service centre hands its files to the company archive "
                "room with a handover list, checked and signed by both sides."
            ),
            "submit_label": _("Open the handover list"),
        },
    )


def handover_detail(request, pk):
    handover = _handover_or_404(request, pk)
    user = request.user
    items = list(selectors.visible_items(user=user, handover=handover))
    # R21: the list shows the documents; each confidential one is logged
    log_documents_shown(user, [item.document for item in items], request=request)
    counts = selectors.item_counts(handover)
    dossiers = {item.document.dossier_id: item.document.dossier for item in items}
    gaps = gaps_for_dossiers(list(dossiers))
    incomplete = [
        (dossiers[pk], gaps[pk]) for pk in sorted(gaps, key=lambda pk: dossiers[pk].archive_number)
    ]
    moves = workflow.allowed_moves(user, handover)
    return render(
        request,
        "documents/handover/detail.html",
        {
            "handover": handover,
            "items": items,
            "counts": counts,
            "hidden_items": counts["total"] - len(items),
            "incomplete": incomplete,
            "incomplete_ids": set(gaps),
            "results": CHECK_RESULTS,
            "moves": moves,
            **_flags(moves),
        },
    )


def handover_add_dossier(request, pk):
    handover = _handover_or_404(request, pk, perm=services.CENTRE_PERM)
    if "add" not in workflow.allowed_moves(request.user, handover):
        messages.error(request, _("Dossiers can be added only while the list is being prepared."))
        return _to_detail(handover)
    can_override = gate.can(request.user, "documents.override_handover")
    form = AddDossierForm(request.POST or None, can_override=can_override)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["archive_number"].strip()
        dossier = (
            dossier_visible_to(request.user)
            .select_related("unit__building__estate")
            .filter(archive_number=number)
            .first()
        )
        if dossier is None:
            form.add_error("archive_number", _("No dossier with this archive number."))
        else:
            try:
                items = services.handover_add_dossier(
                    handover=handover,
                    dossier=dossier,
                    actor=request.user,
                    override_reason=form.cleaned_data.get("override_reason", ""),
                )
            except workflow.DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("%(n)d document(s) of %(number)s added to the list.")
                    % {"n": len(items), "number": dossier.archive_number},
                )
                if "another" in request.POST:
                    return redirect("documents:handover_add_dossier", pk=handover.pk)
                return _to_detail(handover)
    return render(
        request,
        "documents/handover/form.html",
        {
            "form": form,
            "handover": handover,
            "title": _("Add a dossier to the handover"),
            "intro": _(
                "Every document of the dossier that the service centre holds is listed. A "
                "dossier that lacks a required document is refused."
            ),
            "submit_label": _("Add"),
            "another_label": _("Add and continue with another"),
        },
    )


@require_POST
def handover_remove_item(request, pk, item_pk):
    handover = _handover_or_404(request, pk, perm=services.CENTRE_PERM)
    item = _item_or_404(request, handover, item_pk)
    try:
        services.handover_remove_item(item=item, actor=request.user)
    except workflow.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(title)s removed from the list.") % {"title": item.document})
    return _to_detail(handover)


@require_POST
def handover_submit(request, pk):
    handover = _handover_or_404(request, pk, perm=services.CENTRE_PERM)
    try:
        services.handover_submit(handover=handover, actor=request.user)
    except workflow.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Submitted: the archive room will check the items."))
    return _to_detail(handover)


@require_POST
def handover_check_item(request, pk, item_pk):
    """One item's result; answers an htmx request with the table row alone."""
    handover = _handover_or_404(request, pk, perm=services.ARCHIVE_PERM)
    item = _item_or_404(request, handover, item_pk)
    form = CheckItemForm(request.POST)
    error = ""
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    else:
        try:
            services.handover_check_item(
                item=item,
                result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except workflow.DomainError as exc:
            error = str(exc)
    if request.htmx:
        context = {
            "handover": handover,
            "item": item,
            "results": CHECK_RESULTS,
            "moves": workflow.allowed_moves(request.user, handover),
            "error": error,
        }
        if error:  # keep what was typed
            context["typed_result"] = request.POST.get("result", "")
            context["typed_note"] = request.POST.get("note", "")
        response = render(request, "documents/handover/item_row.html", context)
        if not error and not handover.items.filter(result=Result.PENDING).exists():
            response["HX-Refresh"] = "true"  # the last result: the page offers "checking finished"
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("%(title)s: %(result)s.")
            % {"title": item.document.title, "result": item.get_result_display()},
        )
    return _to_detail(handover)


@require_POST
def handover_mark_checked(request, pk):
    handover = _handover_or_404(request, pk, perm=services.ARCHIVE_PERM)
    try:
        services.handover_mark_checked(handover=handover, actor=request.user)
    except workflow.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Checked: both sides may now sign."))
    return _to_detail(handover)


def handover_sign(request, pk, side):
    if side not in services.SIDES:
        raise Http404
    move = services.SIGN_MOVES[side]
    gate.require(request.user, "documents.view_handover", request=request)
    handover = _handover_or_404(request, pk, perm=services.WORKFLOW.moves[move].perm)
    refused = services.WORKFLOW.refusal(request.user, handover, move)
    if refused and refused[0] == "state":
        messages.error(
            request, _("The handover can be signed once the archive room has checked it.")
        )
        return _to_detail(handover)
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            handover = services.handover_sign(
                handover=handover,
                side=side,
                actor=request.user,
                password=form.cleaned_data["password"],
            )
        except services.WrongPassword as exc:
            form.add_error("password", str(exc))
        except workflow.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            if handover.status == Status.COMPLETED:
                messages.success(
                    request,
                    _(
                        "Signed. The handover is completed; print the two "
                        "copies, one for each side."
                    ),
                )
            else:
                messages.success(request, _("Signed. The other side's signature is awaited."))
            return _to_detail(handover)
    return render(
        request,
        "documents/handover/sign.html",
        {
            "handover": handover,
            "form": form,
            "side": side,
            "title": (
                _("Sign for the service centre")
                if side == services.CENTRE
                else _("Sign for the archive room")
            ),
            "already_signed": bool(
                handover.centre_signed_by_id
                if side == services.CENTRE
                else handover.archive_signed_by_id
            ),
            "counts": selectors.item_counts(handover, pending=False),
        },
    )


@require_POST
def handover_send_back(request, pk):
    # either side may send a list back: the archive room's right, else the centre's
    if not gate.can(request.user, services.ARCHIVE_PERM):
        gate.require(request.user, services.CENTRE_PERM, request=request)
    handover = _handover_or_404(request, pk)
    try:
        services.handover_send_back(
            handover=handover,
            actor=request.user,
            reason=request.POST.get("reason", "")[:300],
            seen=request.POST.get("seen"),  # the status the sender's page showed
        )
    except workflow.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Sent back for corrections."))
    return _to_detail(handover)


@require_POST
def handover_cancel(request, pk):
    handover = _handover_or_404(request, pk, perm=services.CENTRE_PERM)
    try:
        services.handover_cancel(handover=handover, actor=request.user)
    except workflow.DomainError as exc:
        messages.error(request, str(exc))
        return _to_detail(handover)
    messages.success(request, _("Handover cancelled."))
    return redirect("documents:handover_list")


@require_GET
def handover_pdf(request, pk):
    """R30: the handover list in two copies (第一联 for the centre, 第二联 for the archive)."""
    handover = _handover_or_404(request, pk)
    items = list(selectors.visible_items(user=request.user, handover=handover))
    content = pdf.render_handover_pdf(
        {
            "service_centre": str(handover.service_centre),
            "period": handover.period,
            "prepared_by": _name(handover.prepared_by),
            "prepared_at": handover.prepared_at,
            "centre_signed_by": _name(handover.centre_signed_by),
            "centre_signed_at": handover.centre_signed_at,
            "archive_signed_by": _name(handover.archive_signed_by),
            "archive_signed_at": handover.archive_signed_at,
            "override_reason": handover.override_reason,
        },
        [
            {
                "number": number,
                "archive_number": item.document.dossier.archive_number,
                "title": item.document.title,
                "category": item.document.category.name,
                "pages": item.document.pages,
                "copies": item.document.copies,
                "result": item.get_result_display(),
                "result_code": item.result,
                "note": item.note,
            }
            for number, item in enumerate(items, start=1)
        ],
    )
    log_access(request.user, handover, AccessLog.Action.PRINT, request=request)
    log_documents_shown(  # R21: each confidential document printed on the list
        request.user,
        [item.document for item in items],
        action=AccessLog.Action.PRINT,
        request=request,
    )
    return pdf_response(content, f"handover-{handover.pk}.pdf")
