"""Liveness and the position of each read model against its log."""

from fastapi import APIRouter

from interfaces.http.dependencies import RuntimeDep
from interfaces.http.schemas.health import HealthPublic

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthPublic)
def health(runtime: RuntimeDep) -> HealthPublic:
    """Whether PostgreSQL and Redis answer, and how far each projection lags its log.

    A projection stopped at an event it cannot apply shows the event (`stalled`: position,
    topic, error, since when) and makes the status `degraded`: the API still answers, but
    that read model stays behind for every tenant until the event is fixed or skipped
    (`testament projections skip`, docs/runbook.md)."""
    return HealthPublic.model_validate(runtime.health(), from_attributes=True)
