"""Security-matrix expectations of the statistics pages, the dashboard and the monthly
complaint summary (R40, R41; merged in matrix.py).

The statistics are counts and name no dossier: they are read by role, not by the sight of
dossiers. The yearly statistics: managers, archivists, executives, administrators; counted on
demand by the archive room. The complaint summary: the front desk (the "granted" and
"ungranted" users are front desk too), managers, executives, administrators; counted on demand
by managers. The dashboard: whoever reads either. The buttons answer only POST."""

from django.utils import timezone

from core.roles import Role

from .matrix import Expect, only

STATISTICS = (Role.MANAGER, Role.ARCHIVIST, Role.EXECUTIVE, Role.ADMIN)
COMPLAINTS = (Role.FRONT_DESK, Role.MANAGER, Role.EXECUTIVE, Role.ADMIN)
FRONT_DESK_USERS = {"ungranted": 200, "granted": 200}


def _statistics(o):
    from reports.models import YearlyStatistics
    from reports.statistics.selectors import yearly_figures

    return {
        "pk": YearlyStatistics.objects.create(
            year=2026,
            figures=yearly_figures(2026),
            computed_at=timezone.now(),
            source="schedule",
        ).pk
    }


def _summary(o):
    import datetime

    from reports.complaints.selectors import monthly_figures
    from reports.models import ComplaintSummary

    month = datetime.date(2026, 1, 1)
    return {
        "pk": ComplaintSummary.objects.create(
            month=month,
            figures=monthly_figures(month),
            computed_at=timezone.now(),
            source="schedule",
        ).pk
    }


EXPECTATIONS: dict[str, Expect] = {
    "reports:dashboard": only(*STATISTICS, *COMPLAINTS, users=FRONT_DESK_USERS),
    "reports:statistics": only(*STATISTICS),
    "reports:statistics_compute": Expect(default=405),
    **{
        f"reports:statistics_{page}": only(*STATISTICS, kwargs=_statistics)
        for page in ("snapshot", "pdf", "xlsx")
    },
    "reports:complaint_summary": only(*COMPLAINTS, users=FRONT_DESK_USERS),
    "reports:complaint_summary_compute": Expect(default=405),
    **{
        f"reports:complaint_summary_{page}": only(
            *COMPLAINTS, kwargs=_summary, users=FRONT_DESK_USERS
        )
        for page in ("snapshot", "pdf", "xlsx")
    },
}
