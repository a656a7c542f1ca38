"""Actors of the testreport context: a run's coverage, calculated when the run ends."""

from typing import Any
from uuid import UUID

import dramatiq

from interfaces.workers.context import get_runtime
from interfaces.workers.handlers import subscribe


@dramatiq.actor(
    actor_name="testreport.calculate_coverage",
    queue_name="reports",
    max_retries=5,
    time_limit=10 * 60 * 1000,
)
def calculate_coverage(*, run_id: str) -> None:
    """Calculate and record a finished run's coverage; idempotent (one coverage per run)."""
    get_runtime().testreport.calculate_run_coverage(UUID(run_id))


def _calculate_when_finished(event: dict[str, Any]) -> None:
    calculate_coverage.send(run_id=event["object_id"])


# Every way a run ends: a cancelled or failed run covered what it sent before it stopped.
for _ended in ("TestRun.Completed", "TestRun.Failed", "TestRun.Cancelled"):
    subscribe(_ended, "testreport.calculate_coverage_when_finished", _calculate_when_finished)
