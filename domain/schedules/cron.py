"""Cron expressions read in a time zone: when a schedule's ticks fall.

Five fields (minute, hour, day of month, month, day of week), as crontab(5) has them, read
in the schedule's IANA time zone: `0 9 * * 1-5` is 09:00 on weekdays where the team is,
whatever the server's zone, summer time or not. Times leave here in UTC.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadCronError, CroniterBadDateError, croniter

from domain.shared.errors import InvalidValueError

MAX_CRON_LENGTH = 100
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
    if len(text) > MAX_CRON_LENGTH or len(text.split(" ")) != 5:
        raise InvalidValueError(
            "cron", "must be five fields: minute hour day-of-month month day-of-week"
        )
    tz = zone(timezone)
    try:
        ticks = croniter(text, now.astimezone(tz))
        first = ticks.get_next(datetime)
        second = ticks.get_next(datetime)
    except (CroniterBadCronError, CroniterBadDateError, ValueError, KeyError) as error:
        raise InvalidValueError("cron", f"is not a cron expression: {error}") from None
    if second - first < MIN_INTERVAL:
        minutes = int(MIN_INTERVAL.total_seconds() // 60)
        raise InvalidValueError("cron", f"ticks more often than every {minutes} minutes")
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
