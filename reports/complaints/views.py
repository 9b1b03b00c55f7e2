"""The monthly complaint summary's pages (R41): parse → gate → one selector or service →
render. The counts are never computed in a request: the button queues the task."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions as gate
from core.exports import pdf_response, xlsx_response
from core.models import AccessLog
from core.services import log_access
from core.workflow import DomainError

from . import charts, selectors, services
from .forms import MonthForm
from .pdf import render_summary_pdf
from .permissions import VIEW_COMPLAINTS, access_summary_or_404, can_compile, summary_visible_to
from .xlsx import summary_sheet

EARLIER = 20


def _page(request, summary, *, month, form):
    user = request.user
    summaries = summary_visible_to(user).filter(month=month).select_related("computed_by")
    earlier = [s for s in summaries[: EARLIER + 1] if summary is None or s.pk != summary.pk]
    context = {
        "form": form,
        "month": month,
        "summary": summary,
        "latest": summaries.first() if summary is not None else None,
        "earlier": earlier[:EARLIER],
        "can_compile": can_compile(user),
        # what the summary is followed by: the return visits still owed (R41, R43)
        "waiting": selectors.waiting_for_return_visit(user=user, month=month),
    }
    if summary is not None:
        context.update(charts.summary_page(summary))
    return render(request, "reports/complaints/summary.html", context)


def summary(request):
    """The latest summary of the month asked for (the month before by default)."""
    gate.require(request.user, VIEW_COMPLAINTS, request=request)
    form = MonthForm(request.GET or None)
    month = form.chosen()
    latest = summary_visible_to(request.user).filter(month=month)
    return _page(request, latest.select_related("computed_by").first(), month=month, form=form)


def summary_snapshot(request, pk):
    summary = access_summary_or_404(request.user, pk, request=request)
    return _page(request, summary, month=summary.month, form=MonthForm())


@require_POST
def summary_compute(request):
    try:
        month = services.summary_request(month=request.POST.get("month", ""), actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("reports:complaint_summary")
    messages.success(
        request,
        _(
            "The complaint summary of %(month)s is being counted; you will be told when it is "
            "ready. Reload this page in a moment."
        )
        % {"month": f"{month:%Y-%m}"},
    )
    return redirect(f"{reverse('reports:complaint_summary')}?month={month:%Y-%m}")


def summary_pdf(request, pk):
    summary = access_summary_or_404(request.user, pk, request=request)
    log_access(request.user, summary, AccessLog.Action.PRINT, request=request)
    return pdf_response(
        render_summary_pdf(summary), f"complaint-summary-{summary.month:%Y-%m}-{summary.pk}.pdf"
    )


def summary_xlsx(request, pk):
    summary = access_summary_or_404(request.user, pk, request=request)
    log_access(request.user, summary, AccessLog.Action.EXPORT, request=request)
    header, rows = summary_sheet(summary)
    return xlsx_response(
        f"complaint-summary-{summary.month:%Y-%m}-{summary.pk}.xlsx",
        header,
        rows,
        title=f"客户月投诉统计表{summary.month:%Y-%m}",
    )
