"""Test runs: queue, follow live (server-sent events or polling), read results, cancel."""

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.responses import StreamingResponse

from application.testexec.commands import CancelTestRun, RequestTestRun
from application.testexec.following import follow_run
from application.testexec.queries import RunSummary
from application.testexec.reading import ResultsExpiredError
from interfaces.http.dependencies import (
    Command,
    CommandContext,
    CurrentUser,
    ReadPosition,
    RuntimeDep,
)
from interfaces.http.errors import ProblemError
from interfaces.http.schemas.testexec import (
    CaseResultPublic,
    LogLinePublic,
    RunCreate,
    RunPublic,
    RunResultsPublic,
    RunVariablesPublic,
)

router = APIRouter(tags=["runs"])
_read = Depends(ReadPosition("testexec"))


@contextmanager
def _hot() -> Iterator[None]:
    """410 Gone, with the run's summary, once its detailed results have expired."""
    try:
        yield
    except ResultsExpiredError as expired:
        raise ProblemError(
            410,
            "results-expired",
            "Results expired",
            expired.message,
            summary=RunPublic.of(expired.summary).model_dump(mode="json"),
        ) from None


def _after_write(ctx: CommandContext, run_id: UUID) -> RunPublic:
    return RunPublic.of(ctx.runtime.run_queries.run(run_id, ctx.user_id))


@router.post(
    "/suites/{suite_id}/runs", status_code=status.HTTP_202_ACCEPTED, response_model=RunPublic
)
def queue_run(suite_id: UUID, body: RunCreate, ctx: Command) -> RunPublic:
    """Queue a run of an approved suite (409 with the reason otherwise); a worker executes it."""
    written = ctx.runtime.testexec.request_test_run(
        RequestTestRun(
            suite_id=suite_id,
            requester_id=ctx.user_id,
            meta=ctx.meta,
            environment_id=body.environment_id,
        )
    )
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    ctx.response.headers["Location"] = f"/runs/{written.aggregate_id}"
    return _after_write(ctx, written.aggregate_id)


@router.get("/suites/{suite_id}/runs", dependencies=[_read], response_model=list[RunPublic])
def list_runs(
    suite_id: UUID,
    user: CurrentUser,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> list[RunPublic]:
    """The suite's runs, newest first, from testexec.test_runs."""
    found = runtime.run_queries.suite_runs(suite_id, user.user_id, limit=limit, offset=offset)
    return [RunPublic.of(run) for run in found]


@router.get("/runs/recent", response_model=list[RunPublic])
def recent_runs(
    user: CurrentUser, runtime: RuntimeDep, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> list[RunPublic]:
    """The caller's most recent runs (user:{id}:recent_runs)."""
    return [RunPublic.of(run) for run in runtime.run_queries.recent(user.user_id, limit)]


@router.get("/runs/{run_id}", response_model=RunPublic)
def get_run(run_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> RunPublic:
    """A run's summary and progress (poll this, or follow /runs/{id}/events)."""
    return RunPublic.of(runtime.run_queries.run(run_id, user.user_id))


@router.get(
    "/runs/{run_id}/results", response_model=RunResultsPublic, response_model_exclude_unset=True
)
def run_results(
    run_id: UUID,
    user: CurrentUser,
    runtime: RuntimeDep,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
    limit: Annotated[
        int | None, Query(ge=1, le=1000, description="cases per page (default: every case)")
    ] = None,
) -> RunResultsPublic:
    """Every case's result (request, response, validations, failure reason), from Redis, in
    execution order; with `limit`, a page of `limit` cases from `offset`, and `next_offset`.
    410 Gone with the summary once they expired."""
    with _hot():
        found = runtime.run_queries.results(run_id, user.user_id, offset=offset, limit=limit)
    answer = RunResultsPublic(
        summary=RunPublic.of(found.summary),
        results=[CaseResultPublic(**result) for result in found.results],
    )
    if found.total_cases is not None:
        answer.total_cases = found.total_cases
        answer.next_offset = found.next_offset
    return answer


@router.get(
    "/runs/{run_id}/results/{case_id}",
    response_model=CaseResultPublic,
    response_model_exclude_unset=True,
)
def case_result(
    run_id: UUID, case_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> CaseResultPublic:
    with _hot():
        return CaseResultPublic(**runtime.run_queries.case_result(run_id, case_id, user.user_id))


@router.get(
    "/runs/{run_id}/logs", response_model=list[LogLinePublic], response_model_exclude_unset=True
)
def run_logs(
    run_id: UUID,
    user: CurrentUser,
    runtime: RuntimeDep,
    # Redis refuses an index beyond a 64-bit integer; no run logs anywhere near 2**31 lines.
    start: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> list[LogLinePublic]:
    with _hot():
        lines = runtime.run_queries.logs(run_id, user.user_id, start)
    return [LogLinePublic(**line) for line in lines]


@router.get("/runs/{run_id}/variables", response_model=RunVariablesPublic)
def run_variables(run_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> RunVariablesPublic:
    """The run's variables after its last case (secrets masked)."""
    with _hot():
        return RunVariablesPublic(runtime.run_queries.variables(run_id, user.user_id))


@router.post("/runs/{run_id}/cancel", response_model=RunPublic)
def cancel_run(run_id: UUID, ctx: Command) -> RunPublic:
    """Stop a run: at once if pending, at the next case boundary if running (If-Match: its
    ETag, optional)."""
    written = ctx.runtime.testexec.cancel_test_run(
        CancelTestRun(
            run_id=run_id, requester_id=ctx.user_id, meta=ctx.meta, expected_version=ctx.expected
        )
    )
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    return _after_write(ctx, run_id)


@router.get(
    "/runs/{run_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def run_events(
    run_id: UUID, request: Request, user: CurrentUser, runtime: RuntimeDep
) -> StreamingResponse:
    """Server-sent events: `summary` first, `case` for each case result as it happens, then
    `summary` at the end (each summary a RunPublic)."""
    run = await asyncio.to_thread(runtime.run_queries.run, run_id, user.user_id)
    items = follow_run(
        run,
        user.user_id,
        queries=runtime.run_queries,
        live=runtime.hot_results,
        events=runtime.run_events,
        disconnected=request.is_disconnected,
    )
    return StreamingResponse(
        _sse(items),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _sse(items: AsyncIterator[tuple[str, Any]]) -> AsyncIterator[bytes]:
    async for kind, data in items:
        if kind == "keep-alive":
            yield b": keep-alive\n\n"
            continue
        if isinstance(data, RunSummary):
            data = RunPublic.of(data)
        yield f"event: {kind}\ndata: {json.dumps(jsonable_encoder(data))}\n\n".encode()
