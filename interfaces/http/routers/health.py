"""Liveness and the position of each read model against its log."""

from typing import Any

from fastapi import APIRouter

from infrastructure.projections.stalls import read_stalls
from infrastructure.projections.tracking import read_position
from interfaces.http.dependencies import RuntimeDep
from interfaces.http.schemas.health import HealthPublic

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthPublic)
def health(runtime: RuntimeDep) -> dict[str, Any]:
    """Whether PostgreSQL and Redis answer, and how far each projection lags its log.

    A projection stopped at an event it cannot apply shows the event (`stalled`: position,
    topic, error, since when) and makes the status `degraded`: the API still answers, but
    that read model stays behind for every tenant until the event is fixed or skipped
    (`testament projections skip`, docs/runbook.md)."""
    with runtime.pool.connection() as conn:
        conn.execute("SELECT 1")
    runtime.redis.ping()
    heads = {
        name: app.recorder.max_notification_id() or 0
        for name, app in runtime.applications().items()
    }
    projections = []
    with runtime.pool.connection() as conn, conn.cursor() as cur:
        stalls = read_stalls(cur)
        for runner in runtime.runners():
            position = read_position(cur, runner.name, runner.log_name)
            stall = stalls.get((runner.name, runner.log_name))
            projections.append(
                {
                    "name": runner.name,
                    "log": runner.log_name,
                    "position": position,
                    "lag": heads[runner.log_name] - position,
                    "stalled": None
                    if stall is None
                    else {
                        "position": f"{stall.log}:{stall.position}",
                        "topic": stall.topic,
                        "error": stall.error,
                        "attempts": stall.attempts,
                        "since": stall.since.isoformat(),
                    },
                }
            )
    return {
        "status": "degraded" if any(p["stalled"] for p in projections) else "ok",
        "embedded": runtime.settings.embedded,
        "logs": heads,
        "projections": projections,
    }
