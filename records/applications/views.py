"""Application (申请) pages: parse → access → service → render. The rules live in
records/applications/services.py; the pages only say which moves the user may make
(``core.workflow.allowed_moves``).

Pages of a dossier or a record check the dossier first (404 to whoever may not see it), then
the page's own permission (403), as every dossier page does."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions as gate
from core import workflow
from customers.permissions import access_dossier_or_404
from records.applications import services
from records.applications.forms import ApplicationDecisionForm, ApplicationForm, WithdrawForm
from records.models import Application
from records.permissions import access_record_or_404, can
from records.views_common import customer_name, detail_context, form_page, step

TEMPLATES = "records/applications/"
DECIDE = frozenset({"approve", "reject"})


def _application_or_404(request, pk, perm):
    queryset = Application.objects.select_related(
        "dossier", "section__customer", "recorded_by", "decided_by"
    )
    return access_record_or_404(
        request.user, Application, pk, perm=perm, request=request, queryset=queryset
    )


def _application_flags(user, application):
    moves = workflow.allowed_moves(user, application)
    waiting = application.status == Application.Status.SUBMITTED
    return {
        "moves": moves,
        "can_decide": bool(DECIDE & moves),
        # a manager looking at the application they recorded: someone else decides
        "decides_elsewhere": waiting
        and application.recorded_by_id == user.pk
        and can(user, services.APPROVE),
        "can_withdraw": "withdraw" in moves,
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
    form = ApplicationForm(request.POST or None, applicant=customer_name(dossier))
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
    application = _application_or_404(request, pk, "records.view_application")
    return _render_application(request, application)


@require_POST
def application_decide(request, pk):
    application = _application_or_404(request, pk, services.APPROVE)
    form = ApplicationDecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    return step(
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
    application = _application_or_404(request, pk, "records.change_application")
    return step(
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
