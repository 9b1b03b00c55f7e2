"""The copies pages (R26, R19): parse → access → service → render."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import permissions as gate
from core.workflow import DomainError
from documents.permissions import log_documents_shown

from ..models import Loan, Mode
from ..moves import COPIES, LOANS
from ..permissions import HAND_OUT, access_loan_or_404
from ..returns.permissions import log_loans_shown
from ..returns.views import page_refusal
from ..rules import active_rules, verdict
from . import selectors, services
from .forms import CopiesMakeForm, CopyCloseForm, CopyFilterForm
from .permissions import VIEW_COPY, access_copy_or_404

PAGE_SIZE = 25


def copies_make(request, pk):
    loan = access_loan_or_404(
        request.user,
        pk,
        perm=HAND_OUT,
        request=request,
        queryset=Loan.objects.select_related("borrower"),
    )
    if refused := page_refusal(request, LOANS, loan, "make_copies"):
        return refused
    documents = [
        i.document
        for i in loan.items.select_related("document__dossier", "document__category").order_by("pk")
    ]
    log_documents_shown(
        request.user, documents, request=request, dossier_logged=loan.dossier.is_confidential
    )
    rules = active_rules()
    personal = {
        d.pk
        for d in documents
        if loan.personal_data
        or verdict(d, Mode.COPY, whole_dossier=loan.whole_dossier, rules=rules).personal_data
    }
    form = CopiesMakeForm(request.POST or None, loan=loan, documents=documents)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.copies_make(loan=loan, actor=request.user, copies=form.copies())
        except services.CopiesRefused as exc:
            form.add_row_errors(exc.errors)
            form.add_error(None, str(exc))
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            held = sum(1 for c in made if c.status == c.Status.HELD)
            said = ngettext(
                "%(n)s copy record registered.", "%(n)s copy records registered.", len(made)
            ) % {"n": len(made)}
            if held:
                said += " " + ngettext(
                    "%(held)s is followed (personal data).",
                    "%(held)s are followed (personal data).",
                    held,
                ) % {"held": held}
            messages.success(request, said)
            return redirect("lending:loan_detail", pk=loan.pk)
    return render(
        request,
        "lending/copies/make.html",
        {"loan": loan, "form": form, "rows": form.rows(), "personal": personal},
    )


def copy_list(request):
    gate.require(request.user, VIEW_COPY, request=request)
    form = CopyFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.copy_register(
        user=request.user,
        status=filters.get("status", ""),
        held_by=request.user if filters.get("mine") else None,
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    log_loans_shown(request.user, [c.loan for c in page], request=request)
    log_documents_shown(
        request.user,
        [c.document for c in page if c.document_seen],
        request=request,
        dossier_logged=True,
    )
    return render(
        request,
        "lending/copies/list.html",
        {
            "form": form,
            "page_obj": page,
            # every close needs the same right on a copy the list already shows (COPIES)
            "can_close": gate.can(request.user, COPIES.moves["returned"].perm),
            "close_form": CopyCloseForm(),
        },
    )


@require_POST
def copy_close(request, pk):
    copy = access_copy_or_404(request.user, pk, request=request)
    form = CopyCloseForm(request.POST)
    if form.is_valid():
        try:
            services.copy_close(
                copy=copy,
                actor=request.user,
                to=form.cleaned_data["to"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Copy returned to the archive room.")
                if form.cleaned_data["to"] == "returned"
                else _("Copy recorded as destroyed."),
            )
            return redirect("lending:copy_list")
    # what was typed stays, with the errors beside it
    return render(request, "lending/copies/close.html", {"copy": copy, "form": form})
