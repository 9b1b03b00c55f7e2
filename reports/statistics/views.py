"""The statistics pages (R40) and the dashboard: parse → gate → one selector or service →
render. The counts are never computed in a request: the button queues the task."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions as gate
from core.exports import pdf_response, xlsx_response
from core.models import AccessLog
from core.services import log_access
from core.workflow import DomainError

from ..complaints import permissions as complaint_permissions
from ..complaints.permissions import summary_visible_to
from . import charts, selectors, services
from .forms import CentreForm, YearForm
from .pdf import render_statistics_pdf
from .permissions import (
    VIEW_STATISTICS,
    access_statistics_or_404,
    can_compile,
    can_view,
    statistics_visible_to,
)
from .xlsx import statistics_sheet

EARLIER = 20  # earlier snapshots of the year listed


def _page(request, snapshot, *, year, form):
    user = request.user
    snapshots = statistics_visible_to(user).filter(year=year).select_related("computed_by")
    earlier = [s for s in snapshots[: EARLIER + 1] if snapshot is None or s.pk != snapshot.pk]
    years = sorted(
        {year, *statistics_visible_to(user).order_by().values_list("year", flat=True).distinct()},
        reverse=True,
    )
    context = {
        "form": form,
        "year": year,
        "years": years,
        "snapshot": snapshot,
        "latest": snapshots.first() if snapshot is not None else None,
        "earlier": earlier[:EARLIER],
        "can_compile": can_compile(user),
        "this_year": timezone.localdate().year,
    }
    if snapshot is not None:
        context.update(charts.statistics_page(snapshot))
    return render(request, "reports/statistics/statistics.html", context)


def statistics(request):
    """The latest snapshot of the year asked for (this year by default), the earlier ones."""
    gate.require(request.user, VIEW_STATISTICS, request=request)
    form = YearForm(request.GET or None)
    year = form.chosen()
    snapshot = (
        statistics_visible_to(request.user).filter(year=year).select_related("computed_by").first()
    )
    return _page(request, snapshot, year=year, form=form)


def statistics_snapshot(request, pk):
    snapshot = access_statistics_or_404(request.user, pk, request=request)
    return _page(request, snapshot, year=snapshot.year, form=YearForm())


@require_POST
def statistics_compute(request):
    """Queue the counting of a year; the task tells the user when the snapshot is ready."""
    year = request.POST.get("year", "")
    try:
        year = services.statistics_request(year=year, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("reports:statistics")
    messages.success(
        request,
        _(
            "The statistics of %(year)s are being counted; you will be told when they are "
            "ready. Reload this page in a moment."
        )
        % {"year": year},
    )
    return redirect(f"{reverse('reports:statistics')}?year={year}")


def statistics_pdf(request, pk):
    snapshot = access_statistics_or_404(request.user, pk, request=request)
    log_access(request.user, snapshot, AccessLog.Action.PRINT, request=request)
    return pdf_response(
        render_statistics_pdf(snapshot), f"statistics-{snapshot.year}-{snapshot.pk}.pdf"
    )


def statistics_xlsx(request, pk):
    snapshot = access_statistics_or_404(request.user, pk, request=request)
    log_access(request.user, snapshot, AccessLog.Action.EXPORT, request=request)
    header, rows = statistics_sheet(snapshot)
    return xlsx_response(
        f"statistics-{snapshot.year}-{snapshot.pk}.xlsx",
        header,
        rows,
        title=f"档案资料统计{snapshot.year}",
    )


# --- The dashboard -------------------------------------------------------------------------
def dashboard(request):
    """The charts of what the user may read: complaints by month (complaint summary readers),
    loans out and overdue and the dossiers by status (statistics readers), company-wide or for
    one service centre, with the latest snapshots."""
    user = request.user
    sees_statistics = can_view(user)
    sees_complaints = complaint_permissions.can_view(user)
    if not (sees_statistics or sees_complaints):
        gate.require(user, VIEW_STATISTICS, request=request)  # refused, and logged
    form = CentreForm(request.GET or None)
    centre = form.chosen()
    today = timezone.localdate()
    context = {"form": form, "centre": centre, "charts": []}
    if sees_complaints:
        context["charts"].append(
            charts.complaints_by_month(selectors.complaints_by_month(today=today, centre=centre))
        )
        context["latest_summary"] = summary_visible_to(user).select_related("computed_by").first()
    if sees_statistics:
        loans = selectors.loans_by_month(today=today, centre=centre)
        context["loans_now"] = selectors.loans_now(today=today, centre=centre)
        context["charts"].append(charts.loans_by_month(loans))
        context["charts"].append(charts.dossiers_by_status(selectors.dossier_status_rows(centre)))
        context["latest_statistics"] = (
            statistics_visible_to(user).select_related("computed_by").first()
        )
    context["sees_statistics"] = sees_statistics
    context["sees_complaints"] = sees_complaints
    return render(request, "reports/statistics/dashboard.html", context)
