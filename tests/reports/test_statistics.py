"""The yearly statistics (R40): each count against a hand-counted year, with facts just inside
and just outside the year in Asia/Shanghai time; the snapshot that later edits leave alone;
who compiles and who is told; the PDF and the spreadsheet."""

import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Notification
from core.roles import Role
from core.workflow import DomainError
from destruction.models import Decision
from documents.models import Document
from lending.models import Notice
from records.models import Complaint
from reports.models import Source, YearlyStatistics
from reports.statistics import selectors, services
from reports.statistics.pdf import render_statistics_pdf
from reports.statistics.xlsx import statistics_sheet

from ..factories import user_with_role
from . import factories as f
from .factories import at

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(at(2026, 1, 10, 10, 0))]

L = Notice.Level


@pytest.fixture
def year_2025():
    """Two service centres' year 2025, hand-counted (the expected figures are in
    ``EXPECTED``), and a third centre with nothing in it."""
    centre_a, estate_a = f.centre_with_estate("A")
    centre_b, estate_b = f.centre_with_estate("B")
    f.centre_with_estate("C")
    a1, a2 = f.dossier_in(estate_a), f.dossier_in(estate_a)
    b1, b2 = f.dossier_in(estate_b), f.dossier_in(estate_b, secrecy="B")  # b2 confidential

    # moved out: a1 twice in the year (one dossier), a2 a minute outside each end, b2 in
    f.moved_out(a1, datetime.date(2025, 1, 1))
    f.moved_out(a1, datetime.date(2025, 12, 31))
    f.moved_out(a2, datetime.date(2024, 12, 31))
    f.moved_out(a2, datetime.date(2026, 1, 1))
    f.moved_out(b2, datetime.date(2025, 6, 30))

    # filed: 00:00:30 on 1 January is 2024 in UTC, 00:00 on 1 January 2026 is 2025 in UTC
    f.filed(a1, at(2025, 1, 1, 0, 0, 30), title="年初")
    f.filed(a1, at(2024, 12, 31, 23, 59), title="前一年末")
    f.filed(a1, at(2025, 12, 31, 23, 59, 59), title="年末")
    f.filed(a1, at(2026, 1, 1, 0, 0), title="下一年初")
    f.filed(b1, at(2025, 7, 1, 10, 0), title="年中")

    # received by the archive room: A's handover in June (two accepted, one missing); B's
    # signed by the centre on 31 December and by the archive room after midnight (2025), and
    # one completed ten minutes into 2026
    docs = [f.document_for(a1, title=f"移交{i}") for i in range(3)]
    f.handed_over(centre_a, docs[:2], missing=docs[2:], signed=at(2025, 6, 1, 15, 0))
    f.handed_over(centre_b, [f.document_for(b1)], signed=at(2025, 1, 1, 0, 5))
    f.handed_over(centre_b, [f.document_for(b1)], signed=at(2026, 1, 1, 0, 10))

    # appraised, kept, destroyed
    destroy, keep, undecided = (f.document_for(a1, title=t) for t in ("销", "留", "缓"))
    f.appraised(
        at(2025, 3, 1, 10, 0),
        [
            (destroy, Decision.DESTROY, at(2025, 4, 1, 10, 0)),
            (keep, Decision.KEEP, None),
            (undecided, Decision.UNDECIDED, None),
        ],
    )
    # approved an hour before the year, destroyed in it; approved in it, destroyed after
    f.appraised(
        at(2024, 12, 31, 23, 0),
        [(f.document_for(b1, title="旧"), Decision.DESTROY, at(2025, 1, 2, 9, 0))],
    )
    f.appraised(
        at(2025, 12, 31, 23, 30),
        [(f.document_for(b1, title="新"), Decision.DESTROY, at(2026, 1, 1, 0, 30))],
    )

    # loans: handed out in May (overdue, then escalated), one a minute before the year with
    # its overdue notice in the year, and B's on the last evening with only a reminder in it
    may = f.lent(a2, at(2025, 5, 1, 9, 0))
    f.notice(may, L.OVERDUE, datetime.date(2025, 5, 9))
    f.notice(may, L.ESCALATION, datetime.date(2025, 5, 17))
    before = f.lent(a2, at(2024, 12, 31, 23, 59))
    f.notice(before, L.OVERDUE, datetime.date(2025, 1, 8))
    late = f.lent(b1, at(2025, 12, 31, 23, 0))
    f.notice(late, L.REMINDER, datetime.date(2025, 12, 31))
    f.notice(late, L.ESCALATION, datetime.date(2026, 1, 1))

    # complaints and return visits
    first = f.complaint(a1, at(2025, 1, 1, 0, 5))
    f.visited(first, datetime.date(2025, 1, 3))
    f.visited(f.complaint(a1, at(2024, 12, 31, 23, 55)), datetime.date(2025, 1, 2))
    f.complaint(a2, at(2025, 7, 1, 9, 0), category=Complaint.Category.FIRE)
    last = f.complaint(b1, at(2025, 12, 31, 23, 59, 59))
    f.visited(last, datetime.date(2026, 1, 2))
    f.complaint(b1, at(2026, 1, 1, 0, 0))
    return {"A": centre_a, "B": centre_b, "dossier": a1}


