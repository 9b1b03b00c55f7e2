"""Complaint (R42) and visit (R43) pages: parse → access → service → render."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions as gate
from core import workflow
from core.pagination import KeysFirstPaginator
from core.validators import is_pk
from core.workflow import DomainError
from customers.models import Dossier
from customers.permissions import access_dossier_or_404, dossier_visible_to, sight_key
from records.complaints import selectors
from records.complaints import services as complaints
from records.complaints.forms import (
    ComplaintFilterForm,
    ComplaintForm,
    ComplaintReplyForm,
    ComplaintStepForm,
    VisitForm,
    VisitScheduleForm,
)
from records.models import Complaint, ComplaintStep, Visit
from records.permissions import access_record_or_404, record_visible_to
from records.views_common import detail_context, form_page

PAGE_SIZE = 25
Status = Complaint.Status
# what the list's rows show (records/templatetags/complaint_rows.py): a complaint's five
# clears and its reply are long texts that the page would otherwise read for every row
COMPLAINT_ROW_FIELDS = (
    *("received_at", "subject", "is_major", "is_written", "category", "channel", "status"),
    *("dossier", "dossier__archive_number"),
)


# --- Complaints ----------------------------------------------------------------------------
def complaint_list(request):
    gate.require(request.user, "records.view_complaint", request=request)
    form = ComplaintFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    chosen = {
        "status": filters.get("status", ""),
        "major_only": filters.get("major", False),
        "channel": filters.get("channel", ""),
        "month": filters.get("month", ""),
        "overdue": filters.get("overdue", False),
    }

    def rows():
        return selectors.complaint_list(user=request.user, **chosen).only(*COMPLAINT_ROW_FIELDS)

    # compiled once per sight and filters (core.compiled); "overdue" reads the clock
    key = None
    if not chosen["overdue"]:
        zone = timezone.get_current_timezone_name()  # the month's bounds
        key = ("complaint list", sight_key(request.user), *chosen.items(), zone)
    page = KeysFirstPaginator(rows, PAGE_SIZE, key=key).get_page(request.GET.get("page"))
    return render(
        request,
        "records/complaints/complaint_list.html",
        {"form": form, "page_obj": page, "steps_total": len(Complaint.STEPS)},
    )


def _dossier_with_unit(request, pk):
    """The dossier of a form whose header names its unit, building and estate: one join."""
    return access_dossier_or_404(
        request.user,
        pk,
        request=request,
        queryset=Dossier.objects.select_related("unit__building__estate"),
    )


def complaint_add(request, dossier_pk):
    dossier = _dossier_with_unit(request, dossier_pk)
    gate.require(request.user, "records.add_complaint", request=request)
    form = ComplaintForm(request.POST or None, dossier=dossier, user=request.user)

    def save(data):
        complaint = complaints.complaint_record(dossier=dossier, data=data, actor=request.user)
        if complaint.is_major:
            messages.warning(request, _("Major complaint: every manager has been told at once."))
        return complaint

    return form_page(
        request,
        form=form,
        template="records/complaints/complaint_form.html",
        context={"dossier": dossier},
        save=save,
        success_message=_("Complaint recorded."),
    )


def _complaint_or_404(request, pk):
    queryset = Complaint.objects.select_related(
        "dossier", "section__customer", "recorded_by", "closed_by"
    )
    return access_record_or_404(request.user, Complaint, pk, request=request, queryset=queryset)


def _detail(request, complaint, *, step_form=None, reply_form=None):
    user = request.user
    moves = workflow.allowed_moves(user, complaint)
    others = list(complaint.other_dossiers.order_by("archive_number"))
    visible_ids = set(
        dossier_visible_to(user).filter(pk__in=[d.pk for d in others]).values_list("pk", flat=True)
    )
    context = detail_context(
        request,
        complaint,
        complaint=complaint,
        progress=[
            (name, ComplaintStep.Step(name).label, getattr(complaint, name))
            for name in Complaint.STEPS
        ],
        steps_done=sum(1 for name in Complaint.STEPS if getattr(complaint, name).strip()),
        steps_total=len(Complaint.STEPS),
        steps=list(complaint.steps.select_related("by")),
        other_dossiers=[d for d in others if d.pk in visible_ids],
        hidden_others=len(others) - len(visible_ids),
        return_visits=list(selectors.complaint_return_visits(complaint=complaint, user=user)),
        blockers=selectors.close_blockers(complaint) if complaint.status != Status.CLOSED else [],
        moves=moves,
        can_step="step" in moves,
        can_report="report" in moves,
        can_reply="reply" in moves,
        can_mark_handled="mark_handled" in moves,
        can_close="close" in moves,
        can_add_visit=gate.can(user, "records.add_visit"),
        step_form=step_form or ComplaintStepForm(complaint=complaint),
        reply_form=reply_form or ComplaintReplyForm(complaint=complaint),
    )
    return render(request, "records/complaints/complaint_detail.html", context)


def complaint_detail(request, pk):
    complaint = _complaint_or_404(request, pk)
    gate.require(request.user, "records.view_complaint", request=request)
    return _detail(request, complaint)


def _changeable(request, pk):
    complaint = _complaint_or_404(request, pk)
    gate.require(request.user, "records.change_complaint", request=request)
    return complaint


def _to_detail(complaint):
    return redirect("records:complaint_detail", pk=complaint.pk)


@require_POST
def complaint_step(request, pk):
    """One of the five clears (听清 问清 跟清 复清 记清)."""
    complaint = _changeable(request, pk)
    form = ComplaintStepForm(request.POST, complaint=complaint)
    if form.is_valid():
        try:
            complaints.complaint_step(
                complaint=complaint,
                step=form.cleaned_data["step"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(step)s recorded.")
                % {"step": ComplaintStep.Step(form.cleaned_data["step"]).label},
            )
            return _to_detail(complaint)
    return _detail(request, complaint, step_form=form)


@require_POST
def complaint_report(request, pk):
    """The report (报告) to the managers, for a complaint that is not major too."""
    complaint = _changeable(request, pk)
    try:
        complaints.complaint_report(complaint=complaint, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The managers have been told."))
    return _to_detail(complaint)


@require_POST
def complaint_reply(request, pk):
    """A written complaint: its written reply (R42). Any other: marked handled after 跟清."""
    complaint = _changeable(request, pk)
    if not complaint.is_written:
        try:
            complaints.complaint_mark_handled(complaint=complaint, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Complaint marked handled; a return visit is next."))
        return _to_detail(complaint)
    form = ComplaintReplyForm(request.POST, complaint=complaint)
    if form.is_valid():
        try:
            complaints.complaint_reply(complaint=complaint, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Written reply recorded; a return visit is next."))
            return _to_detail(complaint)
    return _detail(request, complaint, reply_form=form)


@require_POST
def complaint_close(request, pk):
    complaint = _changeable(request, pk)
    try:
        complaints.complaint_close(complaint=complaint, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Complaint closed."))
    return _to_detail(complaint)


# --- Visits --------------------------------------------------------------------------------
def visit_add(request, dossier_pk):
    dossier = _dossier_with_unit(request, dossier_pk)
    gate.require(request.user, "records.add_visit", request=request)
    initial = {}
    if request.GET.get("kind") in Visit.Kind.values:
        initial["kind"] = request.GET["kind"]
    for name in ("complaint", "repair"):
        if is_pk(request.GET.get(name, "")):
            initial[name] = int(request.GET[name])
            initial.setdefault("kind", Visit.Kind.RETURN_VISIT)
    form = VisitForm(request.POST or None, initial=initial, dossier=dossier, user=request.user)
    return form_page(
        request,
        form=form,
        template="records/complaints/visit_form.html",
        context={"dossier": dossier},
        save=lambda data: complaints.visit_record(dossier=dossier, data=data, actor=request.user),
        success_message=_("Visit recorded."),
        # a return visit is made for its complaint (or repair): back to where it was started
        redirect_to=_after_visit,
    )


def _after_visit(visit):
    if visit.complaint_id:
        return reverse("records:complaint_detail", args=[visit.complaint_id])
    if visit.repair_id:
        return reverse("records:repair_detail", args=[visit.repair_id])
    return visit.get_absolute_url()


def visit_detail(request, pk):
    queryset = Visit.objects.select_related(
        "dossier", "section__customer", "visitor", "recorded_by", "complaint", "repair"
    )
    visit = access_record_or_404(request.user, Visit, pk, request=request, queryset=queryset)
    gate.require(request.user, "records.view_visit", request=request)
    complaint_visible = bool(
        visit.complaint_id
        and record_visible_to(request.user, Complaint).filter(pk=visit.complaint_id).exists()
    )
    context = detail_context(
        request,
        visit,
        visit=visit,
        complaint_visible=complaint_visible,
        can_add_visit=gate.can(request.user, "records.add_visit"),
    )
    return render(request, "records/complaints/visit_detail.html", context)


def visit_schedule(request):
    """R43: the manager visits due this year, the staff visits due this quarter per building,
    and the complaints still without a return visit."""
    gate.require(request.user, "records.view_visit", request=request)
    today = timezone.localdate()
    form = VisitScheduleForm(request.GET or None, today=today)
    year, quarter, estate = form.values(today)
    due, manager_summary = selectors.manager_visits_due(user=request.user, year=year, estate=estate)
    buildings, building_summary = selectors.staff_visits_by_building(
        user=request.user, year=year, quarter=quarter, estate=estate
    )
    open_complaints, complaint_summary = selectors.complaints_without_return_visit(
        user=request.user, year=year, estate=estate
    )
    start, end = selectors.quarter_range(year, quarter)
    return render(
        request,
        "records/complaints/visit_schedule.html",
        {
            "form": form,
            "year": year,
            "quarter": quarter,
            "quarter_start": start,
            "quarter_end": end - datetime.timedelta(days=1),
            "page_obj": Paginator(due, PAGE_SIZE).get_page(request.GET.get("page")),
            "manager_summary": manager_summary,
            "buildings": buildings,
            "building_summary": building_summary,
            "open_complaints": open_complaints,
            "complaint_summary": complaint_summary,
            "can_add_visit": gate.can(request.user, "records.add_visit"),
        },
    )
