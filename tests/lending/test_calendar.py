"""Loan days (R23) in calendar days or working days, with the holiday table's days off and its
make-up working days (调休)."""

import datetime
import os
import subprocess
import sys

import pytest

from lending import calendar
from lending.models import Holiday

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture
def working(settings):
    settings.LENDING_DAY_COUNT = "working"


@pytest.fixture
def labour_day():
    """Test data shaped like a Labour Day week: Friday 1 to Tuesday 5 May off, Saturday 9 May
    worked in exchange."""
    for n in range(1, 6):
        Holiday.objects.create(day=D(2026, 5, n), name="劳动节")
    Holiday.objects.create(day=D(2026, 5, 9), name="劳动节调休", is_working_day=True)


def test_calendar_days_are_the_default_and_ignore_the_holiday_table__R23(labour_day):
    assert not calendar.counts_working_days()
    start = D(2026, 4, 30)
    assert calendar.due_on(start, 7) == D(2026, 5, 7)
    assert calendar.escalate_on(start) == D(2026, 5, 16)  # out more than 15 days


def test_working_days_skip_the_weekend__R23(working):
    friday = D(2026, 3, 6)
    assert calendar.due_on(friday, 1) == D(2026, 3, 9)
    assert calendar.due_on(friday, 7) == D(2026, 3, 17)
    assert calendar.escalate_on(friday) == D(2026, 3, 30)  # 16 working days


def test_a_loan_handed_out_on_a_saturday_counts_from_monday__R23(working):
    assert calendar.due_on(D(2026, 3, 7), 1) == D(2026, 3, 9)
    assert calendar.due_on(D(2026, 3, 8), 5) == D(2026, 3, 13)


def test_working_days_skip_the_holidays_and_count_the_make_up_day__R23(working, labour_day):
    start = D(2026, 4, 30)  # Thursday, the day before the holiday
    # 6, 7, 8 May, Saturday 9 May (调休), 11, 12, 13 May
    assert calendar.due_on(start, 7) == D(2026, 5, 13)
    assert calendar.escalate_on(start) == D(2026, 5, 26)
    assert not calendar.is_working_day(D(2026, 5, 4))  # a Monday off
    assert calendar.is_working_day(D(2026, 5, 9))  # a Saturday worked
    assert not calendar.is_working_day(D(2026, 5, 10))
    assert calendar.is_working_day(D(2026, 5, 11))


def test_without_the_make_up_day_the_due_day_moves_one_working_day__R23(working, labour_day):
    Holiday.objects.filter(is_working_day=True).delete()
    assert calendar.due_on(D(2026, 4, 30), 7) == D(2026, 5, 14)


def test_a_due_day_never_falls_on_a_day_off__R23(working, labour_day):
    for start in (D(2026, 4, 24) + datetime.timedelta(days=n) for n in range(14)):
        for days in range(1, 10):
            assert calendar.is_working_day(calendar.due_on(start, days)), (start, days)


def test_a_long_count_reads_the_holidays_beyond_the_first_window__R23(working):
    start = D(2026, 1, 5)  # a Monday
    # counted from Tuesday: twelve weeks of five days end on the thirteenth Monday
    assert calendar.add_days(start, 60) == D(2026, 3, 30)
    Holiday.objects.create(day=D(2026, 3, 23), name="测试假日")  # 77 days after the start
    assert calendar.add_days(start, 60) == D(2026, 3, 31)


def test_the_day_count_comes_from_the_environment_and_refuses_a_wrong_value__R23():
    def settings_with(value):
        env = {**os.environ, "DEBUG": "1", "LENDING_DAY_COUNT": value}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "import archive_project.settings as s; print(s.LENDING_DAY_COUNT)",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    ok = settings_with("working")
    assert ok.returncode == 0 and ok.stdout.strip() == "working"
    wrong = settings_with("weekdays")
    assert wrong.returncode != 0 and "LENDING_DAY_COUNT" in wrong.stderr
