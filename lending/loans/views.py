"""The loan pages (R18–R23, R27, R29): parse → access → one service or selector → render.

The request pages show at once what the rules say of each item (``request_verdicts``) and
keep the input when the service refuses; the loan page offers the moves
``workflow.allowed_moves`` allows and nothing else, each posted to one view that calls one
service. The lists (my loans, the approval queue, the archivist's desk) start from
``loan_visible_to`` and page their rows."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import permissions as gate
from core import workflow
from core.workflow import DomainError
from customers.permissions import access_dossier_or_404
from documents.permissions import document_visible_to, log_documents_shown

from ..models import ON_SITE_MODES, Loan, Mode, Renewal
from ..permissions import (
    APPROVE,
    APPROVE_OUTSIDE,
    HAND_OUT,
    REQUEST,
    VIEW,
    access_loan_or_404,
)
from . import selectors, services
from .forms import LoanRequestForm, NoteForm, OutsideRequestForm, RenewForm

PAGE_SIZE = 25
ADD_DOCUMENT = "documents.add_document"
S = Loan.Status


# --- Requesting a loan ----------------------------------------------------------------------
def _state(data, *, outside):
    """The mode, whole-dossier choice and chosen documents a request page shows: from the
    posted form, or from the query string (a reload that keeps the input, ``?document=``)."""
    modes = [m.value for m in ON_SITE_MODES] if outside else Mode.values
    mode = data.get("mode")
    mode = mode if mode in modes else Mode.READ_ARCHIVE
    whole = data.get("whole_dossier") in ("on", "true", "1")
    chosen = [*data.getlist("documents"), *data.getlist("document")]
    return mode, whole, chosen


def _initial(data, *, mode, whole, days):
    initial = {"mode": mode, "whole_dossier": whole, "purpose": data.get("purpose", "")}
    initial["days"] = data.get("days") or days
    for name in ("borrower", "party", "party_organisation", "party_person", "notice_category"):
        if data.get(name):
            initial[name] = data.get(name)
    return initial


def _submit_request(request, dossier, form):
    data = form.cleaned_data
    try:
        return services.loan_request(
            dossier=dossier,
            mode=data["mode"],
            purpose=data["purpose"],
            actor=request.user,
            documents=data["documents"],
            whole_dossier=data["whole_dossier"],
            days=data["days"],
            borrower=data.get("borrower"),
        )
    except DomainError as exc:
        form.add_error(None, str(exc))
    return None


def _submit_outside(request, dossier, form):
    """The assistance notice becomes a document of the dossier (checked by its content, like
    every upload), then the loan names it: one transaction, so a refused request leaves no
    notice behind."""
    from documents.services import document_record

    data = form.cleaned_data
    notice = None
    try:
        with transaction.atomic():
            notice = document_record(
                dossier=dossier,
                data={
                    "category": data["notice_category"],
                    "title": _("Assistance notice: %(organisation)s")
                    % {"organisation": data["party_organisation"]},
                    "document_date": data["notice_date"],
                    "carrier": "electronic",
                    "copies": 1,
                },
                actor=request.user,
                upload=data["notice"],
            )
            return services.loan_request(
                dossier=dossier,
                mode=data["mode"],
                purpose=data["purpose"],
                actor=request.user,
                documents=data["documents"],
                whole_dossier=data["whole_dossier"],
                days=data["days"],
                party=data["party"],
                party_organisation=data["party_organisation"],
                party_person=data["party_person"],
                party_credential=data["party_credential"],
                party_notice=notice,
            )
    except (DomainError, ValidationError) as exc:
        if notice is not None and notice.file:  # the row is rolled back; its file goes too
            notice.file.storage.delete(notice.file.name)
        form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
    return None


def _request_page(request, dossier_pk, *, outside):
    user = request.user
    dossier = access_dossier_or_404(user, dossier_pk, request=request)
    gate.require(user, REQUEST, request=request)
    if outside:  # the notice is recorded as a document of the dossier
        gate.require(user, ADD_DOCUMENT, request=request)
    name = "lending:loan_request_outside" if outside else "lending:loan_request"
    url = reverse(name, args=[dossier.pk])
    documents = selectors.request_documents(user=user, dossier=dossier)
    form_class = OutsideRequestForm if outside else LoanRequestForm
    borrowers = None
    if not outside and gate.can(user, HAND_OUT):
        borrowers = selectors.borrower_choices(dossier=dossier)
    options = {"documents": documents, "borrowers": borrowers, "refresh_url": url}

    data = request.POST if request.method == "POST" else request.GET
    mode, whole, chosen = _state(data, outside=outside)
    shown = list(documents)
    log_documents_shown(user, shown, request=request, dossier_logged=True)  # R21
    rows = selectors.request_rows(
        dossier=dossier, documents=shown, mode=mode, whole_dossier=whole, chosen=chosen
    )
    days = selectors.allowed_days(rows)
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **options)
        if form.is_valid():
            submit = _submit_outside if outside else _submit_request
            loan = submit(request, dossier, form)
            if loan is not None:
                messages.success(request, _success_message(loan))
                return redirect("lending:loan_detail", pk=loan.pk)
    else:
        form = form_class(initial=_initial(data, mode=mode, whole=whole, days=days), **options)
    context = {
        "dossier": dossier,
        "form": form,
        "rows": rows,
        "days_allowed": days,
        "whole_dossier": whole,
        "hidden": selectors.hidden_documents(dossier=dossier, shown=len(shown)),
        "outside": outside,
        "refresh_url": url,
        "can_outside": not outside and gate.can(user, ADD_DOCUMENT),
    }
    if request.htmx and request.method == "GET":
        return render(request, "lending/loans/partials/request_items.html", context)
    return render(request, "lending/loans/request_form.html", context)


def _success_message(loan):
    if loan.status == S.APPROVED:
        return _("Loan %(number)s registered and approved: the archive room hands it out.") % {
            "number": loan.number
        }
    return _("Loan %(number)s requested: it waits for %(what)s.") % {
        "number": loan.number,
        "what": "、".join(str(w) for w in selectors.waiting_for(loan)),
    }


def loan_request(request, dossier_pk):
    return _request_page(request, dossier_pk, outside=False)


def loan_request_outside(request, dossier_pk):
    return _request_page(request, dossier_pk, outside=True)


# --- The loan page --------------------------------------------------------------------------
def _loan_or_404(request, pk):
    queryset = Loan.objects.select_related(
        "borrower",
        "requested_by",
        "owner_consent_by",
        "approved_by",
        "legal_approved_by",
        "handed_out_by",
        "return_checked_by",
    )
    return access_loan_or_404(request.user, pk, perm=VIEW, request=request, queryset=queryset)


def _move_forms(loan):
    return {
        "owner_consent": NoteForm(
            required=True, label=gettext_lazy("How the owner consented"), prefix="owner_consent"
        ),
        "approve": NoteForm(prefix="approve"),
        "approve_outside": NoteForm(prefix="approve_outside"),
        "reject": NoteForm(required=True, label=gettext_lazy("Why"), prefix="reject"),
        "cancel": NoteForm(label=gettext_lazy("Reason"), prefix="cancel"),
        "renew": RenewForm(initial={"days": loan.renewal_days}, prefix="renew"),
    }


def _detail(request, loan, *, bound=None):
    user = request.user
    items, hidden, visible = selectors.loan_items(user=user, loan=loan)
    log_documents_shown(user, [i.document for i in items], request=request)  # R21
    renewals = selectors.loan_renewals(loan)
    for renewal in renewals:
        waiting = renewal.status == Renewal.Status.REQUESTED
        renewal.moves = workflow.allowed_moves(user, renewal) if waiting else set()
    forms = {**_move_forms(loan), **(bound or {})}
    notice_visible = bool(
        loan.party_notice_id and document_visible_to(user).filter(pk=loan.party_notice_id).exists()
    )
    today = timezone.localdate()
    context = {
        "loan": loan,
        "moves": workflow.allowed_moves(user, loan),
        "forms": forms,
        "items": items,
        "hidden_items": hidden,
        "visible_documents": visible,
        "waiting_for": selectors.waiting_for(loan),
        "renewals": renewals,
        "notices": selectors.loan_notices(loan),
        "incidents": selectors.loan_incidents(loan),
        "copies": selectors.loan_copies(loan),
        "history": selectors.loan_history(loan),
        "notice_visible": notice_visible,
        "overdue": loan.status in (S.OUT, S.RENEWED) and loan.due_on and loan.due_on < today,
        "today": today,
    }
    return render(request, "lending/loans/loan_detail.html", context)


def loan_detail(request, pk):
    return _detail(request, _loan_or_404(request, pk))


@dataclass(frozen=True)
class _Move:
    """One button of the loan page: its form (or none), the one service it calls and what
    the user is told when it is done."""

    form: Callable | None
    call: Callable
    done: object


LOAN_MOVES = {
    "owner_consent": _Move(
        lambda data: NoteForm(data, required=True, prefix="owner_consent"),
        lambda loan, d, actor: services.loan_owner_consent(loan=loan, note=d["note"], actor=actor),
        gettext_lazy("The owner's consent is recorded."),
    ),
    "approve": _Move(
        lambda data: NoteForm(data, prefix="approve"),
        lambda loan, d, actor: services.loan_approve(loan=loan, note=d["note"], actor=actor),
        gettext_lazy("Your approval is recorded."),
    ),
    "approve_outside": _Move(
        lambda data: NoteForm(data, prefix="approve_outside"),
        lambda loan, d, actor: services.loan_approve_outside(
            loan=loan, note=d["note"], actor=actor
        ),
        gettext_lazy("The legal department's approval is recorded."),
    ),
    # the service picks the manager's or the legal department's rejection
    "reject": _Move(
        lambda data: NoteForm(data, required=True, prefix="reject"),
        lambda loan, d, actor: services.loan_reject(loan=loan, note=d["note"], actor=actor),
        gettext_lazy("The loan is rejected."),
    ),
    "cancel": _Move(
        lambda data: NoteForm(data, prefix="cancel"),
        lambda loan, d, actor: services.loan_cancel(loan=loan, reason=d["note"], actor=actor),
        gettext_lazy("The loan is cancelled."),
    ),
    "hand_out": _Move(
        None,
        lambda loan, d, actor: services.loan_hand_out(loan=loan, actor=actor),
        gettext_lazy("Handed out."),
    ),
    "renew": _Move(
        lambda data: RenewForm(data, prefix="renew"),
        lambda loan, d, actor: services.renewal_request(
            loan=loan, reason=d["reason"], days=d["days"], actor=actor
        ),
        gettext_lazy("Renewal asked for."),
    ),
}
RENEWAL_MOVES = {
    "approve": _Move(
        lambda data: NoteForm(data),
        lambda renewal, d, actor: services.renewal_approve(
            renewal=renewal, note=d["note"], actor=actor
        ),
        gettext_lazy("The renewal is granted."),
    ),
    "refuse": _Move(
        lambda data: NoteForm(data, required=True),
        lambda renewal, d, actor: services.renewal_refuse(
            renewal=renewal, note=d["note"], actor=actor
        ),
        gettext_lazy("The renewal is refused."),
    ),
    "cancel": _Move(
        None,
        lambda renewal, d, actor: services.renewal_cancel(renewal=renewal, actor=actor),
        gettext_lazy("The renewal is cancelled."),
    ),
}


def _back(request, loan):
    """Back where the button was (the desk, the queue), else to the loan's page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("lending:loan_detail", pk=loan.pk)


