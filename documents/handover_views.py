"""R30 handover pages: parse → access → service → render. No business rule lives here; the moves
are in documents/handover.py. The small forms of these pages live here too (validation only)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core import permissions as gate
from core.models import AccessLog
from core.services import log_access
from customers.models import ServiceCentre
from customers.permissions import dossier_visible_to

from . import handover as services
from . import pdf
from .models import Handover, HandoverItem
from .permissions import handover_items_visible_to, handover_visible_to, log_documents_shown
from .selectors import gaps_for_dossiers

PAGE_SIZE = 25
Status = Handover.Status
Result = HandoverItem.Result
SIDE_PERMISSION = {
    services.CENTRE: "documents.change_handover",
    services.ARCHIVE: "documents.check_handover",
}
CHECK_RESULTS = [(r.value, r.label) for r in (Result.ACCEPTED, Result.MISSING, Result.DIFFERS)]


# --- Forms -----------------------------------------------------------------------------------
class HandoverFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("All statuses")), *Status.choices],
        required=False,
    )
    centre = forms.ModelChoiceField(
        ServiceCentre.objects.order_by("code"),
        label=gettext_lazy("Service centre"),
        required=False,
        empty_label=gettext_lazy("All service centres"),
    )


class HandoverForm(forms.Form):
    service_centre = forms.ModelChoiceField(
        ServiceCentre.objects.order_by("code"), label=gettext_lazy("Service centre")
    )
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=6,
        help_text=gettext_lazy(
            "The year and the half: 2026H1 (January–June), 2026H2 (July–December)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].initial = services.current_period(timezone.localdate())

    def clean_period(self):
        period = self.cleaned_data["period"].strip().upper()
        if not services.PERIOD_PATTERN.match(period):
            raise forms.ValidationError(_("Write the period as 2026H1 or 2026H2."))
        return period


class AddDossierForm(forms.Form):
    archive_number = forms.CharField(label=gettext_lazy("Archive number"), max_length=60)
    override_reason = forms.CharField(
        label=gettext_lazy("Reason for accepting it incomplete"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Managers only: fill in to hand over a dossier that lacks required documents. "
            "The reason is printed on the handover list."
        ),
    )

    def __init__(self, *args, can_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_override:
            del self.fields["override_reason"]


class CheckItemForm(forms.Form):
    result = forms.ChoiceField(label=gettext_lazy("Result"), choices=CHECK_RESULTS)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)


class SignForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("Re-enter your password to sign."),
    )


# --- Helpers ---------------------------------------------------------------------------------
def _handover_or_404(request, pk):
    queryset = handover_visible_to(request.user).select_related(
        "service_centre",
        "prepared_by",
        "checked_by",
        "centre_signed_by",
        "archive_signed_by",
        "override_by",
    )
    return gate.get_or_404(request.user, queryset, request=request, pk=pk)


def _visible_items(user, handover):
    return (
        handover_items_visible_to(user, handover)
        .select_related("document__dossier", "document__category")
        .order_by("document__dossier__archive_number", "document__document_date", "pk")
    )


def _item_or_404(request, handover, item_pk):
    return gate.get_or_404(
        request.user, _visible_items(request.user, handover), request=request, pk=item_pk
    )


def _to_detail(handover):
    return redirect("documents:handover_detail", pk=handover.pk)


def _name(user):
    return (user.get_full_name() or user.get_username()) if user else None


def _flags(user, handover, *, total):
    has = user.has_perm
    status = handover.status
    return {
        "can_add": status == Status.DRAFT and has("documents.change_handover"),
        "can_remove": status == Status.DRAFT and has("documents.change_handover"),
        "can_submit": status == Status.DRAFT and has("documents.change_handover") and total > 0,
        "can_cancel": status == Status.DRAFT and has("documents.change_handover"),
        "can_check": status == Status.SUBMITTED and has("documents.check_handover"),
        # shown while checking; disabled until every item has a result
        "can_mark_checked": status == Status.SUBMITTED and has("documents.check_handover"),
        "can_send_back": (
            status in (Status.SUBMITTED, Status.CHECKED)
            and (has("documents.change_handover") or has("documents.check_handover"))
        ),
        "can_sign_centre": services.can_sign(user, handover, services.CENTRE),
        "can_sign_archive": services.can_sign(user, handover, services.ARCHIVE),
    }


# --- Pages -----------------------------------------------------------------------------------
def handover_list(request):
    gate.require(request.user, "documents.view_handover", request=request)
    form = HandoverFilterForm(request.GET or None)
    rows = (
        handover_visible_to(request.user)
        .select_related("service_centre", "prepared_by")
        .annotate(
            item_count=Count("items"),
            pending_count=Count("items", filter=Q(items__result=Result.PENDING)),
            accepted_count=Count("items", filter=Q(items__result=Result.ACCEPTED)),
        )
        .order_by("-prepared_at", "-pk")
    )
    if form.is_valid():
        if status := form.cleaned_data["status"]:
            rows = rows.filter(status=status)
        if centre := form.cleaned_data["centre"]:
            rows = rows.filter(service_centre=centre)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/handover_list.html",
        {
            "form": form,
            "page_obj": page,
            "can_create": request.user.has_perm("documents.add_handover"),
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
        except services.DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Handover list opened: now add the dossiers."))
            return _to_detail(handover)
    return render(
        request,
        "documents/handover_form.html",
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
    gate.require(request.user, "documents.view_handover", request=request)
    handover = _handover_or_404(request, pk)
    user = request.user
    items = list(_visible_items(user, handover))
    # R21: the list shows the documents; each confidential one is logged
    log_documents_shown(user, [item.document for item in items], request=request)
    counts = handover.items.aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=Q(result=Result.PENDING)),
        accepted=Count("pk", filter=Q(result=Result.ACCEPTED)),
        missing=Count("pk", filter=Q(result=Result.MISSING)),
        differs=Count("pk", filter=Q(result=Result.DIFFERS)),
    )
    dossiers = {item.document.dossier_id: item.document.dossier for item in items}
    gaps = gaps_for_dossiers(list(dossiers))
    incomplete = [
        (dossiers[pk], gaps[pk]) for pk in sorted(gaps, key=lambda pk: dossiers[pk].archive_number)
    ]
    flags = _flags(user, handover, total=counts["total"])
    return render(
        request,
        "documents/handover_detail.html",
        {
            "handover": handover,
            "items": items,
            "counts": counts,
            "hidden_items": counts["total"] - len(items),
            "incomplete": incomplete,
            "incomplete_ids": set(gaps),
            "results": CHECK_RESULTS,
            **flags,
        },
    )


def handover_add_dossier(request, pk):
    gate.require(request.user, "documents.change_handover", request=request)
    handover = _handover_or_404(request, pk)
    if handover.status != Status.DRAFT:
        messages.error(request, _("Dossiers can be added only while the list is being prepared."))
        return _to_detail(handover)
    can_override = request.user.has_perm("documents.override_handover")
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
            except services.DomainError as exc:
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
        "documents/handover_form.html",
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
    gate.require(request.user, "documents.change_handover", request=request)
    handover = _handover_or_404(request, pk)
    item = _item_or_404(request, handover, item_pk)
    try:
        services.handover_remove_item(item=item, actor=request.user)
    except services.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(title)s removed from the list.") % {"title": item.document})
    return _to_detail(handover)


@require_POST
def handover_submit(request, pk):
    gate.require(request.user, "documents.change_handover", request=request)
    handover = _handover_or_404(request, pk)
    try:
        services.handover_submit(handover=handover, actor=request.user)
    except services.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Submitted: the archive room will check the items."))
    return _to_detail(handover)


@require_POST
def handover_check_item(request, pk, item_pk):
    """One item's result; answers an htmx request with the table row alone."""
    gate.require(request.user, "documents.check_handover", request=request)
    handover = _handover_or_404(request, pk)
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
        except services.DomainError as exc:
            error = str(exc)
    if request.htmx:
        context = {
            "handover": handover,
            "item": item,
            "results": CHECK_RESULTS,
            "can_check": handover.status == Status.SUBMITTED,
            "error": error,
        }
        if error:  # keep what was typed
            context["typed_result"] = request.POST.get("result", "")
            context["typed_note"] = request.POST.get("note", "")
        response = render(request, "documents/partials/handover_item_row.html", context)
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
    gate.require(request.user, "documents.check_handover", request=request)
    handover = _handover_or_404(request, pk)
    try:
        services.handover_mark_checked(handover=handover, actor=request.user)
    except services.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Checked: both sides may now sign."))
    return _to_detail(handover)


