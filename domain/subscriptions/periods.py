"""Usage periods: the calendar month (UTC) a moment falls in, by default."""

import calendar
from datetime import date


def month_of(day: date) -> tuple[date, date]:
    """This function will give the first and last day of the month a day is in."""
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def add_months(day: date, months: int) -> date:
    """This function will move a day on by whole months, keeping the day where the month has
    it (31 January plus one month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
