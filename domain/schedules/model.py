"""The RunSchedule aggregate: a suite run on a cron schedule, against an environment.

Its events are its history: who set it up and changed it, and every tick it fired, with
the run that tick queued (or why none was) and how many ticks before it were missed while
no scheduler ran. A tick is fired by saving TickFired in the same transaction as the run it
queues: two schedulers that load the same version cannot both save the next one, so a tick
starts at most one run, and a run is never queued without its tick recorded.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.schedules.cron import latest_tick, next_tick, require_cron, zone
from domain.shared.errors import ConflictError
from domain.shared.meta import Meta

MAX_SCHEDULES_PER_SUITE = 20


class ScheduleDeletedError(ConflictError):
    """A change to a deleted schedule."""


class RunSchedule(Aggregate):
    """When a suite runs by itself, and against which environment."""

    class Created(Aggregate.Created):
        project_id: UUID
        suite_id: UUID
        owner_id: UUID
        environment_id: UUID | None
        cron: str
        timezone: str
        enabled: bool
        next_run_at: str | None
        meta: Meta

    @event(Created)
    def __init__(
        self,
        *,
        project_id: UUID,
        suite_id: UUID,
        owner_id: UUID,
        environment_id: UUID | None,
        cron: str,
        timezone: str,
        enabled: bool,
        next_run_at: str | None,
        meta: Meta,
    ) -> None:
        self.project_id = project_id
        self.suite_id = suite_id
        self.owner_id = owner_id
        self.environment_id = environment_id
        self.cron = cron
        self.timezone = timezone
        self.enabled = enabled
        self.next_run_at = next_run_at
        self.last_tick_at: str | None = None
        self.last_run_id: UUID | None = None
        self.deleted = False

    @classmethod
    def plan(
        cls,
        *,
        project_id: UUID,
        suite_id: UUID,
        owner_id: UUID,
        environment_id: UUID | None,
        cron: str,
        timezone: str,
        enabled: bool,
        now: datetime,
        meta: Meta,
    ) -> "RunSchedule":
        """This function will set up a schedule, its first tick the next one after now.
        Raises InvalidValueError for a bad cron expression or time zone."""
        zone(timezone)
        text = require_cron(cron, timezone, now)
        return cls(
            project_id=project_id,
            suite_id=suite_id,
            owner_id=owner_id,
            environment_id=environment_id,
            cron=text,
            timezone=timezone,
            enabled=enabled,
            next_run_at=next_tick(text, timezone, now).isoformat() if enabled else None,
            meta=meta,
        )

    class Changed(Aggregate.Event):
        changes: dict[str, Any]
        next_run_at: str | None
        meta: Meta

    def change(
        self,
        *,
        cron: str | None,
        timezone: str | None,
        environment_id: UUID | None,
        clear_environment: bool,
        enabled: bool | None,
        now: datetime,
        meta: Meta,
    ) -> None:
        """This function will change what was given; the next tick is worked out again from
        now (a schedule enabled again does not catch up on the ticks it was off for)."""
        if self.deleted:
            raise ScheduleDeletedError("the schedule is deleted")
        new_zone = timezone if timezone is not None else self.timezone
        zone(new_zone)
        new_cron = require_cron(cron if cron is not None else self.cron, new_zone, now)
        changes: dict[str, Any] = {}
        if new_cron != self.cron:
            changes["cron"] = new_cron
        if new_zone != self.timezone:
            changes["timezone"] = new_zone
        if clear_environment and self.environment_id is not None:
            changes["environment_id"] = None
        elif environment_id is not None and environment_id != self.environment_id:
            changes["environment_id"] = str(environment_id)
        if enabled is not None and enabled != self.enabled:
            changes["enabled"] = enabled
        if not changes:
            return
        on = changes.get("enabled", self.enabled)
        upcoming = next_tick(new_cron, new_zone, now).isoformat() if on else None
        self._change(changes=changes, next_run_at=upcoming, meta=meta)

    @event(Changed)
    def _change(self, *, changes: dict[str, Any], next_run_at: str | None, meta: Meta) -> None:
        for name, value in changes.items():
            if name == "environment_id":
                self.environment_id = UUID(value) if value else None
            else:
                setattr(self, name, value)
        self.next_run_at = next_run_at

    class TickFired(Aggregate.Event):
        tick_at: str
        missed: int
        run_id: UUID | None
        refusal: str | None
        next_run_at: str
        meta: Meta

    def due_tick(self, now: datetime) -> tuple[datetime, int] | None:
        """This function will give the tick to fire now, and the ticks missed before it, or
        None when the schedule is not due (off, deleted, or its next tick still ahead)."""
        if self.deleted or not self.enabled or self.next_run_at is None:
            return None
        due = datetime.fromisoformat(self.next_run_at)
        if due > now:
            return None
        return latest_tick(self.cron, self.timezone, due, now)

    def fire(
        self,
        *,
        tick_at: datetime,
        missed: int,
        run_id: UUID | None,
        refusal: str | None,
        now: datetime,
        meta: Meta,
    ) -> None:
        """This function will record a fired tick: the run it queued, or why none was."""
        upcoming = next_tick(self.cron, self.timezone, max(now, tick_at))
        self._fire(
            tick_at=tick_at.isoformat(),
            missed=missed,
            run_id=run_id,
            refusal=refusal,
            next_run_at=upcoming.isoformat(),
            meta=meta,
        )

    @event(TickFired)
    def _fire(
        self,
        *,
        tick_at: str,
        missed: int,
        run_id: UUID | None,
        refusal: str | None,
        next_run_at: str,
        meta: Meta,
    ) -> None:
        self.last_tick_at = tick_at
        self.last_run_id = run_id
        self.next_run_at = next_run_at

    class Deleted(Aggregate.Event):
        meta: Meta

    def delete(self, *, meta: Meta) -> None:
        if self.deleted:
            raise ScheduleDeletedError("the schedule is already deleted")
        self._delete(meta=meta)

    @event(Deleted)
    def _delete(self, *, meta: Meta) -> None:
        self.deleted = True
        self.enabled = False
        self.next_run_at = None