EXPECTED = {
    "A": {
        "moved_out": 1,
        "received": 2,
        "filed": 2,
        "appraised": 3,
        "kept": 2,
        "destroyed": 1,
        "loans": 1,
        "overdue": 2,
        "escalated": 1,
        "complaints": 2,
        "return_visited": 1,
    },
    "B": {
        "moved_out": 1,
        "received": 1,
        "filed": 1,
        "appraised": 1,
        "kept": 0,
        "destroyed": 1,
        "loans": 1,
        "overdue": 0,
        "escalated": 0,
        "complaints": 1,
        "return_visited": 1,
    },
}


def _line(figures, code):
    return next(c for c in figures["centres"] if c["code"] == code)


def test_the_year_is_counted_per_centre_inside_its_bounds_in_shanghai_time__R40(year_2025):
    figures = selectors.yearly_figures(2025)
    assert [c["code"] for c in figures["centres"]] == ["A", "B", "C"]
    assert _line(figures, "A")["counts"] == EXPECTED["A"]
    assert _line(figures, "B")["counts"] == EXPECTED["B"]
    assert set(_line(figures, "C")["counts"].values()) == {0}
    assert _line(figures, "A")["return_visit_rate"] == 50.0
    assert _line(figures, "B")["return_visit_rate"] == 100.0
    assert _line(figures, "C")["return_visit_rate"] is None
    # the company's total is the sum of the centres
    total = figures["total"]["counts"]
    assert total == {k: EXPECTED["A"][k] + EXPECTED["B"][k] for k in EXPECTED["A"]}
    assert figures["total"]["return_visit_rate"] == 66.6
    # the dossiers by status when counted (the confidential one counted too)
    assert _line(figures, "B")["dossiers"] == {"vacant": 2, "pending": 0, "occupied": 0}
    assert figures["total"]["dossiers"]["vacant"] == 4


def test_the_neighbouring_years_get_the_facts_left_out__R40(year_2025):
    counts_2024 = selectors.yearly_figures(2024)["total"]["counts"]
    assert counts_2024["filed"] == 1 and counts_2024["loans"] == 1
    assert counts_2024["moved_out"] == 1 and counts_2024["complaints"] == 1
    assert counts_2024["appraised"] == 1 and counts_2024["destroyed"] == 0
    counts_2026 = selectors.yearly_figures(2026)["total"]["counts"]
    assert counts_2026["filed"] == 1 and counts_2026["received"] == 1
    assert counts_2026["destroyed"] == 1 and counts_2026["escalated"] == 1
    assert counts_2026["complaints"] == 1 and counts_2026["moved_out"] == 1


