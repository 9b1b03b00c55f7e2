"""Secondary renovation (二装) and violation (违规) pages: parse → access → service → render.
The rules live in records/renovations/services.py; the pages only say which moves the user may make.

Access is checked on the dossier first (404 to whoever may not see it), then the page's own
permission (403), as every dossier page does."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions as gate
from core import workflow
from core.validators import is_pk
from core.workflow import DomainError
from customers import reveal
from customers.permissions import access_dossier_or_404
from records.common import current_section
from records.models import Renovation, RenovationInspection, Violation
from records.permissions import access_record_or_404
from records.renovations import selectors, services
from records.renovations.forms import (
    AcceptForm,
    DecisionForm,
    InspectionForm,
    RectifyForm,
    RenovationForm,
    StartForm,
    ViolationForm,
)
from records.views_common import back, detail_context, form_page

Status = Renovation.Status
APPROVE = services.APPROVE
TEMPLATES = "records/renovations/"


# --- Helpers -----------------------------------------------------------------------------------


def _renovation_or_404(request, pk):
    queryset = Renovation.objects.select_related(
        "dossier", "section__customer", "recorded_by", "decided_by", "accepted_by", "deposit"
    )
    return access_record_or_404(request.user, Renovation, pk, request=request, queryset=queryset)


def _violation_or_404(request, pk):
    queryset = Violation.objects.select_related(
        "dossier", "section__customer", "recorded_by", "renovation"
    )
    return access_record_or_404(request.user, Violation, pk, request=request, queryset=queryset)


def _renovation_flags(user, renovation):
    """What the page offers: the moves ``user`` may make now, and the flags the page names."""
    moves = workflow.allowed_moves(user, renovation)
    refused = services.WORKFLOW.refusal(user, renovation, "approve")
    return {
        "moves": moves,
        "can_decide": "approve" in moves,
        # a manager looking at the application they recorded: someone else decides
        "decides_elsewhere": refused is not None and refused[0] == "guard",
        "can_start": "start" in moves,
        "can_inspect": "inspect" in moves,
        "can_accept": "accept" in moves,
        "can_add_violation": "link_violation" in moves,
    }


def _render_renovation(request, renovation, *, start_form=None):
    today = timezone.localdate()
    inspections = list(renovation.inspections.select_related("recorded_by"))
    violations = list(renovation.violations.order_by("-occurred_on", "-pk"))
    for violation in violations:
        violation.overdue = selectors.is_overdue(violation, today)
    flags = _renovation_flags(request.user, renovation)
    if flags["can_start"] and start_form is None:
        start_form = StartForm(renovation=renovation)
    blocker = ""
    if renovation.status == Status.IN_PROGRESS:
        blocker = selectors.acceptance_blockers(renovation)
    context = detail_context(
        request,
        renovation,
        renovation=renovation,
        inspections=inspections,
        violations=violations,
        open_violation_count=sum(v.status == Violation.Status.OPEN for v in violations),
        acceptance_blocker=blocker,
        start_form=start_form,
        today=today,
        # R16: the contractor's phone is masked unless the dossier's data was revealed
        revealed=bool(renovation.contractor_phone)
        and reveal.shown(request, renovation.dossier, what=f"renovation {renovation.pk}"),
        **flags,
    )
    return render(request, TEMPLATES + "renovation_detail.html", context)


def _render_violation(request, violation, *, rectify_form=None):
    moves = workflow.allowed_moves(request.user, violation)
    can_rectify = "rectify" in moves
    if can_rectify and rectify_form is None:
        rectify_form = RectifyForm(violation=violation)
    context = detail_context(
        request,
        violation,
        violation=violation,
        overdue=selectors.is_overdue(violation),
        moves=moves,
        can_rectify=can_rectify,
        rectify_form=rectify_form,
    )
    return render(request, TEMPLATES + "violation_detail.html", context)


# --- Renovation --------------------------------------------------------------------------------
def renovation_add(request, dossier_pk):
    dossier = access_dossier_or_404(request.user, dossier_pk, request=request)
    gate.require(request.user, "records.add_renovation", request=request)
    section = current_section(dossier)
    form = RenovationForm(request.POST or None, applicant=section.customer.name if section else "")
    if not gate.can(request.user, "records.add_deposit"):
        del form.fields["deposit_amount"], form.fields["deposit_receipt"]
    return form_page(
        request,
        form=form,
        template=TEMPLATES + "renovation_form.html",
        context={"dossier": dossier, "title": _("Secondary renovation application")},
        save=lambda data: services.renovation_apply(dossier=dossier, data=data, actor=request.user),
        success_message=_("Application recorded; a manager will decide on it."),
    )


def renovation_detail(request, pk):
    renovation = _renovation_or_404(request, pk)
    gate.require(request.user, "records.view_renovation", request=request)
    return _render_renovation(request, renovation)


def renovation_detail_by_inspection(request, pk):
    """An inspection is shown on its renovation's page."""
    inspection = access_record_or_404(request.user, RenovationInspection, pk, request=request)
    gate.require(request.user, "records.view_renovationinspection", request=request)
    url = reverse("records:renovation_detail", args=[inspection.renovation_id])
    return redirect(f"{url}#inspection-{inspection.pk}")


