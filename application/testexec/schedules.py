"""Scheduled runs: a suite queued by itself on a cron schedule (domain.schedules).

A scheduler (any number of them, in any processes) asks for the schedules due now and fires
each: the run is queued and the tick recorded on the schedule in one save. Two schedulers
firing the same tick load the same version of the schedule; the second save is refused by
the event store, and the second scheduler leaves that tick alone. After downtime a schedule
fires once, for its latest missed tick, and records how many it missed.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.shared.base import ConcurrentChangeError, Written, require_version
from application.testexec.commands import (
    ChangeSchedule,
    CreateSchedule,
    DeleteSchedule,
    RequestTestRun,
)
from application.testexec.runs import RunCommands
from domain.schedules.model import MAX_SCHEDULES_PER_SUITE, RunSchedule
from domain.shared.errors import ConflictError, InvalidValueError, NotFoundError
from domain.shared.meta import system_meta
from domain.subscriptions.limits import LimitExceededError

log = logging.getLogger(__name__)


class TooManySchedulesError(ConflictError):
    """A suite that already has as many schedules as it may."""


class ScheduleIndex(Protocol):
    """The read side of schedules, as the commands need it."""

    def due(self, now: datetime, limit: int) -> list[UUID]:
        """Schedules whose next tick is at or before now."""
        ...

    def suite_schedule_count(self, suite_id: UUID) -> int: ...


@dataclass(frozen=True, kw_only=True)
class ScheduleSummary:
    """A schedule as its owner reads it."""

    id: UUID
    project_id: UUID
    suite_id: UUID
    environment_id: UUID | None
    cron: str
    timezone: str
    enabled: bool
    next_run_at: datetime | None
    last_tick_at: datetime | None
    last_run_id: UUID | None
    version: int

    @classmethod
    def of(cls, schedule: RunSchedule) -> "ScheduleSummary":
        return cls(
            id=schedule.id,
            project_id=schedule.project_id,
            suite_id=schedule.suite_id,
            environment_id=schedule.environment_id,
            cron=schedule.cron,
            timezone=schedule.timezone,
            enabled=schedule.enabled,
            next_run_at=_time(schedule.next_run_at),
            last_tick_at=_time(schedule.last_tick_at),
            last_run_id=schedule.last_run_id,
            version=schedule.version,
        )


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class FiredTick:
    schedule_id: UUID
    tick_at: datetime
    missed: int
    run_id: UUID | None
    refusal: str | None


class ScheduleCommands(RunCommands):
    """Create, change and delete schedules; fire the ticks that are due."""

    _schedules: ScheduleIndex | None = None

    def schedule(self, schedule_id: UUID, requester_id: UUID) -> RunSchedule:
        """This function will load a requester's schedule. Raises NotFoundError."""
        try:
            found = self.load_version(schedule_id)
        except NotFoundError:
            found = None
        if not isinstance(found, RunSchedule) or found.deleted or found.owner_id != requester_id:
            raise NotFoundError("schedule not found")
        return found

    def create_schedule(self, cmd: CreateSchedule) -> Written:
        """This function will schedule runs of a suite. Raises NotFoundError (the suite, or
        an environment not of its project), InvalidValueError, TooManySchedulesError."""
        plan = self._need(self._suites, "a suite source").plan(cmd.suite_id, cmd.requester_id)
        if cmd.environment_id is not None:
            self._require_environment_of(cmd.environment_id, plan.project_id, cmd.requester_id)
        index: ScheduleIndex = self._need(self._schedules, "a schedule index")
        if index.suite_schedule_count(cmd.suite_id) >= MAX_SCHEDULES_PER_SUITE:
            raise TooManySchedulesError(
                f"a suite has at most {MAX_SCHEDULES_PER_SUITE} schedules; delete one first"
            )
        schedule = RunSchedule.plan(
            project_id=plan.project_id,
            suite_id=cmd.suite_id,
            owner_id=cmd.requester_id,
            environment_id=cmd.environment_id,
            cron=cmd.cron,
            timezone=cmd.timezone,
            enabled=cmd.enabled,
            now=self._now(),
            meta=cmd.meta,
        )
        return self.written(schedule)

    def change_schedule(self, cmd: ChangeSchedule) -> Written:
        schedule = self.schedule(cmd.schedule_id, cmd.requester_id)
        require_version(schedule, cmd.expected_version)
        if cmd.environment_id is not None:
            self._require_environment_of(cmd.environment_id, schedule.project_id, cmd.requester_id)
        schedule.change(
            cron=cmd.cron,
            timezone=cmd.timezone,
            environment_id=cmd.environment_id,
            clear_environment=cmd.clear_environment,
            enabled=cmd.enabled,
            now=self._now(),
            meta=cmd.meta,
        )
        return self.written(schedule)

    def delete_schedule(self, cmd: DeleteSchedule) -> Written:
        schedule = self.schedule(cmd.schedule_id, cmd.requester_id)
        require_version(schedule, cmd.expected_version)
        schedule.delete(meta=cmd.meta)
        return self.written(schedule)

    def _require_environment_of(
        self, environment_id: UUID, project_id: UUID, requester_id: UUID
    ) -> None:
        if self.environment(environment_id, requester_id).project_id != project_id:
            raise InvalidValueError(
                "environment_id", "is not an environment of the suite's project"
            )

    def fire_due_schedules(self, limit: int = 100) -> list[FiredTick]:
        """This function will fire every schedule due now, once each; a tick another
        scheduler fired first is left to it."""
        index: ScheduleIndex = self._need(self._schedules, "a schedule index")
        fired = []
        for schedule_id in index.due(self._now(), limit):
            try:
                tick = self.fire_schedule(schedule_id)
            except ConcurrentChangeError:
                continue  # another scheduler saved this tick (or the run counter) first
            if tick is not None:
                fired.append(tick)
        return fired

    def fire_schedule(self, schedule_id: UUID) -> FiredTick | None:
        """This function will fire a schedule's due tick: queue its run and record the tick
        in one save. A run the suite refuses (not runnable, no environment, gone) is recorded
        as the tick's refusal. Raises ConcurrentChangeError when another save came first."""
        schedule = self.load_version(schedule_id)
        now = self._now()
        if not isinstance(schedule, RunSchedule):
            return None
        due = schedule.due_tick(now)
        if due is None:
            return None
        tick_at, missed = due
        meta = system_meta(f"schedule {schedule.id}: tick of {tick_at.isoformat()}")
        try:
            run, counter, slots = self._queued_run(
                RequestTestRun(
                    suite_id=schedule.suite_id,
                    requester_id=schedule.owner_id,
                    meta=meta,
                    environment_id=schedule.environment_id,
                )
            )
        except (ConflictError, NotFoundError, LimitExceededError) as refused:
            schedule.fire(
                tick_at=tick_at,
                missed=missed,
                run_id=None,
                refusal=str(refused),
                now=now,
                meta=meta,
            )
            self.written(schedule)
            log.info("schedule %s: tick %s queued no run: %s", schedule.id, tick_at, refused)
            return FiredTick(schedule.id, tick_at, missed, None, str(refused))
        schedule.fire(
            tick_at=tick_at, missed=missed, run_id=run.id, refusal=None, now=now, meta=meta
        )
        self.written(schedule, run, counter, slots)
        return FiredTick(schedule.id, tick_at, missed, run.id, None)
