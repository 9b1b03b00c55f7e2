"""The statistics pages, the complaint summary's pages and the dashboard (R40, R41): what each
reader sees, the charts' data in the page beside their tables, constant queries, the buttons
that queue the counts, bad input answered on the page, downloads logged."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AccessLog
from core.roles import Role
from reports.complaints import services as complaint_services
from reports.models import ComplaintSummary, YearlyStatistics
from reports.statistics import services

from ..factories import user_with_role
from . import factories as f
from .factories import at

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(at(2026, 6, 3, 10, 0))]


@pytest.fixture
def data():
    _centre, estate = f.centre_with_estate("A")
    dossier = f.dossier_in(estate)
    f.filed(dossier, at(2026, 2, 1, 9, 0))
    f.visited(f.complaint(dossier, at(2026, 5, 2, 9, 0)), datetime.date(2026, 5, 4))
    f.complaint(dossier, at(2026, 5, 3, 9, 0), category="fire")
    f.lent(dossier, at(2026, 5, 6, 9, 0))
    return {"dossier": dossier, "estate": estate}


def _chart(response, key):
    match = re.search(
        rf'<script id="{key}-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, key
    return json.loads(match.group(1))


def _logged_in(client, role):
    user = user_with_role(role)
    client.force_login(user)
    return user


# --- Yearly statistics ---------------------------------------------------------------------
def test_the_statistics_page_shows_the_latest_count_its_chart_and_the_earlier_ones__R40(
    client, data
):
    archivist = _logged_in(client, Role.ARCHIVIST)
    earlier = services.statistics_compile(year=2026, actor=archivist)
    f.filed(data["dossier"], at(2026, 3, 1, 9, 0))
    latest = services.statistics_compile(year=2026)
    response = client.get(reverse("reports:statistics"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Archive statistics 2026" in page and "A服务中心" in page
    assert reverse("reports:statistics_snapshot", args=[earlier.pk]) in page
    assert reverse("reports:statistics_pdf", args=[latest.pk]) in page
    chart = _chart(response, "year-figures")
    assert chart["labels"][2] == "Documents filed" and chart["datasets"][0]["data"][2] == 2
    assert 'data-testid="table-year-figures"' in page  # the table beside the chart
    # the earlier count, with a pointer to the latest
    response = client.get(reverse("reports:statistics_snapshot", args=[earlier.pk]))
    assert _chart(response, "year-figures")["datasets"][0]["data"][2] == 1
    assert 'data-testid="newer-snapshot"' in response.content.decode()


def test_the_statistics_page_asks_the_same_queries_however_many_counts__R40(client, data):
    _logged_in(client, Role.EXECUTIVE)
    services.statistics_compile(year=2026)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("reports:statistics")).status_code == 200
    for code in "BCDEFG":
        f.centre_with_estate(code)
    for _i in range(6):
        services.statistics_compile(year=2026)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("reports:statistics"))
    assert len(few) == len(many)
    assert len(_chart(response, "dossiers-by-status")["labels"]) == 7


def test_the_count_button_queues_the_year_and_refuses_bad_input__R40(
    client, data, django_capture_on_commit_callbacks
):
    _logged_in(client, Role.ARCHIVIST)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:statistics_compute"), {"year": "2026"})
    assert response.status_code == 302 and response.url.endswith("?year=2026")
    assert YearlyStatistics.objects.get().year == 2026
    for wrong in ("2027", "abc", ""):
        response = client.post(reverse("reports:statistics_compute"), {"year": wrong}, follow=True)
        assert response.status_code == 200 and "alert-danger" in response.content.decode()
    assert YearlyStatistics.objects.count() == 1
    # a wrong year asked of the page is an error beside the field, not a 500
    response = client.get(reverse("reports:statistics"), {"year": "20x6"})
    assert response.status_code == 200 and 'data-testid="error-year"' in response.content.decode()


def test_who_reads_and_who_counts_the_statistics__R40(client, data):
    _logged_in(client, Role.MANAGER)
    assert client.get(reverse("reports:statistics")).status_code == 200
    assert 'data-testid="compute"' not in client.get(reverse("reports:statistics")).content.decode()
    assert client.post(reverse("reports:statistics_compute"), {"year": "2026"}).status_code == 403
    _logged_in(client, Role.FRONT_DESK)
    assert client.get(reverse("reports:statistics")).status_code == 403
    assert AccessLog.objects.filter(action=AccessLog.Action.DENIED).exists()


def test_the_downloads_are_logged__R40(client, data):
    user = _logged_in(client, Role.EXECUTIVE)
    snapshot = services.statistics_compile(year=2026)
    pdf = client.get(reverse("reports:statistics_pdf", args=[snapshot.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    xlsx = client.get(reverse("reports:statistics_xlsx", args=[snapshot.pk]))
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    actions = set(AccessLog.objects.filter(user=user).values_list("action", flat=True))
    assert {AccessLog.Action.PRINT, AccessLog.Action.EXPORT} <= actions
    assert client.get(reverse("reports:statistics_pdf", args=[snapshot.pk + 99])).status_code == 404


# --- The dashboard -------------------------------------------------------------------------
def test_the_dashboard_draws_what_the_reader_may_read__R40__R41(client, data):
    _logged_in(client, Role.MANAGER)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    complaints = _chart(response, "complaints-by-month")
    assert complaints["labels"][-1] == "June 2026" and len(complaints["labels"]) == 12
    may = complaints["labels"].index("May 2026")
    assert [d["data"][may] for d in complaints["datasets"]] == [2, 1, 1]
    loans = _chart(response, "loans-by-month")
    assert loans["datasets"][0]["data"][may] == 1
    dossiers = _chart(response, "dossiers-by-status")
    assert dossiers["labels"] == ["A服务中心"] and dossiers["stacked"]
    page = response.content.decode()
    for key in ("complaints-by-month", "loans-by-month", "dossiers-by-status"):
        assert f'id="{key}-table"' in page  # each chart's table
    assert "vendor/chartjs/chart.umd.min.js" in page and "js/charts.js" in page
    assert "<script>" not in page  # no inline script (the CSP)
    # the front desk reads the complaints, not the archive's statistics
    _logged_in(client, Role.FRONT_DESK)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert "complaints-by-month-data" in page and "loans-by-month-data" not in page
    assert f'href="{reverse("reports:dashboard")}"' in page  # and reach it from the menu
    _logged_in(client, Role.WITNESS)
    page = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("reports:dashboard")}"' not in page
    assert client.get(reverse("reports:dashboard")).status_code == 403


def test_the_dashboard_of_one_centre_and_its_constant_queries__R40__R41(client, data):
    _logged_in(client, Role.EXECUTIVE)
    other, estate = f.centre_with_estate("B")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:dashboard"))
    for i in range(8):
        dossier = f.dossier_in(estate)
        f.complaint(dossier, at(2026, 4, i + 1, 9, 0))
        f.lent(dossier, at(2026, 4, i + 1, 9, 0))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("reports:dashboard"))
    assert len(few) == len(many)
    april = _chart(response, "complaints-by-month")["labels"].index("April 2026")
    assert _chart(response, "complaints-by-month")["datasets"][0]["data"][april] == 8
    response = client.get(reverse("reports:dashboard"), {"centre": other.pk})
    assert _chart(response, "complaints-by-month")["datasets"][0]["data"][-2] == 0  # May: A's
    assert _chart(response, "dossiers-by-status")["labels"] == ["B服务中心"]
    response = client.get(reverse("reports:dashboard"), {"centre": "x"})
    assert response.status_code == 200 and 'data-testid="error-centre"' in response.content.decode()


# --- The complaint summary -----------------------------------------------------------------
def test_the_summary_page_shows_the_month_its_charts_and_the_visits_owed__R41(client, data):
    manager = _logged_in(client, Role.MANAGER)
    summary = complaint_services.summary_compile(month=datetime.date(2026, 5, 1), actor=manager)
    response = client.get(reverse("reports:complaint_summary"))  # the month before by default
    assert response.status_code == 200
    page = response.content.decode()
    assert "Complaint summary May 2026" in page
    assert 'data-testid="total-complaints">2<' in page
    assert reverse("reports:complaint_summary_pdf", args=[summary.pk]) in page
    categories = _chart(response, "complaints-by-category")
    assert categories["labels"] == ["Noise", "Fire"]
    assert _chart(response, "time-to-close")["datasets"][0]["data"][-1] == 2  # both open
    assert _chart(response, "complaints-by-estate")["labels"] == ["A花园"]
    # followed by the return visits still owed: the fire complaint
    waiting = re.findall(r'data-testid="waiting-(\d+)"', page)
    assert len(waiting) == 1


def test_the_summary_pages_queries_and_bad_months__R41(client, data):
    manager = _logged_in(client, Role.MANAGER)
    month = datetime.date(2026, 5, 1)
    complaint_services.summary_compile(month=month, actor=manager)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:complaint_summary"))
    for i in range(6):
        f.complaint(data["dossier"], at(2026, 5, 10 + i, 9, 0))
        complaint_services.summary_compile(month=month, actor=manager)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("reports:complaint_summary"))
    assert len(few) == len(many)
    for wrong in ("2026-13", "2026-07", "x"):
        response = client.get(reverse("reports:complaint_summary"), {"month": wrong})
        assert response.status_code == 200, wrong
        assert 'data-testid="error-month"' in response.content.decode(), wrong


def test_the_summary_button_and_who_may_press_it__R41(
    client, data, django_capture_on_commit_callbacks
):
    _logged_in(client, Role.FRONT_DESK)
    assert client.get(reverse("reports:complaint_summary")).status_code == 200
    url = reverse("reports:complaint_summary_compute")
    assert client.post(url, {"month": "2026-05"}).status_code == 403
    _logged_in(client, Role.MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"month": "2026-05"})
    assert response.status_code == 302 and response.url.endswith("?month=2026-05")
    assert ComplaintSummary.objects.get().month == datetime.date(2026, 5, 1)
    response = client.post(url, {"month": "2026-99"}, follow=True)
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    _logged_in(client, Role.ARCHIVIST)
    assert client.get(reverse("reports:complaint_summary")).status_code == 403