def renovation_decide(request, pk):
    renovation = _renovation_or_404(request, pk)
    gate.require(request.user, APPROVE, request=request)
    if renovation.status != Status.APPLIED:
        return back(
            renovation,
            _("This application has already been decided: it is “%(status)s”.")
            % {"status": renovation.get_status_display()},
            request,
        )
    if renovation.recorded_by_id == request.user.pk:
        return back(
            renovation,
            _("You recorded this application yourself: another manager must decide it."),
            request,
        )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        approve = data["decision"] == "approve"
        try:
            renovation = services.renovation_decide(
                renovation=renovation,
                approve=approve,
                note=data["note"],
                permit_number=data["permit_number"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            if approve:
                message = _("Approved: permit %(number)s issued.") % {
                    "number": renovation.permit_number
                }
            else:
                message = _("The application is rejected.")
            return back(renovation, message, request, messages.SUCCESS)
    return render(
        request,
        TEMPLATES + "renovation_decide.html",
        {
            "form": form,
            "renovation": renovation,
            "dossier": renovation.dossier,
            "next_permit": selectors.next_permit_number(timezone.localdate()),
            "title": _("Decide on the renovation application"),
        },
    )


@require_POST
def renovation_start(request, pk):
    renovation = _renovation_or_404(request, pk)
    gate.require(request.user, "records.change_renovation", request=request)
    form = StartForm(request.POST, renovation=renovation)
    if not form.is_valid():
        return _render_renovation(request, renovation, start_form=form)
    try:
        services.renovation_start(
            renovation=renovation, started_on=form.cleaned_data["started_on"], actor=request.user
        )
    except DomainError as exc:
        return back(renovation, str(exc), request)
    return back(renovation, _("The works have started."), request, messages.SUCCESS)


def inspection_add(request, pk):
    renovation = _renovation_or_404(request, pk)
    gate.require(request.user, "records.add_renovationinspection", request=request)
    if blocker := selectors.inspection_blocker(renovation):
        return back(renovation, blocker, request)
    form = InspectionForm(request.POST or None, renovation=renovation, inspector=str(request.user))
    if not gate.can(request.user, "records.add_violation"):
        for name in ("record_violation", *InspectionForm.VIOLATION_FIELDS):
            del form.fields[name]
    with_violation = request.method == "POST" and bool(request.POST.get("record_violation"))
    return form_page(
        request,
        form=form,
        template=TEMPLATES + "inspection_form.html",
        context={
            "dossier": renovation.dossier,
            "renovation": renovation,
            "title": _("Renovation inspection"),
        },
        save=lambda data: services.inspection_record(
            renovation=renovation,
            data=data,
            violation=form.violation_data() if "record_violation" in form.fields else None,
            actor=request.user,
        )[0],
        success_message=(
            _("Inspection recorded, with the violation found.")
            if with_violation
            else _("Inspection recorded.")
        ),
        redirect_to=lambda inspection: renovation.get_absolute_url(),
    )


def renovation_accept(request, pk):
    renovation = _renovation_or_404(request, pk)
    gate.require(request.user, APPROVE, request=request)
    if renovation.status != Status.IN_PROGRESS:
        return back(renovation, selectors.acceptance_blockers(renovation), request)
    form = AcceptForm(request.POST or None, renovation=renovation)
    pending = list(selectors.open_violations(renovation))
    return form_page(
        request,
        form=form,
        template=TEMPLATES + "renovation_accept.html",
        context={
            "dossier": renovation.dossier,
            "renovation": renovation,
            "open_violations": pending,
            "title": _("Final acceptance of the works"),
        },
        save=lambda data: services.renovation_accept(
            renovation=renovation,
            accepted_on=data["accepted_on"],
            note=data["note"],
            actor=request.user,
        ),
        success_message=_("The works are accepted; the renovation is closed."),
    )


# --- Violations --------------------------------------------------------------------------------
def violation_add(request, dossier_pk):
    dossier = access_dossier_or_404(request.user, dossier_pk, request=request)
    gate.require(request.user, "records.add_violation", request=request)
    renovations = selectors.linkable_renovations(dossier)
    initial = {}
    wanted = request.GET.get("renovation", "")
    if is_pk(wanted) and renovations.filter(pk=wanted).exists():
        initial = {"renovation": int(wanted), "category": Violation.Category.RENOVATION}
    form = ViolationForm(request.POST or None, renovations=renovations, initial=initial)
    return form_page(
        request,
        form=form,
        template=TEMPLATES + "violation_form.html",
        context={"dossier": dossier, "title": _("Record a violation")},
        save=lambda data: services.violation_record(
            dossier=dossier, data=data, renovation=data.get("renovation"), actor=request.user
        ),
        success_message=_("Violation recorded."),
    )


def violation_detail(request, pk):
    violation = _violation_or_404(request, pk)
    gate.require(request.user, "records.view_violation", request=request)
    return _render_violation(request, violation)


@require_POST
def violation_rectify(request, pk):
    violation = _violation_or_404(request, pk)
    gate.require(request.user, "records.change_violation", request=request)
    form = RectifyForm(request.POST, violation=violation)
    if not form.is_valid():
        return _render_violation(request, violation, rectify_form=form)
    try:
        services.violation_rectify(
            violation=violation,
            rectified_on=form.cleaned_data["rectified_on"],
            rectification=form.cleaned_data["rectification"],
            actor=request.user,
        )
    except DomainError as exc:
        return back(violation, str(exc), request)
    return back(violation, _("The violation is rectified and closed."), request, messages.SUCCESS)
