"""testexec.execution_environments, testexec.test_runs and testexec.run_schedules from their
aggregates' events.

Secrets stay sealed (ciphertext) in the read table, as in the events.
"""

import json
from datetime import datetime
from functools import singledispatchmethod
from typing import Any

from domain.environments.model import ExecutionEnvironment
from domain.runs.model import RunStatus, TestRun, redis_key
from domain.schedules.model import RunSchedule
from projections.base import Projection
from projections.testexec.view import TestexecView

ENVIRONMENTS = "execution_environments"
RUNS = "test_runs"
SCHEDULES = "run_schedules"


def _env_column(field: str, value: Any) -> Any:
    # Variables keep their order (a list of {name, value, secret}): jsonb reorders an object.
    if field in ("variables", "headers", "auth"):
        return json.dumps(value)
    return value


def _time(text: str | None) -> datetime | None:
    """This function will read a time as events carry it (ISO 8601 with its UTC offset)."""
    return datetime.fromisoformat(text) if text else None


class TestexecProjection(Projection[TestexecView]):
    """Environments and run summaries."""

    __test__ = False
    name = "testexec"
    follows = ("testexec",)

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore events it has no table for."""

    @process_event.register
    def _(self, e: ExecutionEnvironment.Created) -> None:
        self.view.insert(
            ENVIRONMENTS,
            {
                "id": e.originator_id,
                "project_id": e.project_id,
                "name": e.name,
                "base_url": e.base_url,
                "variables": _env_column("variables", e.variables),
                "secret_variables": json.dumps(
                    sorted(v["name"] for v in e.variables if v.get("secret"))
                ),
                "headers": json.dumps(e.headers),
                "auth_config": json.dumps(e.auth),
                "is_default": False,
                "is_deleted": False,
                "created_date_time": e.timestamp,
                "updated_date_time": e.timestamp,
                "row_version": e.originator_version,
            },
        )

    @process_event.register
    def _(self, e: ExecutionEnvironment.Changed) -> None:
        fields = {
            ("auth_config" if k == "auth" else k): _env_column(k, v) for k, v in e.changes.items()
        }
        if "variables" in e.changes:
            fields["secret_variables"] = json.dumps(
                sorted(v["name"] for v in e.changes["variables"] if v.get("secret"))
            )
        self.view.update(ENVIRONMENTS, e.originator_id, fields, e.timestamp, e.originator_version)

    @process_event.register
    def _(self, e: ExecutionEnvironment.DefaultSet) -> None:
        self.view.update(
            ENVIRONMENTS,
            e.originator_id,
            {"is_default": e.is_default},
            e.timestamp,
            e.originator_version,
        )

    @process_event.register
    def _(self, e: ExecutionEnvironment.Deleted) -> None:
        self.view.update(
            ENVIRONMENTS,
            e.originator_id,
            {"is_deleted": True, "is_default": False},
            e.timestamp,
            e.originator_version,
        )

    @process_event.register
    def _(self, e: TestRun.Queued) -> None:
        self.view.insert(
            RUNS,
            {
                "id": e.originator_id,
                "project_id": e.project_id,
                "test_suite_id": e.suite_id,
                "environment_id": e.environment_id,
                "triggered_by_id": e.meta.get("user_id"),
                "owner_id": e.owner_id,
                "run_number": e.run_number,
                "status": RunStatus.PENDING.value,
                "started_at": None,
                "completed_at": None,
                "total_tests": e.total_tests,
                "passed_count": 0,
                "failed_count": 0,
                "skipped_count": 0,
                "duration_ms": 0,
                "redis_key": redis_key(e.originator_id),
                "results_expire_at": None,
                "results_archived": False,
                "failure_reason": None,
                "attempts": 0,
                "cancel_requested": False,
                "created_date_time": e.timestamp,
                "updated_date_time": e.timestamp,
                "row_version": e.originator_version,
            },
        )

    @process_event.register
    def _(self, e: TestRun.Started) -> None:
        self._run(
            e,
            status=RunStatus.RUNNING.value,
            started_at=_time(e.started_at),
            attempts=e.attempt,
            total_tests=e.total_tests,
        )

    @process_event.register
    def _(self, e: TestRun.Completed) -> None:
        self._run(e, **self._closing(e, RunStatus.COMPLETED))

    @process_event.register
    def _(self, e: TestRun.Failed) -> None:
        self._run(e, **self._closing(e, RunStatus.FAILED), failure_reason=e.reason)

    @process_event.register
    def _(self, e: TestRun.Cancelled) -> None:
        self._run(e, **self._closing(e, RunStatus.CANCELLED))

    @process_event.register
    def _(self, e: TestRun.CancellationRequested) -> None:
        self._run(e, cancel_requested=True)

    @process_event.register
    def _(self, e: TestRun.ResultsArchived) -> None:
        self._run(e, redis_key=None, results_archived=True)

    @process_event.register
    def _(self, e: RunSchedule.Created) -> None:
        self.view.insert(
            SCHEDULES,
            {
                "id": e.originator_id,
                "project_id": e.project_id,
                "test_suite_id": e.suite_id,
                "owner_id": e.owner_id,
                "environment_id": e.environment_id,
                "cron": e.cron,
                "timezone": e.timezone,
                "enabled": e.enabled,
                "next_run_at": _time(e.next_run_at),
                "last_tick_at": None,
                "last_run_id": None,
                "is_deleted": False,
                "created_date_time": e.timestamp,
                "updated_date_time": e.timestamp,
                "row_version": e.originator_version,
            },
        )

    @process_event.register
    def _(self, e: RunSchedule.Changed) -> None:
        self._schedule(e, next_run_at=_time(e.next_run_at), **e.changes)

    @process_event.register
    def _(self, e: RunSchedule.TickFired) -> None:
        self._schedule(
            e,
            next_run_at=_time(e.next_run_at),
            last_tick_at=_time(e.tick_at),
            last_run_id=e.run_id,
        )

    @process_event.register
    def _(self, e: RunSchedule.Deleted) -> None:
        self._schedule(e, is_deleted=True, enabled=False, next_run_at=None)

    def _schedule(self, e: Any, **fields: Any) -> None:
        self.view.update(SCHEDULES, e.originator_id, fields, e.timestamp, e.originator_version)

    def _closing(self, e: Any, status: RunStatus) -> dict[str, Any]:
        return {
            "status": status.value,
            "passed_count": e.passed,
            "failed_count": e.failed,
            "skipped_count": e.skipped,
            "duration_ms": e.duration_ms,
            "completed_at": _time(e.completed_at),
            "results_expire_at": _time(e.results_expire_at),
        }

    def _run(self, e: Any, **fields: Any) -> None:
        self.view.update(RUNS, e.originator_id, fields, e.timestamp, e.originator_version)
