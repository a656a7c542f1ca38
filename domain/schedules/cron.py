"""Cron expressions read in a time zone: when a schedule's ticks fall.

Five fields (minute, hour, day of month, month, day of week), as crontab(5) has them, read
in the schedule's IANA time zone: `0 9 * * 1-5` is 09:00 on weekdays where the team is,
whatever the server's zone, summer time or not. Times leave here in UTC.
"""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadCronError, CroniterBadDateError, croniter

from domain.shared.errors import InconsistentValuesError, InvalidValueError

MAX_CRON_LENGTH = 100


def _numbers(low: int, high: int) -> str:
    return "(?:" + "|".join(str(n) for n in range(high, low - 1, -1)) + ")"


def _field(low: int, high: int, names: str | None = None) -> str:
    value = _numbers(low, high) if names is None else f"(?:{_numbers(low, high)}|{names})"
    step = "(?:/(?:[1-9]|[1-5][0-9]))?"
    item = f"(?:\\*{step}|{value}(?:-{value}{step})?)"
    return f"{item}(?:,{item})*"


# The form of a cron expression, as the OpenAPI document states it: five fields of values in
# range, ranges, lists and steps (crontab(5)). Every expression of this form is read by the
# scheduler; two rules are between fields, not of the form, and are refused apart
# (inconsistent-values): a day that no month has (31 June), and ticks too close together.
CRON_PATTERN = (
    "^"
    + " ".join(
        (
            _field(0, 59),
            _field(0, 23),
            _field(1, 31),
            _field(1, 12, "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"),
            _field(0, 7, "SUN|MON|TUE|WED|THU|FRI|SAT"),
        )
    )
    + "$"
)
_CRON = re.compile(CRON_PATTERN)
# A tick more often than this would keep a shared worker busy with one suite.
MIN_INTERVAL = timedelta(minutes=5)
# Missed ticks counted when a scheduler comes back; more are reported as this many.
MAX_COUNTED_MISSES = 1000


def zone(timezone: str) -> ZoneInfo:
    """This function will give an IANA time zone. Raises InvalidValueError."""
    try:
        if not timezone or len(timezone) > 64 or timezone.startswith(("/", ".")):
            raise ValueError
        return ZoneInfo(timezone)
    except (ValueError, ZoneInfoNotFoundError):
        raise InvalidValueError(
            "timezone", f"{timezone!r} is not an IANA time zone such as Europe/Paris"
        ) from None


def require_cron(expression: str, timezone: str, now: datetime) -> str:
    """This function will check a cron expression: five fields, and ticks no closer together
    than MIN_INTERVAL. Raises InvalidValueError."""
    text = " ".join(expression.split())
    # Names of months and days in any case, as crontab(5) reads them.
    if len(text) > MAX_CRON_LENGTH or not _CRON.match(text.upper()):
        raise InvalidValueError(
            "cron",
            "must be five fields: minute hour day-of-month month day-of-week, each a value in"
            " range, a range, a list or a step (the OpenAPI document states the pattern)",
        )
    tz = zone(timezone)
    try:
        ticks = croniter(text, now.astimezone(tz))
        first = ticks.get_next(datetime)
        second = ticks.get_next(datetime)
    except CroniterBadDateError:
        raise InconsistentValuesError(
            "cron", "never ticks: no month has that day (such as 31 in June)"
        ) from None
    except (CroniterBadCronError, ValueError, KeyError) as error:
        raise InvalidValueError("cron", f"is not a cron expression: {error}") from None
    if second - first < MIN_INTERVAL:
        minutes = int(MIN_INTERVAL.total_seconds() // 60)
        raise InconsistentValuesError("cron", f"ticks more often than every {minutes} minutes")
    return text


def next_tick(expression: str, timezone: str, after: datetime) -> datetime:
    """This function will give the first tick strictly after a moment, in UTC."""
    tick: datetime = croniter(expression, after.astimezone(zone(timezone))).get_next(datetime)
    return tick.astimezone(UTC)


def latest_tick(
    expression: str, timezone: str, due: datetime, now: datetime
) -> tuple[datetime, int]:
    """This function will give the last tick at or before `now`, from the tick `due` on, and
    how many ticks before it were missed (counted up to MAX_COUNTED_MISSES)."""
    ticks = croniter(expression, due.astimezone(zone(timezone)) - timedelta(seconds=1))
    latest = due
    missed = -1
    while True:
        tick: datetime = ticks.get_next(datetime)
        if tick > now:
            break
        latest = tick
        missed += 1
        if missed >= MAX_COUNTED_MISSES:
            latest = croniter(expression, now.astimezone(zone(timezone))).get_prev(datetime)
            break
    return latest.astimezone(UTC), max(missed, 0)
