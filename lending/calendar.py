"""Loan days (R23), counted in Asia/Shanghai days from the checkout or the last renewal.

``LENDING_DAY_COUNT`` (settings, from the environment) = "calendar" (the default: the seeds say
days) or "working": Saturdays, Sundays and the days off of the ``Holiday`` table are skipped,
and a make-up working day of that table (调休, a weekend day worked) counts. Every day of R23
follows the one count: the due day (7 days) and the escalation (out more than 15 days).

The table is kept by administrators year by year; no library's holiday data is trusted, as
each ends in a year it knows (chinese-calendar stops at 2026).
"""

import datetime

from django.conf import settings

# "out more than 15 days" (R23): the escalation is due on the 16th day of the period
ESCALATION_AFTER_DAYS = 15

CALENDAR, WORKING = "calendar", "working"

ONE_DAY = datetime.timedelta(days=1)
# the days of the Holiday table read at once; a longer count reads the next window
_WINDOW = datetime.timedelta(days=62)


def counts_working_days() -> bool:
    return getattr(settings, "LENDING_DAY_COUNT", CALENDAR) == WORKING


def _special_days(start, end) -> dict:
    """{day: is a working day} of the Holiday table between ``start`` and ``end``, inclusive."""
    from .models import Holiday

    rows = Holiday.objects.filter(day__gte=start, day__lte=end).values_list("day", "is_working_day")
    return dict(rows)


def _working(day, special) -> bool:
    # a row of the table wins over the weekday: a holiday off, a make-up day (调休) worked
    return special.get(day, day.weekday() < 5)


def is_working_day(day: datetime.date) -> bool:
    return _working(day, _special_days(day, day))


def add_days(start: datetime.date, days: int) -> datetime.date:
    """The day ``days`` days after ``start``, in the configured count. Counted in working days,
    ``start`` itself never counts (a loan handed out on Saturday starts counting on Monday) and
    the result is always a working day."""
    if days <= 0 or not counts_working_days():
        return start + datetime.timedelta(days=days)
    day, left = start, days
    window_end = start
    special = {}
    while left > 0:
        day += ONE_DAY
        if day > window_end:  # the next window of the table: one query per two months
            window_end = day + _WINDOW
            special = _special_days(day, window_end)
        if _working(day, special):
            left -= 1
    return day


def due_on(period_start: datetime.date, days: int) -> datetime.date:
    """The due day of a period of ``days`` days from ``period_start`` (R23: 7 by default)."""
    return add_days(period_start, days)


def escalate_on(period_start: datetime.date, due: datetime.date | None = None) -> datetime.date:
    """The first day on which a loan not renewed has been out more than 15 days (R23); with
    its ``due`` day, never before the day after it (a loan lent for 30 days is not escalated
    inside its own lending time)."""
    day = add_days(period_start, ESCALATION_AFTER_DAYS + 1)
    if due is not None:
        day = max(day, due + datetime.timedelta(days=1))
    return day
