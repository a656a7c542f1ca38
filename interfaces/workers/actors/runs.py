"""Actors of test runs: execute a queued run, resume stalled ones, archive expired results."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import dramatiq

from infrastructure.redis.keys import RedisKeys
from infrastructure.redis.lease import is_leased, run_lease
from interfaces.workers.context import get_runtime
from interfaces.workers.queued import taken


@dramatiq.actor(
    actor_name="testexec.execute_run",
    queue_name="runs",
    max_retries=3,
    min_backoff=2_000,
    time_limit=6 * 60 * 60 * 1000,
)
def execute_run(*, run_id: str) -> None:
    """Execute (or resume) a run; a second delivery while another worker holds it is dropped."""
    runtime = get_runtime()
    with run_lease(runtime.redis, runtime.hot_results.keys, run_id) as acquired:
        if acquired:
            runtime.testexec.execute_test_run(UUID(run_id))


@dramatiq.actor(actor_name="testexec.resume_stalled_runs", queue_name="runs", max_retries=0)
def resume_stalled_runs() -> None:
    """Send again runs that are Pending or Running with no worker holding them (a dead worker)."""
    runtime = get_runtime()
    taken(runtime.redis, runtime.settings.queue_namespace, "resume_stalled_runs")
    stalled_after = timedelta(seconds=runtime.settings.run_stall_seconds)
    keys: RedisKeys = runtime.hot_results.keys
    for run_id in runtime.runs.stalled(datetime.now(UTC) - stalled_after):
        if not is_leased(runtime.redis, keys, run_id):
            execute_run.send(run_id=str(run_id))


@dramatiq.actor(actor_name="testexec.archive_expired_results", queue_name="runs", max_retries=3)
def archive_expired_results() -> None:
    """Record ResultsArchived for runs whose hot results expired (§5.1)."""
    runtime = get_runtime()
    taken(runtime.redis, runtime.settings.queue_namespace, "archive_expired_results")
    runtime.testexec.archive_expired_results()


@dramatiq.actor(actor_name="testexec.fire_due_schedules", queue_name="runs", max_retries=0)
def fire_due_schedules() -> None:
    """Queue the runs of the schedules due now, a tick once however many workers ask."""
    runtime = get_runtime()
    taken(runtime.redis, runtime.settings.queue_namespace, "fire_due_schedules")
    runtime.testexec.fire_due_schedules()


@dramatiq.actor(actor_name="testexec.forget_idempotent_answers", queue_name="runs", max_retries=0)
def forget_idempotent_answers() -> None:
    """Delete the answers kept for Idempotency-Key once their keys expire."""
    runtime = get_runtime()
    taken(runtime.redis, runtime.settings.queue_namespace, "forget_idempotent_answers")
    runtime.idempotency.forget_answers(timedelta(hours=runtime.settings.idempotency_keep_hours))


@dramatiq.actor(actor_name="storage.purge_expired_files", queue_name="runs", max_retries=0)
def purge_expired_files() -> None:
    """Remove the bytes of files past their expiry (reports, exports) and record each."""
    runtime = get_runtime()
    taken(runtime.redis, runtime.settings.queue_namespace, "purge_expired_files")
    runtime.storage.purge_expired_files(datetime.now(UTC))
