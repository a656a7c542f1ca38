"""Test runs: queue, follow live (server-sent events or polling), read results, cancel."""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any
from uuid import UUID

import redis.asyncio as aioredis
from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import StreamingResponse

from application.testexec.commands import CancelTestRun, RequestTestRun
from domain.runs.model import FINISHED, TestRun
from domain.shared.errors import NotFoundError
from interfaces.bootstrap import Runtime
from interfaces.http.dependencies import Command, CurrentUser, ReadPosition, RuntimeDep
from interfaces.http.errors import ProblemError
from interfaces.http.schemas.testexec import RunCreate

router = APIRouter(tags=["runs"])
_read = Depends(ReadPosition("testexec"))


def summary(run: TestRun) -> dict[str, Any]:
    """This function will describe a run from its events (always available, even archived)."""
    return {
        "id": str(run.id),
        "suite_id": str(run.suite_id),
        "environment_id": str(run.environment_id),
        "project_id": str(run.project_id),
        "run_number": run.run_number,
        "status": str(run.status),
        "triggered_by": run.triggered_by,
        "started_at": run.started_at,
        "completed_at": run.completed_at,
        "total_tests": run.total_tests,
        "passed": run.passed,
        "failed": run.failed,
        "skipped": run.skipped,
        "duration_ms": run.duration_ms,
        "redis_key": run.redis_key,
        "results_expire_at": run.results_expire_at,
        "results_archived": run.redis_key is None,
        "cancel_requested": run.cancel_requested,
        "failure_reason": run.failure_reason,
        "attempts": run.attempts,
        "version": run.version,
    }


def _live(runtime: Runtime, run: TestRun) -> dict[str, Any]:
    """The run summary, with the hot counters while it is running."""
    out = summary(run)
    hot = runtime.hot_results.summary(run.id) if run.redis_key else None
    if hot and str(run.status) not in [s.value for s in FINISHED]:
        out.update(
            passed=int(hot.get("passed", 0)),
            failed=int(hot.get("failed", 0)),
            skipped=int(hot.get("skipped", 0)),
        )
    return out


@router.post("/suites/{suite_id}/runs", status_code=status.HTTP_202_ACCEPTED)
def queue_run(suite_id: UUID, body: RunCreate, ctx: Command) -> dict[str, Any]:
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
    return summary(ctx.runtime.testexec.run(written.aggregate_id, ctx.user_id))