def handover_sign(request, pk, side):
    if side not in services.SIDES:
        raise Http404
    gate.require(request.user, "documents.view_handover", request=request)
    gate.require(request.user, SIDE_PERMISSION[side], request=request)
    handover = _handover_or_404(request, pk)
    if handover.status != Status.CHECKED:
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
        except services.DomainError as exc:
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
    counts = handover.items.aggregate(
        total=Count("pk"),
        accepted=Count("pk", filter=Q(result=Result.ACCEPTED)),
        missing=Count("pk", filter=Q(result=Result.MISSING)),
        differs=Count("pk", filter=Q(result=Result.DIFFERS)),
    )
    return render(
        request,
        "documents/handover_sign.html",
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
            "counts": counts,
        },
    )


@require_POST
def handover_send_back(request, pk):
    if not request.user.has_perm("documents.check_handover"):
        gate.require(request.user, "documents.change_handover", request=request)
    handover = _handover_or_404(request, pk)
    try:
        services.handover_send_back(
            handover=handover, actor=request.user, reason=request.POST.get("reason", "")[:300]
        )
    except services.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Sent back for corrections."))
    return _to_detail(handover)


@require_POST
def handover_cancel(request, pk):
    gate.require(request.user, "documents.change_handover", request=request)
    handover = _handover_or_404(request, pk)
    try:
        services.handover_cancel(handover=handover, actor=request.user)
    except services.DomainError as exc:
        messages.error(request, str(exc))
        return _to_detail(handover)
    messages.success(request, _("Handover cancelled."))
    return redirect("documents:handover_list")


@require_GET
def handover_pdf(request, pk):
    """R30: the handover list in two copies (第一联 for the centre, 第二联 for the archive)."""
    gate.require(request.user, "documents.view_handover", request=request)
    handover = _handover_or_404(request, pk)
    items = list(_visible_items(request.user, handover))
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
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="handover-{handover.pk}.pdf"'
    return response
