"""Loan days (R23), counted in Asia/Shanghai days from the checkout or the last renewal.

``LENDING_DAY_COUNT`` = "calendar" (the default: the seeds say days) or "working": weekends and
the days of the ``Holiday`` table are skipped, and a make-up working day (调休) counts. The
table is kept by administrators; no library's holiday data is trusted, as each ends in a year.
"""

import datetime

from django.conf import settings

# "out more than 15 days" (R23): the escalation is due on the 16th day of the period
ESCALATION_AFTER_DAYS = 15


def counts_working_days() -> bool:
    return getattr(settings, "LENDING_DAY_COUNT", "calendar") == "working"


def _special_days(start, end):
    from .models import Holiday

    rows = Holiday.objects.filter(day__gte=start, day__lte=end).values_list("day", "is_working_day")
    return dict(rows)


def add_days(start: datetime.date, days: int) -> datetime.date:
    """The day ``days`` days after ``start``, in the configured count."""
    if not counts_working_days():
        return start + datetime.timedelta(days=days)
    # a generous window for the holiday lookup: two weeks of slack per week counted
    special = _special_days(start, start + datetime.timedelta(days=days * 3 + 30))
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        working = special.get(day, day.weekday() < 5)
        if working:
            left -= 1
    return day


def due_on(period_start: datetime.date, days: int) -> datetime.date:
    return add_days(period_start, days)


def escalate_on(period_start: datetime.date) -> datetime.date:
    """The first day on which a loan not renewed has been out more than 15 days."""
    return add_days(period_start, ESCALATION_AFTER_DAYS + 1)
