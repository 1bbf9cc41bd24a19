"""Months and quarters: the one place for calendar arithmetic on months (DOMAIN.md counts
meetings per month and per quarter, absences per calendar year)."""

import calendar
import datetime as dt

from django.utils import timezone


def month_start(day: dt.date) -> dt.date:
    """The first day of the day's month."""
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), clamped to the month's last day:
    31/01 + 1 -> 28/02 (29/02 in a leap year). The first of a month stays a first."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    return add_months(day, 12 * years)


def quarter_start(day: dt.date) -> dt.date:
    """The first day of the day's quarter."""
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from `first`'s month to `last`'s month, both included."""
    months, month, end = [], month_start(first), month_start(last)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


def local_year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """[1 January 00:00, next 1 January 00:00) of `year` in the project's time zone."""
    tz = timezone.get_current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def current_month(now: dt.datetime | None = None) -> dt.date:
    """The first day of the current month in the project's time zone."""
    return month_start(timezone.localdate(now))
