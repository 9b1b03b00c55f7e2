"""The monthly complaint summary (客户月投诉统计表, R41): every figure against a hand-counted
month with complaints just inside and just outside it in Asia/Shanghai time, the snapshot, who
compiles it and who is told, the monthly schedule, the PDF and the spreadsheet."""

import datetime
import io
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Notification
from core.roles import Role
from core.workflow import DomainError
from records.models import Complaint
from reports.complaints import selectors, services
from reports.complaints.pdf import render_summary_pdf
from reports.complaints.xlsx import summary_sheet
from reports.models import ComplaintSummary

from ..factories import user_with_role
from . import factories as f
from .factories import at

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(at(2026, 6, 3, 10, 0))]

C = Complaint.Category
MAY = datetime.date(2026, 5, 1)
H = datetime.timedelta(hours=1)


@pytest.fixture
def may():
    """May 2026, hand-counted: five complaints in it, one a minute before, one at midnight
    after; closed after exactly 24 h, exactly 72 h, 100 h and 200 h, one still open."""
    _centre_a, estate_a = f.centre_with_estate("A")
    _centre_b, estate_b = f.centre_with_estate("B")
    a = f.dossier_in(estate_a)
    b, secret = f.dossier_in(estate_b), f.dossier_in(estate_b, secrecy="B")
    first = f.complaint(a, at(2026, 5, 1, 0, 0, 10), closed=at(2026, 5, 2, 0, 0, 10))
    f.visited(first, datetime.date(2026, 5, 3))
    second = f.complaint(a, at(2026, 5, 10, 9, 0), closed=at(2026, 5, 13, 9, 0))
    f.visited(second, datetime.date(2026, 5, 14))
    fire_at = at(2026, 5, 31, 23, 59, 59)
    fire = f.complaint(b, fire_at, category=C.FIRE, closed=fire_at + 100 * H)
    f.visited(fire, datetime.date(2026, 6, 2))  # visited in June, before the count
    charges_at = at(2026, 5, 15, 9, 0)
    charges = f.complaint(secret, charges_at, category=C.CHARGES, closed=charges_at + 200 * H)
    written = f.complaint(a, at(2026, 5, 20, 9, 0), category=C.SERVICE, is_written=True)
    f.visited(f.complaint(a, at(2026, 4, 30, 23, 59)), datetime.date(2026, 5, 2))
    f.complaint(b, at(2026, 6, 1, 0, 0), category=C.FIRE)
    return {"a": a, "secret": secret, "charges": charges, "written": written}


def test_the_month_is_summarised_inside_its_bounds_in_shanghai_time__R41(may):
    with CaptureQueriesContext(connection) as queries:
        figures = selectors.monthly_figures(MAY)
    assert len(queries) == 5
    assert figures["month"] == "2026-05"
    total = figures["total"]
    assert {k: total[k] for k in ("complaints", "general", "major", "written")} == {
        "complaints": 5,
        "general": 4,
        "major": 1,
        "written": 1,
    }
    assert (total["closed"], total["open"]) == (4, 1)
    assert (total["return_visited"], total["without_return_visit"]) == (3, 2)
    assert total["return_visit_rate"] == 60.0
    # the time to close: 24, 72, 100 and 200 hours
    assert total["close_hours_average"] == 99.0
    assert total["close_hours_median"] == 86.0
    assert total["buckets"] == {
        "within_1_day": 1,  # exactly 24 h is within a day
        "within_3_days": 1,  # exactly 72 h within three
        "within_7_days": 1,
        "over_7_days": 1,
    }
    # by category, in the order of the form, only those with complaints
    assert [
        (c["category"], c["complaints"], c["major"], c["closed"], c["return_visited"])
        for c in figures["categories"]
    ] == [
        ("service", 1, 0, 0, 0),
        ("noise", 2, 0, 2, 2),
        ("charges", 1, 0, 1, 0),
        ("fire", 1, 1, 1, 1),
    ]
    averages = {c["category"]: c["close_hours_average"] for c in figures["categories"]}
    assert averages == {"service": None, "noise": 48.0, "charges": 200.0, "fire": 100.0}
    # by estate, every estate, the confidential dossier's complaint counted in its estate
    assert [
        (
            e["code"],
            e["complaints"],
            e["major"],
            e["closed"],
            e["return_visited"],
            e["return_visit_rate"],
        )
        for e in figures["estates"]
    ] == [("EA", 3, 0, 2, 2, 66.6), ("EB", 2, 1, 2, 1, 50.0)]


def test_a_month_without_complaints_has_no_rates_and_no_times__R41():
    f.centre_with_estate("A")
    total = selectors.monthly_figures(MAY)["total"]
    assert total["complaints"] == 0 and total["return_visit_rate"] is None
    assert total["close_hours_average"] is None and total["close_hours_median"] is None


