"""Repair (报修) pages: parse → access → service → render. The rules live in
records/repairs/services.py; the pages only say which moves the user may make.

Pages of a dossier or a record check the dossier first (404 to whoever may not see it), then
the page's own permission (403), as every dossier page does."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions as gate
from core import workflow
from customers.permissions import access_dossier_or_404
from records.common import current_section
from records.models import Repair
from records.permissions import access_record_or_404
from records.repairs import selectors, services
from records.repairs.forms import CompletionForm, FeedbackForm, RepairForm, WorkOrderForm
from records.views_common import detail_context, form_page, step

TEMPLATES = "records/repairs/"


def _customer_name(dossier):
    section = current_section(dossier)
    return section.customer.name if section else ""


def _repair_or_404(request, pk):
    queryset = Repair.objects.select_related("dossier", "section__customer", "recorded_by")
    return access_record_or_404(request.user, Repair, pk, request=request, queryset=queryset)


def _repair_flags(user, repair):
    """What the page offers: the moves ``user`` may make now, and the flags the page names."""
    moves = workflow.allowed_moves(user, repair)
    return {
        "moves": moves,
        "can_order": "order" in moves,
        "can_complete": "complete" in moves,
        "can_feedback": "feedback" in moves,
        "can_return_visit": "return_visit" in moves,
    }


def _render_repair(request, repair, form=None):
    flags = _repair_flags(request.user, repair)
    step_form = form
    if step_form is None:
        if flags["can_order"]:
            step_form = WorkOrderForm()
        elif flags["can_complete"]:
            step_form = CompletionForm(repair=repair)
        elif flags["can_feedback"]:
            step_form = FeedbackForm()
    context = detail_context(
        request,
        repair,
        repair=repair,
        step_form=step_form,
        next_work_order=selectors.next_work_order_number(timezone.localdate())
        if flags["can_order"]
        else "",
        return_visits=selectors.return_visits(repair),
        steps=selectors.repair_steps(repair),
        **flags,
    )
    return render(request, TEMPLATES + "repair_detail.html", context)


def repair_add(request, dossier_pk):
    dossier = access_dossier_or_404(request.user, dossier_pk, request=request)
    gate.require(request.user, "records.add_repair", request=request)
    form = RepairForm(request.POST or None, reported_by=_customer_name(dossier))
    return form_page(
        request,
        form=form,
        template=TEMPLATES + "repair_form.html",
        context={"dossier": dossier, "title": _("Report a repair")},
        save=lambda data: services.repair_report(dossier=dossier, data=data, actor=request.user),
        success_message=_("Repair recorded; issue its work order next."),
    )


def repair_detail(request, pk):
    repair = _repair_or_404(request, pk)
    gate.require(request.user, "records.view_repair", request=request)
    return _render_repair(request, repair)


@require_POST
def repair_order(request, pk):
    repair = _repair_or_404(request, pk)
    gate.require(request.user, "records.change_repair", request=request)
    return step(
        request,
        repair,
        form=WorkOrderForm(request.POST),
        flag=_repair_flags(request.user, repair)["can_order"],
        move=lambda data: services.repair_order(
            repair=repair,
            assigned_to=data["assigned_to"],
            work_order_number=data["work_order_number"],
            actor=request.user,
        ),
        success=_("Work order issued."),
        render_page=_render_repair,
    )


@require_POST
def repair_complete(request, pk):
    repair = _repair_or_404(request, pk)
    gate.require(request.user, "records.change_repair", request=request)
    return step(
        request,
        repair,
        form=CompletionForm(request.POST, repair=repair),
        flag=_repair_flags(request.user, repair)["can_complete"],
        move=lambda data: services.repair_complete(
            repair=repair,
            completed_at=data["completed_at"],
            work_done=data["work_done"],
            cost=data["cost"],
            actor=request.user,
        ),
        success=_("The repair is completed; record the customer's feedback next."),
        render_page=_render_repair,
    )


@require_POST
def repair_feedback(request, pk):
    repair = _repair_or_404(request, pk)
    gate.require(request.user, "records.change_repair", request=request)
    return step(
        request,
        repair,
        form=FeedbackForm(request.POST),
        flag=_repair_flags(request.user, repair)["can_feedback"],
        move=lambda data: services.repair_feedback(
            repair=repair,
            satisfaction=data["satisfaction"],
            feedback=data["feedback"],
            actor=request.user,
        ),
        success=_("Feedback recorded; the repair is closed."),
        render_page=_render_repair,
    )