def test_the_counts_take_the_same_queries_however_much_there_is__R40(year_2025):
    with CaptureQueriesContext(connection) as few:
        selectors.yearly_figures(2025)
    centre, estate = f.centre_with_estate("D")
    for i in range(5):
        dossier = f.dossier_in(estate)
        f.filed(dossier, at(2025, 3, i + 1, 9, 0))
        f.complaint(dossier, at(2025, 3, i + 1, 9, 0))
        f.moved_out(dossier, datetime.date(2025, 4, i + 1))
    with CaptureQueriesContext(connection) as many:
        figures = selectors.yearly_figures(2025)
    assert len(few) == len(many) == 9  # one per table counted, the dossiers, the centres
    assert _line(figures, "D")["counts"]["filed"] == 5


def test_a_snapshot_is_kept_as_counted_and_a_new_count_makes_another__R40(year_2025):
    archivist = user_with_role(Role.ARCHIVIST)
    first = services.statistics_compile(year=2025, actor=archivist)
    # later edits: a document filed in 2025 after all, a complaint back-entered in 2025
    Document.objects.filter(title="年中").update(filed_at=at(2024, 6, 1, 9, 0))
    f.complaint(year_2025["dossier"], at(2025, 8, 1, 9, 0))
    first.refresh_from_db()
    assert _line(first.figures, "B")["counts"] == EXPECTED["B"]
    assert first.figures["total"]["counts"]["complaints"] == 3
    second = services.statistics_compile(year=2025, actor=archivist)
    assert second.pk != first.pk
    assert second.figures["total"]["counts"]["complaints"] == 4
    assert _line(second.figures, "B")["counts"]["filed"] == 0
    assert YearlyStatistics.objects.filter(year=2025).first() == second  # the latest first
    assert (first.computed_by, first.source) == (archivist, Source.DEMAND)
    # a snapshot is never changed
    with pytest.raises(DomainError):
        first.save()


def test_the_head_and_the_executives_are_told_and_only_the_archive_room_compiles__R40(year_2025):
    executive = user_with_role(Role.EXECUTIVE)
    head = user_with_role(Role.ARCHIVIST)
    head.user_permissions.add(Permission.objects.get(codename="lead_archive_room"))
    manager = user_with_role(Role.MANAGER)
    archivist = user_with_role(Role.ARCHIVIST)
    with pytest.raises(PermissionDenied):
        services.statistics_compile(year=2025, actor=manager)
    assert not YearlyStatistics.objects.exists()
    snapshot = services.statistics_compile(year=2025, actor=archivist)
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {executive.username, head.username, archivist.username}
    note = Notification.objects.get(recipient=executive)
    assert "2025" in note.display_message and f"/reports/statistics/{snapshot.pk}/" in note.link
    assert "dossiers moved out: 2" in note.display_message


def test_a_year_still_to_come_or_not_a_year_is_refused__R40():
    archivist = user_with_role(Role.ARCHIVIST)
    for wrong in (2027, "二〇二五", None, 1989):
        with pytest.raises(DomainError):
            services.statistics_compile(year=wrong, actor=archivist)
    assert not YearlyStatistics.objects.exists()


def test_asking_queues_the_count_after_the_commit_and_the_task_counts__R40(
    year_2025, django_capture_on_commit_callbacks
):
    archivist = user_with_role(Role.ARCHIVIST)
    with pytest.raises(PermissionDenied):
        services.statistics_request(year=2025, actor=user_with_role(Role.EXECUTIVE))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.statistics_request(year=2025, actor=archivist)
    assert not YearlyStatistics.objects.exists()  # nothing counted in the request
    assert len(queued) == 1
    queued[0]()  # the task, in-process
    snapshot = YearlyStatistics.objects.get()
    assert (snapshot.year, snapshot.computed_by, snapshot.source) == (2025, archivist, "demand")
    assert snapshot.task_id