def test_the_summary_is_kept_as_counted_and_the_managers_are_told__R41(may):
    manager, other_manager = user_with_role(Role.MANAGER), user_with_role(Role.MANAGER)
    front_desk = user_with_role(Role.FRONT_DESK)
    with pytest.raises(PermissionDenied):
        services.summary_compile(month=MAY, actor=front_desk)
    with pytest.raises(PermissionDenied):
        services.summary_compile(month=MAY, actor=user_with_role(Role.ARCHIVIST))
    summary = services.summary_compile(month=MAY, actor=manager)
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {manager.username, other_manager.username}
    note = Notification.objects.get(recipient=other_manager)
    shown = note.display_message  # the line, as its reader (in English here) reads it
    assert "2026-05" in shown and "still waiting for a return visit: 2" in shown
    # later: the written complaint visited and closed, a complaint back-entered in May
    f.visited(may["written"], datetime.date(2026, 6, 3))
    Complaint.objects.filter(pk=may["written"].pk).update(
        status=Complaint.Status.CLOSED, closed_at=at(2026, 6, 3, 9, 0)
    )
    f.complaint(may["a"], at(2026, 5, 5, 9, 0))
    summary.refresh_from_db()
    assert summary.figures["total"]["complaints"] == 5
    assert summary.figures["total"]["return_visited"] == 3
    again = services.summary_compile(month=MAY, actor=manager)
    assert again.figures["total"]["complaints"] == 6
    assert again.figures["total"]["return_visited"] == 4
    assert ComplaintSummary.objects.filter(month=MAY).first() == again


def test_a_month_still_to_come_or_not_a_month_is_refused__R41():
    manager = user_with_role(Role.MANAGER)
    for wrong in ("2026-07", "2026-13", "May", 202605, "1989-12"):
        with pytest.raises(DomainError):
            services.summary_compile(month=wrong, actor=manager)
    assert services.check_month("2026-05") == MAY == services.check_month("2026-05-01")


@pytest.mark.frozen_at(at(2026, 6, 1, 6, 30))
def test_the_schedule_counts_the_month_before_on_the_first__R41(may, settings):
    from celery.schedules import crontab

    from reports.complaints.tasks import compile_complaint_summary

    entry = settings.CELERY_BEAT_SCHEDULE["reports-monthly-complaint-summary"]
    assert entry["task"] == "reports.compile_complaint_summary"
    assert entry["schedule"] == crontab(minute=30, hour=6, day_of_month=1)
    pk = compile_complaint_summary.apply().get()  # as beat sends it
    summary = ComplaintSummary.objects.get(pk=pk)
    assert (summary.month, summary.computed_by, summary.source) == (MAY, None, "schedule")
    assert summary.figures["total"]["complaints"] == 5


def test_the_page_button_queues_the_count_after_the_commit__R41(
    may, django_capture_on_commit_callbacks
):
    manager = user_with_role(Role.MANAGER)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.summary_request(month="2026-05", actor=manager)
    assert not ComplaintSummary.objects.exists() and len(queued) == 1
    queued[0]()
    summary = ComplaintSummary.objects.get()
    assert (summary.month, summary.computed_by) == (MAY, manager)


def test_the_followers_list_is_what_the_reader_may_see__R41__R43(may):
    from customers.permissions import grant_dossier

    manager = user_with_role(Role.MANAGER)
    assert [c.pk for c in selectors.waiting_for_return_visit(user=manager, month=MAY)] == [
        may["written"].pk
    ]
    grant_dossier(manager, may["secret"])
    assert [c.pk for c in selectors.waiting_for_return_visit(user=manager, month=MAY)] == [
        may["charges"].pk,
        may["written"].pk,
    ]


# --- The PDF and the spreadsheet -----------------------------------------------------------
def test_the_pdf_holds_the_headings_and_the_numbers__R41(may):
    summary = services.summary_compile(month=MAY, actor=user_with_role(Role.MANAGER))
    summary = ComplaintSummary.objects.select_related("computed_by").get(pk=summary.pk)
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=render_summary_pdf(summary),
        capture_output=True,
        check=True,
    ).stdout.decode()
    for heading in (
        "客户月投诉统计表",
        "2026年5月",
        "一、本月概况",
        "二、按类别",
        "三、结案时长",
        "四、按小区",
        "重大投诉",
        "回访率",
        "各类投诉数",
        "客服部经理",
    ):
        assert heading in text, heading
    lines = text.splitlines()
    totals = next(line for line in lines if line.strip().endswith("60%"))
    assert totals.split() == ["5", "4", "1", "1", "4", "1", "3", "2", "60%"]
    assert "平均结案时长：99 小时" in text and "结案时长中位数：86 小时" in text
    noise = next(line for line in lines if line.strip().startswith("噪声扰民"))
    assert noise.split()[1:] == ["2", "0", "2", "2", "48"]
    estate = next(line for line in lines if line.strip().startswith("B花园"))
    assert estate.split()[2:] == ["2", "1", "2", "1", "50%"]
    assert "尚有 2 件投诉待回访" in text


def test_the_spreadsheet_has_the_totals_categories_and_estates__R41(may):
    from openpyxl import load_workbook

    from core.exports import xlsx_response

    summary = services.summary_compile(month=MAY, actor=user_with_role(Role.MANAGER))
    header, rows = summary_sheet(summary)
    sheet = load_workbook(io.BytesIO(xlsx_response("c.xlsx", header, rows).content)).active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][:3] == ("Month", "Line", "Complaints")
    assert cells[1] == ("2026-05", "All complaints", 5, 1, 4, 3, 60, 99)
    by_line = {row[1]: row for row in cells[1:]}
    assert by_line["Category: Noise"][2:6] == (2, 0, 2, 2)
    assert by_line["Estate: B花园"][2:7] == (2, 1, 2, 1, 50)
    assert by_line["Closed: More than 7 days"][4] == 1
    assert by_line["Median hours to close"][7] == 86
