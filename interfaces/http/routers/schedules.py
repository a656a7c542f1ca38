"""Scheduled runs of a suite: create, list, read, change, delete, history."""

from uuid import UUID

from fastapi import APIRouter, Depends, Response, status

from application.shared.base import Written
from application.testexec.commands import ChangeSchedule, CreateSchedule, DeleteSchedule
from application.testexec.schedules import ScheduleSummary
from interfaces.http.dependencies import (
    Command,
    CommandContext,
    CurrentUser,
    ReadPosition,
    RuntimeDep,
)
from interfaces.http.schemas.projects import HistoryEntryPublic
from interfaces.http.schemas.schedules import ScheduleCreate, SchedulePublic, ScheduleUpdate

router = APIRouter(tags=["schedules"])


def _written(ctx: CommandContext, written: Written) -> SchedulePublic:
    schedule = ctx.runtime.testexec.schedule(written.aggregate_id, ctx.user_id)
    ctx.wrote(log=written.log, position=written.position, version=schedule.version)
    return SchedulePublic.of(ScheduleSummary.of(schedule))


@router.post(
    "/suites/{suite_id}/schedules",
    status_code=status.HTTP_201_CREATED,
    response_model=SchedulePublic,
)
def create_schedule(suite_id: UUID, body: ScheduleCreate, ctx: Command) -> SchedulePublic:
    """Run the suite on a cron schedule, in a time zone, against an environment."""
    written = ctx.runtime.testexec.create_schedule(
        CreateSchedule(
            suite_id=suite_id,
            requester_id=ctx.user_id,
            cron=body.cron,
            timezone=body.timezone,
            environment_id=body.environment_id,
            enabled=body.enabled,
            meta=ctx.meta,
        )
    )
    ctx.response.headers["Location"] = f"/schedules/{written.aggregate_id}"
    return _written(ctx, written)


@router.get(
    "/suites/{suite_id}/schedules",
    dependencies=[Depends(ReadPosition("testexec"))],
    response_model=list[SchedulePublic],
)
def list_schedules(suite_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> list[SchedulePublic]:
    """The suite's schedules, oldest first, from testexec.run_schedules."""
    found = runtime.runs.suite_schedules(suite_id, owner_id=user.user_id)
    return [SchedulePublic.of(schedule) for schedule in found]


@router.get("/schedules/{schedule_id}", response_model=SchedulePublic)
def get_schedule(
    schedule_id: UUID, user: CurrentUser, runtime: RuntimeDep, response: Response
) -> SchedulePublic:
    """A schedule, with its next tick and the run its last tick queued."""
    schedule = runtime.testexec.schedule(schedule_id, user.user_id)
    response.headers["ETag"] = f'"{schedule.version}"'
    return SchedulePublic.of(ScheduleSummary.of(schedule))


@router.patch("/schedules/{schedule_id}", response_model=SchedulePublic)
def change_schedule(schedule_id: UUID, body: ScheduleUpdate, ctx: Command) -> SchedulePublic:
    """Change any of its fields (If-Match: its ETag, optional); the next tick is worked out
    again from now."""
    sent = body.model_fields_set
    written = ctx.runtime.testexec.change_schedule(
        ChangeSchedule(
            schedule_id=schedule_id,
            requester_id=ctx.user_id,
            meta=ctx.meta,
            cron=body.cron,
            timezone=body.timezone,
            environment_id=body.environment_id,
            clear_environment="environment_id" in sent and body.environment_id is None,
            enabled=body.enabled,
            expected_version=ctx.expected,
        )
    )
    return _written(ctx, written)


@router.delete("/schedules/{schedule_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_schedule(schedule_id: UUID, ctx: Command) -> None:
    """Delete a schedule (If-Match: its ETag, optional); its history stays."""
    written = ctx.runtime.testexec.delete_schedule(
        DeleteSchedule(
            schedule_id=schedule_id,
            requester_id=ctx.user_id,
            meta=ctx.meta,
            expected_version=ctx.expected,
        )
    )
    ctx.wrote(log=written.log, position=written.position, version=written.version)


@router.get("/schedules/{schedule_id}/history", response_model=list[HistoryEntryPublic])
def schedule_history(
    schedule_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> list[HistoryEntryPublic]:
    """Every change of the schedule, and every tick it fired (the run queued, or why not,
    and how many ticks were missed before it), oldest first."""
    runtime.testexec.schedule(schedule_id, user.user_id)
    return [HistoryEntryPublic(**entry.__dict__) for entry in runtime.testexec.history(schedule_id)]
