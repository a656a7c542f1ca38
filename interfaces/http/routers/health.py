"""Liveness and the position of each read model against its log."""

from typing import Any

from fastapi import APIRouter

from infrastructure.projections.tracking import read_position
from interfaces.http.dependencies import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(runtime: RuntimeDep) -> dict[str, Any]:
    """Whether PostgreSQL and Redis answer, and how far each projection lags its log."""
    with runtime.pool.connection() as conn:
        conn.execute("SELECT 1")
    runtime.redis.ping()
    heads = {
        name: app.recorder.max_notification_id() or 0
        for name, app in runtime.applications().items()
    }
    projections = []
    with runtime.pool.connection() as conn, conn.cursor() as cur:
        for runner in runtime.runners():
            position = read_position(cur, runner.name, runner.log_name)
            projections.append(
                {
                    "name": runner.name,
                    "log": runner.log_name,
                    "position": position,
                    "lag": heads[runner.log_name] - position,
                }
            )
    return {
        "status": "ok",
        "embedded": runtime.settings.embedded,
        "logs": heads,
        "projections": projections,
    }
