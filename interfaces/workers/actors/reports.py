"""Actors of the testreport context: a run's end captured (details and coverage), and
requested reports made."""

from uuid import UUID

import dramatiq

from interfaces.workers.context import get_runtime


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
