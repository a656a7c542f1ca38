"""Actors of the testreport context: a run's end captured (details and coverage), and
requested reports made."""

from typing import Any
from uuid import UUID

import dramatiq

from interfaces.workers.context import get_runtime
from interfaces.workers.handlers import subscribe


@dramatiq.actor(
    actor_name="testreport.capture_run",
    queue_name="reports",
    max_retries=5,
    time_limit=10 * 60 * 1000,
)
def capture_run(*, run_id: str) -> None:
    """Keep a finished run's details as a file and record its coverage; idempotent."""
    get_runtime().testreport.capture_finished_run(UUID(run_id))


@dramatiq.actor(
    actor_name="testreport.generate_report",
    queue_name="reports",
    max_retries=3,
    time_limit=15 * 60 * 1000,
)
def generate_report(*, report_id: str) -> None:
    """Make a requested report; a report already made (or failed) is left alone."""
    get_runtime().testreport.generate_report(UUID(report_id))


def _capture_when_finished(event: dict[str, Any]) -> None:
    capture_run.send(run_id=event["object_id"])


def _generate_when_requested(event: dict[str, Any]) -> None:
    generate_report.send(report_id=event["object_id"])


# Every way a run ends: a cancelled or failed run covered what it sent before it stopped.
for _ended in ("TestRun.Completed", "TestRun.Failed", "TestRun.Cancelled"):
    subscribe(_ended, "testreport.capture_when_finished", _capture_when_finished)
subscribe("TestReport.Requested", "testreport.generate_when_requested", _generate_when_requested)