@router.get("/suites/{suite_id}/runs", dependencies=[_read])
def list_runs(
    suite_id: UUID,
    user: CurrentUser,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> list[dict[str, Any]]:
    """The suite's runs, newest first, from testexec.test_runs."""
    runtime.testgen.suite(suite_id, user.user_id)
    return runtime.runs.runs(suite_id, limit, offset)


@router.get("/runs/recent")
def recent_runs(
    user: CurrentUser, runtime: RuntimeDep, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> list[dict[str, Any]]:
    """The caller's most recent runs (user:{id}:recent_runs)."""
    out = []
    for run_id in runtime.hot_results.recent_runs(user.user_id, limit):
        try:
            out.append(_live(runtime, runtime.testexec.run(UUID(run_id), user.user_id)))
        except (NotFoundError, ValueError):  # not a run of the caller's (any more): skipped
            continue
    return out


@router.get("/runs/{run_id}")
def get_run(run_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> dict[str, Any]:
    """A run's summary and progress (poll this, or follow /runs/{id}/events)."""
    return _live(runtime, runtime.testexec.run(run_id, user.user_id))


def _require_hot(runtime: Runtime, run: TestRun) -> None:
    if run.redis_key is None or runtime.hot_results.summary(run.id) is None:
        if str(run.status) in ("Pending",):
            return
        raise ProblemError(
            410,
            "results-expired",
            "Results expired",
            "the detailed results of this run have expired; its summary is kept",
            summary=summary(run),
        )


@router.get("/runs/{run_id}/results")
def run_results(run_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> dict[str, Any]:
    """Every case's result (request, response, validations, failure reason), from Redis.
    410 Gone with the summary once they expired."""
    run = runtime.testexec.run(run_id, user.user_id)
    _require_hot(runtime, run)
    suite = runtime.testgen.suite(run.suite_id, user.user_id)
    cases = []
    for case_id in suite.execution_order():
        result = runtime.hot_results.execution(run.id, case_id)
        if result is not None:
            cases.append({"case_id": case_id, **result})
    return {"summary": _live(runtime, run), "results": cases}


@router.get("/runs/{run_id}/results/{case_id}")
def case_result(
    run_id: UUID, case_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> dict[str, Any]:
    run = runtime.testexec.run(run_id, user.user_id)
    _require_hot(runtime, run)
    result = runtime.hot_results.execution(run.id, str(case_id))
    if result is None:
        raise ProblemError(
            404, "not-found", "Not found", "this case has no result in this run (yet)"
        )
    return {"case_id": str(case_id), **result}


@router.get("/runs/{run_id}/logs")
def run_logs(
    run_id: UUID,
    user: CurrentUser,
    runtime: RuntimeDep,
    # Redis refuses an index beyond a 64-bit integer; no run logs anywhere near 2**31 lines.
    start: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> list[dict[str, Any]]:
    run = runtime.testexec.run(run_id, user.user_id)
    _require_hot(runtime, run)
    return runtime.hot_results.logs(run.id, start)


@router.get("/runs/{run_id}/variables")
def run_variables(run_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> dict[str, str]:
    """The run's variables after its last case (secrets masked)."""
    run = runtime.testexec.run(run_id, user.user_id)
    _require_hot(runtime, run)
    return runtime.hot_results.variables(run.id)


@router.post("/runs/{run_id}/cancel")
def cancel_run(run_id: UUID, ctx: Command) -> dict[str, Any]:
    """Stop a run: at once if pending, at the next case boundary if running (If-Match: its
    ETag, optional)."""
    written = ctx.runtime.testexec.cancel_test_run(
        CancelTestRun(
            run_id=run_id, requester_id=ctx.user_id, meta=ctx.meta, expected_version=ctx.expected
        )
    )
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    return summary(ctx.runtime.testexec.run(run_id, ctx.user_id))


@router.get("/runs/{run_id}/events")
async def run_events(
    run_id: UUID, request: Request, user: CurrentUser, runtime: RuntimeDep
) -> StreamingResponse:
    """Server-sent events: `case` for each case result as it happens, then `summary` at the end."""
    run = await asyncio.to_thread(runtime.testexec.run, run_id, user.user_id)
    return StreamingResponse(
        _stream(runtime, run, request),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _sse(kind: str, data: Any) -> bytes:
    return f"event: {kind}\ndata: {json.dumps(data, default=str)}\n\n".encode()


async def _stream(runtime: Runtime, run: TestRun, request: Request) -> AsyncIterator[bytes]:
    client = aioredis.Redis.from_url(runtime.servers.redis_url, decode_responses=True)
    pubsub = client.pubsub()
    try:
        await pubsub.subscribe(runtime.hot_results.channel(run.id))
        current = await asyncio.to_thread(runtime.testexec.run, run.id, run.owner_id)
        yield _sse("summary", _live(runtime, current))
        # What was recorded before this follower subscribed, then only what is new: a
        # result recorded in between arrives twice, once from each, and is sent once.
        sent: set[tuple[str, str | None]] = set()
        for item in await asyncio.to_thread(runtime.hot_results.case_events, run.id):
            sent.add((item["caseId"], item["row"]))
            yield _sse("case", item)
        if str(current.status) in [s.value for s in FINISHED]:
            yield _sse("summary", _live(runtime, current))  # a stream ends with its summary
            return
        idle = 0.0
        while not await request.is_disconnected():
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if message is None:
                idle += 1.0
                if idle >= 15:
                    idle = 0.0
                    yield b": keep-alive\n\n"
                    current = await asyncio.to_thread(runtime.testexec.run, run.id, run.owner_id)
                    if str(current.status) in [s.value for s in FINISHED]:
                        yield _sse("summary", _live(runtime, current))
                        return
                continue
            event = json.loads(message["data"])
            if event.get("type") == "cases":
                for item in event.get("items", []):
                    key = (item.get("caseId"), item.get("row"))
                    if key not in sent:
                        sent.add(key)
                        yield _sse("case", item)
            elif event.get("type") == "finished":
                # The summary event is written just after the Redis mark: give it a moment.
                for _ in range(20):
                    current = await asyncio.to_thread(runtime.testexec.run, run.id, run.owner_id)
                    if str(current.status) in [s.value for s in FINISHED]:
                        break
                    await asyncio.sleep(0.1)
                yield _sse("summary", _live(runtime, current))
                return
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await client.aclose()
