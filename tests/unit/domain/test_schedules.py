"""Schedules: cron ticks in a time zone, what a tick fires after downtime, history."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.schedules.cron import MAX_COUNTED_MISSES, latest_tick, next_tick, require_cron
from domain.schedules.model import RunSchedule, ScheduleDeletedError
from domain.shared.errors import InvalidValueError
from domain.shared.meta import system_meta

NOW = datetime(2026, 3, 2, 8, 0, 30, tzinfo=UTC)
META = system_meta("test")


def a_schedule(cron: str = "*/5 * * * *", timezone: str = "UTC", **extra: object) -> RunSchedule:
    return RunSchedule.plan(
        project_id=uuid4(),
        suite_id=uuid4(),
        owner_id=uuid4(),
        environment_id=None,
        cron=cron,
        timezone=timezone,
        enabled=bool(extra.get("enabled", True)),
        now=NOW,
        meta=META,
    )


class TestCron:
    def test_reads_the_expression_in_the_schedule_time_zone(self) -> None:
        # 09:00 in Ho Chi Minh City (UTC+7) is 02:00 UTC.
        assert next_tick("0 9 * * *", "Asia/Ho_Chi_Minh", NOW) == datetime(
            2026, 3, 3, 2, 0, tzinfo=UTC
        )

    def test_follows_summer_time(self) -> None:
        # Paris moves to UTC+2 on 29 March 2026: 06:00 there is 05:00 UTC before, 04:00 after.
        before = next_tick("0 6 * * *", "Europe/Paris", datetime(2026, 3, 27, 12, tzinfo=UTC))
        after = next_tick("0 6 * * *", "Europe/Paris", datetime(2026, 3, 30, 12, tzinfo=UTC))
        assert before == datetime(2026, 3, 28, 5, tzinfo=UTC)
        assert after == datetime(2026, 3, 31, 4, tzinfo=UTC)

    @pytest.mark.parametrize(
        "cron",
        ["", "* * * *", "* * * * * *", "61 * * * *", "not cron at all", "x" * 101],
    )
    def test_refuses_what_is_not_five_cron_fields(self, cron: str) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_cron(cron, "UTC", NOW)
        assert refused.value.field == "cron"

    def test_refuses_ticks_closer_than_five_minutes(self) -> None:
        with pytest.raises(InvalidValueError, match="5 minutes"):
            require_cron("* * * * *", "UTC", NOW)
        assert require_cron("  */5   * * * * ", "UTC", NOW) == "*/5 * * * *"

    @pytest.mark.parametrize("timezone", ["", "Mars/Olympus", "../etc/passwd", "/UTC"])
    def test_refuses_a_time_zone_that_is_not_iana(self, timezone: str) -> None:
        with pytest.raises(InvalidValueError) as refused:
            a_schedule(timezone=timezone)
        assert refused.value.field == "timezone"

    def test_counts_the_ticks_missed_before_the_latest(self) -> None:
        due = datetime(2026, 3, 2, 8, 5, tzinfo=UTC)
        latest, missed = latest_tick("*/5 * * * *", "UTC", due, due + timedelta(minutes=62))
        assert latest == datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
        assert missed == 12

    def test_stops_counting_after_a_long_downtime(self) -> None:
        due = datetime(2026, 3, 2, 8, 5, tzinfo=UTC)
        now = due + timedelta(days=30, minutes=2)
        latest, missed = latest_tick("*/5 * * * *", "UTC", due, now)
        assert latest == datetime(2026, 4, 1, 8, 5, tzinfo=UTC)
        assert missed == MAX_COUNTED_MISSES


class TestRunSchedule:
    def test_its_first_tick_is_the_next_after_it_was_made(self) -> None:
        schedule = a_schedule()
        assert schedule.next_run_at == "2026-03-02T08:05:00+00:00"
        assert schedule.due_tick(NOW) is None

    def test_a_schedule_off_has_no_tick(self) -> None:
        schedule = a_schedule(enabled=False)
        assert schedule.next_run_at is None
        assert schedule.due_tick(NOW + timedelta(days=1)) is None

    def test_after_downtime_it_fires_once_for_the_latest_tick(self) -> None:
        schedule = a_schedule()
        later = NOW + timedelta(hours=1)
        tick_at, missed = schedule.due_tick(later) or (None, None)
        assert tick_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        assert missed == 11
        run_id = uuid4()
        schedule.fire(
            tick_at=tick_at, missed=missed, run_id=run_id, refusal=None, now=later, meta=META
        )
        assert schedule.last_run_id == run_id
        assert schedule.next_run_at == "2026-03-02T09:05:00+00:00"
        assert schedule.due_tick(later) is None

    def test_a_change_works_the_next_tick_out_again(self) -> None:
        schedule = a_schedule()
        environment = uuid4()
        schedule.change(
            cron="0 9 * * *",
            timezone="Asia/Ho_Chi_Minh",
            environment_id=environment,
            clear_environment=False,
            enabled=None,
            now=NOW,
            meta=META,
        )
        assert schedule.next_run_at == "2026-03-03T02:00:00+00:00"
        assert schedule.environment_id == environment
        version = schedule.version
        schedule.change(
            cron=None,
            timezone=None,
            environment_id=None,
            clear_environment=False,
            enabled=None,
            now=NOW,
            meta=META,
        )
        assert schedule.version == version  # nothing changed, nothing recorded
        schedule.change(
            cron=None,
            timezone=None,
            environment_id=None,
            clear_environment=True,
            enabled=False,
            now=NOW,
            meta=META,
        )
        assert schedule.environment_id is None
        assert schedule.next_run_at is None

    def test_a_deleted_schedule_takes_no_change(self) -> None:
        schedule = a_schedule()
        schedule.delete(meta=META)
        assert schedule.due_tick(NOW + timedelta(days=1)) is None
        with pytest.raises(ScheduleDeletedError):
            schedule.delete(meta=META)
        with pytest.raises(ScheduleDeletedError):
            schedule.change(
                cron=None,
                timezone=None,
                environment_id=None,
                clear_environment=False,
                enabled=True,
                now=NOW,
                meta=META,
            )
