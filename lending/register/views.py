"""The loan register page (档案借阅登记表): the period, then the PDF or the spreadsheet.

Printed by those who see every loan (``lending.view_all_loans``: the archive room, managers,
executives, the legal department), with the loans of the dossiers they may see. Every print and
export is logged, and each row of a confidential dossier (or showing a confidential document) is
logged as a read of that loan (R21).
"""

from django.shortcuts import render

from core import permissions as gate
from core.exports import pdf_response
from core.models import AccessLog
from core.services import log_access

from ..models import Loan
from ..permissions import VIEW_ALL
from . import selectors
from .forms import RegisterPeriodForm
from .pdf import render_loan_register_pdf
from .xlsx import loan_register_xlsx_response


def _noting_confidential(rows, shown: list):
    for row in rows:
        if row["confidential"]:
            shown.append(row["pk"])
        yield row


def _log(request, action, shown, *, date_from, date_to):
    what = "pdf" if action == AccessLog.Action.PRINT else "xlsx"
    detail = f"loan register {date_from:%Y-%m-%d}..{date_to:%Y-%m-%d} {what}"
    log_access(request.user, None, action, detail=detail, request=request)
    for loan in Loan.objects.filter(pk__in=shown).select_related("dossier"):
        log_access(request.user, loan, action, detail="loan register", request=request)


def loan_register(request):
    gate.require(request.user, VIEW_ALL, request=request)
    form = RegisterPeriodForm(request.GET or None)
    context = {"form": form}
    if form.is_valid():
        period = {k: form.cleaned_data[k] for k in ("date_from", "date_to")}
        output = request.GET.get("format")
        if output in ("pdf", "xlsx"):
            shown: list[int] = []
            rows = _noting_confidential(selectors.register_rows(user=request.user, **period), shown)
            if output == "pdf":
                content = render_loan_register_pdf(
                    rows,
                    printed_by=request.user.get_full_name() or request.user.username,
                    **period,
                )
                name = f"loan-register-{period['date_from']:%Y%m%d}-{period['date_to']:%Y%m%d}"
                response = pdf_response(content, f"{name}.pdf")
                _log(request, AccessLog.Action.PRINT, shown, **period)
            else:
                response = loan_register_xlsx_response(rows, **period)
                _log(request, AccessLog.Action.EXPORT, shown, **period)
            return response
        context["count"] = selectors.register_count(user=request.user, **period)
        context["period"] = period
    return render(request, "lending/register/register.html", context)
