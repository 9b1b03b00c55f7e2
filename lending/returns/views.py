"""The return pages (R25) and the incidents (R24): parse → access → service → render. The
moves are declared in ``lending.moves`` and made in ``lending.returns.services``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions as gate
from core import workflow
from core.workflow import DomainError
from documents.permissions import document_visible_to, log_documents_shown

from ..models import BorrowerKind, Incident, Loan
from ..moves import INCIDENTS, LOANS
from ..permissions import HAND_OUT, HANDLE_INCIDENT, VIEW, access_loan_or_404
from . import selectors, services
from .forms import (
    CheckAgainForm,
    IncidentFilterForm,
    IncidentHandleForm,
    ReturnCheckForm,
    ReturnConfirmForm,
)
from .permissions import access_incident_or_404, log_loans_shown

PAGE_SIZE = 25


def _loan_or_404(request, pk, perm):
    return access_loan_or_404(
        request.user,
        pk,
        perm=perm,
        request=request,
        queryset=Loan.objects.select_related("borrower", "return_checked_by"),
    )


def _to_loan(loan):
    return redirect("lending:loan_detail", pk=loan.pk)


def page_refusal(request, workflow_, obj, name):
    """Whether the page of move ``name`` opens: a missing right or a move never offered to this
    user is refused (403, logged); a move not open now (its state, or a reason of its guard)
    sends back to the object's page with the reason. None: the page opens."""
    move = workflow_.moves[name]
    user = request.user
    if not workflow_.permitted(user, obj, move):
        workflow.require_move(user, obj, name, request=request)  # PermissionDenied, logged
    if move.guard is not None and move.guard(user, obj) is False:
        gate.record_refusal(user, f"{name}: not offered", obj, request=request)
        raise PermissionDenied(_("You do not have permission to do this."))
    refused = workflow_.refusal(user, obj, name)
    if refused is None:
        return None
    messages.error(request, refused[1])
    return _to_loan(obj)


def _log_shown(request, loan, documents):
    # R21: the loan's own read is logged by access_loan_or_404 when its dossier is confidential
    log_documents_shown(
        request.user, documents, request=request, dossier_logged=loan.dossier.is_confidential
    )


# --- The check ----------------------------------------------------------------------------
def return_check(request, pk):
    loan = _loan_or_404(request, pk, HAND_OUT)
    if refused := page_refusal(request, LOANS, loan, "check_return"):
        return refused
    items = list(selectors.return_items(loan).order_by("pk"))
    _log_shown(request, loan, [i.document for i in items])
    form = ReturnCheckForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            loan = services.loan_return_check(loan=loan, actor=request.user, results=form.results())
        except services.ReturnCheckRefused as exc:
            form.add_item_errors(exc.errors)
            form.add_error(None, str(exc))
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Return checked. The borrower now confirms what came back.")
            )
            return redirect("lending:return_confirm", pk=loan.pk)
    return render(
        request, "lending/returns/check.html", {"loan": loan, "form": form, "rows": form.rows()}
    )


# --- The borrower's confirmation ---------------------------------------------------------
def _confirm_mode(user, loan):
    if loan.borrower_id and user.pk == loan.borrower_id:
        return "own"
    if loan.borrower_kind == BorrowerKind.OUTSIDE or not loan.borrower_id:
        return "paper"
    return "desk"


def return_confirm(request, pk):
    loan = _loan_or_404(request, pk, VIEW)
    if refused := page_refusal(request, LOANS, loan, "confirm_return"):
        return refused
    mode = _confirm_mode(request.user, loan)
    items = list(selectors.return_items(loan).order_by("pk"))
    _log_shown(request, loan, [i.document for i in items])
    form = ReturnConfirmForm(request.POST or None, mode=mode)
    if request.method == "POST" and form.is_valid():
        try:
            loan = services.loan_return_confirm(
                loan=loan,
                actor=request.user,
                password=form.cleaned_data.get("password", ""),
                at_desk=mode != "own",
            )
        except services.WrongPassword as exc:
            form.add_error("password" if "password" in form.fields else None, str(exc))
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            if loan.status == Loan.Status.LOST:
                messages.warning(
                    request,
                    _("Return confirmed. Missing items are recorded as lost; a manager is told."),
                )
            else:
                messages.success(request, _("Return confirmed. The items are back on the shelf."))
            return _to_loan(loan)
    return render(
        request,
        "lending/returns/confirm.html",
        {
            "loan": loan,
            "form": form,
            "mode": mode,
            "items": items,
            "moves": workflow.allowed_moves(request.user, loan),
            "check_again_form": CheckAgainForm(),
        },
    )


@require_POST
def return_check_again(request, pk):
    loan = _loan_or_404(request, pk, HAND_OUT)
    form = CheckAgainForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the borrower disputes."))
        return redirect("lending:return_confirm", pk=loan.pk)
    try:
        loan = services.loan_return_check_again(
            loan=loan, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return _to_loan(loan)
    messages.info(request, _("The check is disputed: check the items again."))
    return redirect("lending:return_check", pk=loan.pk)


# --- Incidents (R24) ---------------------------------------------------------------------
def incident_list(request):
    gate.require(request.user, HANDLE_INCIDENT, request=request)
    form = IncidentFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    rows = selectors.incident_list(user=request.user, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    log_loans_shown(request.user, [i.loan for i in page], request=request)
    log_documents_shown(
        request.user,
        [i.item.document for i in page if i.document_seen],
        request=request,
        dossier_logged=True,
    )
    return render(
        request,
        "lending/returns/incident_list.html",
        {"form": form, "page_obj": page, "open_count": _open_count(request.user)},
    )


def _open_count(user):
    return selectors.incident_list(user=user, status=Incident.Status.OPEN).count()


def incident_detail(request, pk):
    incident = access_incident_or_404(request.user, pk, request=request)
    document = incident.item.document
    document_seen = document_visible_to(request.user).filter(pk=document.pk).exists()
    if document_seen:
        log_documents_shown(
            request.user,
            [document],
            request=request,
            dossier_logged=incident.loan.dossier.is_confidential,
        )
    moves = workflow.allowed_moves(request.user, incident)
    form = IncidentHandleForm(request.POST or None)
    if request.method == "POST":
        if "handle" not in moves:
            refused = INCIDENTS.refusal(request.user, incident, "handle")
            if refused and refused[0] == "perm":
                workflow.require_move(request.user, incident, "handle", request=request)
            messages.error(request, refused[1] if refused else _("This step is not possible."))
            return redirect("lending:incident_detail", pk=incident.pk)
        if form.is_valid():
            try:
                services.incident_handle(
                    incident=incident, actor=request.user, outcome=form.cleaned_data["outcome"]
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The handling is recorded."))
                return redirect("lending:incident_detail", pk=incident.pk)
    return render(
        request,
        "lending/returns/incident_detail.html",
        {
            "incident": incident,
            "loan": incident.loan,
            "document": document,
            "document_seen": document_seen,
            "moves": moves,
            "form": form,
        },
    )