def test_a_redelivered_task_finds_its_snapshot_and_tells_nobody_again__R40(year_2025):
    from reports.statistics.tasks import compile_yearly_statistics

    user_with_role(Role.EXECUTIVE)
    first = compile_yearly_statistics.apply(kwargs={"year": 2025}, task_id="redelivered").get()
    told = Notification.objects.count()
    again = compile_yearly_statistics.apply(kwargs={"year": 2025}, task_id="redelivered").get()
    assert first == again and YearlyStatistics.objects.count() == 1
    assert Notification.objects.count() == told == 1


@pytest.mark.frozen_at(at(2026, 12, 20, 6, 0))
def test_the_schedule_counts_the_year_before_31_december__R40(settings):
    from celery.schedules import crontab

    from reports.statistics.tasks import compile_yearly_statistics

    assert settings.STATISTICS_YEARLY_MONTH_DAY == (12, 20)
    entry = settings.CELERY_BEAT_SCHEDULE["reports-yearly-statistics"]
    assert entry["task"] == "reports.compile_yearly_statistics"
    assert entry["schedule"] == crontab(minute=0, hour=6, day_of_month=20, month_of_year=12)
    pk = compile_yearly_statistics.apply().get()  # as beat sends it: no arguments
    snapshot = YearlyStatistics.objects.get(pk=pk)
    assert (snapshot.year, snapshot.computed_by, snapshot.source) == (2026, None, "schedule")
    assert str(snapshot.computed_by_label) == "the schedule"


def test_the_setting_refuses_a_day_that_is_not_before_31_december__R40():
    import os
    import subprocess
    import sys

    from django.conf import settings

    for wrong in ("12-31", "13-01", "twelve", "12-20-1"):
        env = {**os.environ, "STATISTICS_YEARLY_MONTH_DAY": wrong, "DEBUG": "1"}
        done = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            env={**env, "DJANGO_SETTINGS_MODULE": "archive_project.settings"},
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode != 0 and "STATISTICS_YEARLY_MONTH_DAY" in done.stderr, wrong


# --- The PDF and the spreadsheet -----------------------------------------------------------
def _pdf_text(content):
    import subprocess

    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()


def test_the_pdf_holds_the_headings_the_centres_and_the_numbers__R40(year_2025):
    snapshot = services.statistics_compile(year=2025, actor=user_with_role(Role.ARCHIVIST))
    snapshot = YearlyStatistics.objects.select_related("computed_by").get(pk=snapshot.pk)
    content = render_statistics_pdf(snapshot)
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    for heading in (
        "档案资料年度统计表",
        "2025年度",
        "移出户数",
        "整理归档件数",
        "销毁件数",
        "逾期借阅",
        "回访率",
        "全公司合计",
        "统计口径",
        "2025年度全公司各项数目",
    ):
        assert heading in text, heading
    row_a = next(line for line in text.splitlines() if line.strip().startswith("A服务中心"))
    assert row_a.split()[1:] == ["1", "2", "2", "3", "2", "1", "1", "2", "1", "2", "1", "50%"]
    total = next(line for line in text.splitlines() if "全公司合计" in line)
    assert total.split()[1:] == ["2", "3", "3", "4", "2", "2", "2", "2", "1", "3", "2", "66.6%"]
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    fonts = {
        font["/BaseFont"] for page in reader.pages for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("Helvetica" not in str(name) for name in fonts)  # the CJK font only


def test_the_spreadsheet_has_a_row_per_centre_and_the_total_as_numbers__R40(year_2025):
    from openpyxl import load_workbook

    from core.exports import xlsx_response

    snapshot = services.statistics_compile(year=2025, actor=user_with_role(Role.ARCHIVIST))
    header, rows = statistics_sheet(snapshot)
    response = xlsx_response("s.xlsx", header, rows, title="档案资料统计2025")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][:4] == ("Year", "Service centre code", "Service centre", "Dossiers moved out")
    assert cells[1][:3] == (2025, "A", "A服务中心")
    assert list(cells[1][3:14]) == list(EXPECTED["A"].values())
    assert cells[1][14] == 50
    assert cells[-1][2] == "Company-wide" and cells[-1][3] == 2