def _make(request, move, obj, loan, *, key):
    form = move.form(request.POST) if move.form else None
    if form is not None and not form.is_valid():
        return _detail(request, loan, bound={key: form})  # the error beside the field
    try:
        move.call(obj, form.cleaned_data if form else {}, request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        if form is not None and form.has_changed():
            # what was typed (a renewal's reason, a note) stays in its field, the page as it is now
            return _detail(request, _loan_or_404(request, loan.pk), bound={key: form})
    else:
        messages.success(request, str(move.done))
    return _back(request, loan)


@require_POST
def loan_move(request, pk, move):
    if move not in LOAN_MOVES:
        raise Http404
    loan = _loan_or_404(request, pk)
    return _make(request, LOAN_MOVES[move], loan, loan, key=move)


@require_POST
def renewal_move(request, pk, move):
    if move not in RENEWAL_MOVES:
        raise Http404
    loan_id = Renewal.objects.filter(pk=pk).values_list("loan_id", flat=True).first()
    if loan_id is None:
        raise Http404
    loan = _loan_or_404(request, loan_id)  # the renewal is seen through its loan
    renewal = get_object_or_404(loan.renewals, pk=pk)
    renewal.loan = loan
    return _make(request, RENEWAL_MOVES[move], renewal, loan, key=f"renewal_{move}")


# --- Lists ----------------------------------------------------------------------------------
def _page(request, rows, *, param="page", count=None):
    paginator = Paginator(rows, PAGE_SIZE)
    if count is not None:
        paginator.count = count  # already counted (the desk's tabs)
    page = paginator.get_page(request.GET.get(param))
    page.object_list = selectors.mark_seen(list(page.object_list), request.user)
    return page


# the buttons of a desk row: ``allowed_moves`` asked of these moves only (a page of 25 rows
# would otherwise build the refusal of every other move of every row)
DESK_MOVES = ("hand_out", "make_copies", "check_return", "confirm_return")


def _mark(loans, user, today, *, moves=()):
    for loan in loans:
        loan.overdue = loan.status in (S.OUT, S.RENEWED) and loan.due_on and loan.due_on < today
        declared, asked = workflow.workflow_of(loan), {}
        loan.moves = {m for m in moves if declared.refusal(user, loan, m, asked=asked) is None}
    return loans


def my_loans(request):
    gate.require(request.user, REQUEST, request=request)
    page = _page(request, selectors.my_loans(user=request.user))
    today = timezone.localdate()
    _mark(page.object_list, request.user, today)
    return render(request, "lending/loans/my_loans.html", {"page_obj": page, "today": today})


def approval_queue(request):
    """Managers decide loans and renewals (R22, R23); the legal department outside parties'
    reading (R20)."""
    user = request.user
    if not gate.can(user, APPROVE_OUTSIDE):
        gate.require(user, APPROVE, request=request)
    loans = _page(request, selectors.approval_loans(user=user))
    for loan in loans.object_list:
        loan.waiting = selectors.waiting_for(loan)
    renewals = Paginator(selectors.approval_renewals(user=user), PAGE_SIZE).get_page(
        request.GET.get("rpage")
    )
    return render(
        request,
        "lending/loans/approval_queue.html",
        {"page_obj": loans, "renewals": renewals, "today": timezone.localdate()},
    )


def desk(request):
    """The archive room's desk: what to hand out and copy, what is out, due, overdue or
    escalated, and what comes back (R22–R26)."""
    user = request.user
    gate.require(user, HAND_OUT, request=request)
    tab = request.GET.get("tab")
    tab = tab if tab in selectors.DESK_TABS else "hand_out"
    today = timezone.localdate()
    counts = selectors.desk_counts(user=user, today=today)
    rows = selectors.desk_rows(user=user, tab=tab, today=today)
    page = _page(request, rows, count=counts[tab])
    _mark(page.object_list, user, today, moves=DESK_MOVES)
    tabs = [(key, label, counts[key]) for key, (label, _q) in selectors.DESK_TABS.items()]
    return render(
        request,
        "lending/loans/desk.html",
        {"page_obj": page, "tab": tab, "tabs": tabs, "today": today},
    )
