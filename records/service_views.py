"""Letter (往来函) and application (申请) pages, and the approvals inbox:
parse → access → service → render. The rules live in records/service_requests.py; the pages
only say which moves the user may make.

Pages of a dossier or a record check the dossier first (404 to whoever may not see it), then
the page's own permission (403), as every dossier page does."""

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions as gate
from core.validators import is_pk
from customers.permissions import access_dossier_or_404
from records import service_requests as services

from .common import DomainError, current_section
from .models import Application, Correspondence
from .permissions import access_record_or_404, can_approve
from .service_forms import (
    ApplicationDecisionForm,
    ApplicationForm,
    LetterForm,
    WithdrawForm,
)
from .views_common import back, detail_context, form_page

TEMPLATES = "records/service/"
ApplicationStatus = Application.Status


# --- Helpers -----------------------------------------------------------------------------------


def _customer_name(dossier):
    section = current_section(dossier)
    return section.customer.name if section else ""


def _step(request, record, *, form, flag, move, success, render_page):
    """A move posted from the record's page: an invalid form, or a refusal while the move is
    still open, is shown on the page with what was typed; a move no longer open (someone moved
    the record on) is said as a message."""
    if not form.is_valid():
        if not flag:
            return back(record, _("This step is not open for this record now."), request)
        return render_page(request, record, form)
    try:
        move(form.cleaned_data)
    except DomainError as exc:
        if not flag:
            return back(record, str(exc), request)
        form.add_error(None, str(exc))
        return render_page(request, record, form)
    return back(record, success, request, messages.SUCCESS)


# --- Correspondence ----------------------------------------------------------------------------
def letter_add(request, dossier_pk):
    dossier = access_dossier_or_404(request.user, dossier_pk, request=request)
    gate.require(request.user, "records.add_correspondence", request=request)
    initial, answered = {}, None
    wanted = request.GET.get("reply_to", "")
    if is_pk(wanted):
        answered = Correspondence.objects.filter(dossier=dossier, pk=int(wanted)).first()
    if answered is not None:
        incoming = answered.direction == Correspondence.Direction.INCOMING
        initial = {
            "in_reply_to": answered.pk,
            "counterpart": answered.counterpart,
            "direction": Correspondence.Direction.OUTGOING
            if incoming
            else Correspondence.Direction.INCOMING,
            "subject": _("Re: %(subject)s") % {"subject": answered.subject},
        }
    form = LetterForm(request.POST or None, dossier=dossier, initial=initial)
    return form_page(
        request,
        form=form,
        template=TEMPLATES + "letter_form.html",
        context={"dossier": dossier, "answered": answered, "title": _("Record a letter")},
        save=lambda data: services.letter_record(dossier=dossier, data=data, actor=request.user),
        success_message=_("Letter recorded; attach its scan on this page."),
    )


def letter_detail(request, pk):
    queryset = Correspondence.objects.select_related(
        "dossier", "section__customer", "recorded_by", "in_reply_to"
    )
    letter = access_record_or_404(
        request.user, Correspondence, pk, request=request, queryset=queryset
    )
    gate.require(request.user, "records.view_correspondence", request=request)
    context = detail_context(
        request,
        letter,
        letter=letter,
        replies=list(letter.replies.order_by("dated", "pk")),
        can_reply=request.user.has_perm("records.add_correspondence"),
    )
    return render(request, TEMPLATES + "letter_detail.html", context)


# --- Applications ------------------------------------------------------------------------------
def _application_or_404(request, pk):
    queryset = Application.objects.select_related(
        "dossier", "section__customer", "recorded_by", "decided_by"
    )
    return access_record_or_404(request.user, Application, pk, request=request, queryset=queryset)


def _application_flags(user, application):
    waiting = application.status == ApplicationStatus.SUBMITTED
    own = application.recorded_by_id == user.pk
    return {
        "can_decide": waiting
        and can_approve(
            user, services.APPROVE, application, requested_by_id=application.recorded_by_id
        ),
        # a manager looking at the application they recorded: someone else decides
        "decides_elsewhere": waiting and own and user.has_perm(services.APPROVE),
        "can_withdraw": waiting and own and user.has_perm("records.change_application"),
    }


def _render_application(request, application, *, decide_form=None, withdraw_form=None):
    flags = _application_flags(request.user, application)
    if flags["can_decide"] and decide_form is None:
        decide_form = ApplicationDecisionForm()
    if flags["can_withdraw"] and withdraw_form is None:
        withdraw_form = WithdrawForm()
    context = detail_context(
        request,
        application,
        application=application,
        decide_form=decide_form,
        withdraw_form=withdraw_form,
        needs_validity=application.kind in services.NEEDS_VALIDITY,
        **flags,
    )
    return render(request, TEMPLATES + "application_detail.html", context)


def application_add(request, dossier_pk):
    dossier = access_dossier_or_404(request.user, dossier_pk, request=request)
    gate.require(request.user, "records.add_application", request=request)
    form = ApplicationForm(request.POST or None, applicant=_customer_name(dossier))
    return form_page(
        request,
        form=form,
        template=TEMPLATES + "application_form.html",
        context={"dossier": dossier, "title": _("Record an application")},
        save=lambda data: services.application_submit(
            dossier=dossier, data=data, actor=request.user
        ),
        success_message=_("Application recorded; a manager will decide on it."),
    )


def application_detail(request, pk):
    application = _application_or_404(request, pk)
    gate.require(request.user, "records.view_application", request=request)
    return _render_application(request, application)


@require_POST
def application_decide(request, pk):
    application = _application_or_404(request, pk)
    gate.require(request.user, services.APPROVE, request=request)
    form = ApplicationDecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    return _step(
        request,
        application,
        form=form,
        flag=_application_flags(request.user, application)["can_decide"],
        move=lambda data: services.application_decide(
            application=application,
            approve=data["decision"] == "approve",
            note=data["note"],
            actor=request.user,
        ),
        success=_("The application is approved.") if approve else _("The application is rejected."),
        render_page=lambda req, obj, f: _render_application(req, obj, decide_form=f),
    )


@require_POST
def application_withdraw(request, pk):
    application = _application_or_404(request, pk)
    gate.require(request.user, "records.change_application", request=request)
    return _step(
        request,
        application,
        form=WithdrawForm(request.POST),
        flag=_application_flags(request.user, application)["can_withdraw"],
        move=lambda data: services.application_withdraw(
            application=application, note=data["note"], actor=request.user
        ),
        success=_("The application is withdrawn."),
        render_page=lambda req, obj, f: _render_application(req, obj, withdraw_form=f),
    )


# --- The approvals inbox -----------------------------------------------------------------------
def approval_list(request):
    """Everything awaiting a manager in the dossiers the user may see: three queries."""
    gate.require(request.user, "records.view_deposit", request=request)
    user = request.user
    waiting = services.approvals_waiting(user=user)
    deposits = list(waiting["deposits"])
    renovations = list(waiting["renovations"])
    applications = list(waiting["applications"])
    # the user's own requests are decided by another manager: say so on the row
    for deposit in deposits:
        deposit.own = deposit.settlement_requested_by_id == user.pk
    for item in (*renovations, *applications):
        item.own = item.recorded_by_id == user.pk
    return render(
        request,
        TEMPLATES + "approval_list.html",
        {
            "deposits": deposits,
            "renovations": renovations,
            "applications": applications,
            "total": len(deposits) + len(renovations) + len(applications),
            "decides_deposits": user.has_perm("records.approve_deposit"),
            "decides_renovations": user.has_perm("records.approve_renovation"),
            "decides_applications": user.has_perm(services.APPROVE),
        },
    )
