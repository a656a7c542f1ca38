"""Queries on the testexec read tables, behind the application's reader protocols."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from application.testexec.queries import (
    EnvironmentSummary,
    RunSummary,
    masked_auth,
    masked_variables,
)
from application.testexec.schedules import ScheduleSummary
from domain.runs.model import RunStatus
from infrastructure.postgres.pool import DictPool


def _utc(value: datetime | None) -> datetime | None:
    # PostgreSQL gives timestamptz in the session's time zone; the events' times are UTC.
    return None if value is None else value.astimezone(UTC)


def run_from_row(row: dict[str, Any]) -> RunSummary:
    return RunSummary(
        id=row["id"],
        project_id=row["project_id"],
        suite_id=row["test_suite_id"],
        environment_id=row["environment_id"],
        run_number=row["run_number"],
        status=RunStatus(row["status"]),
        triggered_by=row["triggered_by_id"],
        queued_at=row["created_date_time"].astimezone(UTC),
        started_at=_utc(row["started_at"]),
        completed_at=_utc(row["completed_at"]),
        total_tests=row["total_tests"],
        passed=row["passed_count"],
        failed=row["failed_count"],
        skipped=row["skipped_count"],
        duration_ms=row["duration_ms"],
        results_expire_at=_utc(row["results_expire_at"]),
        results_archived=row["results_archived"],
        cancel_requested=row["cancel_requested"],
        failure_reason=row["failure_reason"] or "",
        attempts=row["attempts"],
        version=row["row_version"],
    )


def environment_from_row(row: dict[str, Any]) -> EnvironmentSummary:
    return EnvironmentSummary(
        id=row["id"],
        project_id=row["project_id"],
        name=row["name"],
        base_url=row["base_url"],
        variables=masked_variables(row["variables"]),
        headers=row["headers"],
        auth=masked_auth(row["auth_config"]),
        is_default=row["is_default"],
        version=row["row_version"],
    )


class PostgresTestexecReader:
    """Environments and run summaries as the API shows them; expired and stalled runs for the
    workers. Every query for a caller joins on the owner."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def _all(self, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        with self._pool.connection() as conn:
            return [dict(row) for row in conn.execute(sql, params).fetchall()]

    def suite_runs(
        self, suite_id: UUID, *, owner_id: UUID, limit: int, offset: int
    ) -> list[RunSummary]:
        rows = self._all(
            "SELECT * FROM testexec.test_runs WHERE test_suite_id = %s AND owner_id = %s"
            " ORDER BY run_number DESC LIMIT %s OFFSET %s",
            (suite_id, owner_id, limit, offset),
        )
        return [run_from_row(row) for row in rows]

    def project_environments(
        self, project_id: UUID, *, owner_id: UUID | None
    ) -> list[EnvironmentSummary]:
        owned = (
            ""
            if owner_id is None
            else " JOIN apidoc.projects p ON p.id = e.project_id AND p.owner_id = %(owner)s"
        )
        with self._pool.connection() as conn:
            rows = conn.execute(
                f"SELECT e.* FROM testexec.execution_environments e{owned}"
                " WHERE e.project_id = %(project)s AND NOT e.is_deleted"
                " ORDER BY e.created_date_time, e.id",
                {"owner": owner_id, "project": project_id},
            ).fetchall()
        return [environment_from_row(dict(row)) for row in rows]

    def expired(self, now: datetime, limit: int) -> list[UUID]:
        rows = self._all(
            "SELECT id FROM testexec.test_runs WHERE redis_key IS NOT NULL"
            " AND results_expire_at < %s ORDER BY results_expire_at LIMIT %s",
            (now, limit),
        )
        return [row["id"] for row in rows]

    def stalled(self, older_than: datetime, limit: int = 100) -> list[UUID]:
        """Runs still Pending or Running whose last event is older than a moment."""
        rows = self._all(
            "SELECT id FROM testexec.test_runs WHERE status IN ('Pending', 'Running') AND updated_date_time < %s"
            " ORDER BY updated_date_time LIMIT %s",
            (older_than, limit),
        )
        return [row["id"] for row in rows]

    def due(self, now: datetime, limit: int) -> list[UUID]:
        """Enabled schedules whose next tick is at or before now, the longest due first."""
        rows = self._all(
            "SELECT id FROM testexec.run_schedules WHERE enabled AND NOT is_deleted"
            " AND next_run_at <= %s ORDER BY next_run_at LIMIT %s",
            (now, limit),
        )
        return [row["id"] for row in rows]

    def suite_schedule_count(self, suite_id: UUID) -> int:
        rows = self._all(
            "SELECT count(*) AS n FROM testexec.run_schedules"
            " WHERE test_suite_id = %s AND NOT is_deleted",
            (suite_id,),
        )
        return int(rows[0]["n"])

    def suite_schedules(self, suite_id: UUID, *, owner_id: UUID) -> list[ScheduleSummary]:
        rows = self._all(
            "SELECT * FROM testexec.run_schedules WHERE test_suite_id = %s AND owner_id = %s"
            " AND NOT is_deleted ORDER BY created_date_time, id",
            (suite_id, owner_id),
        )
        return [
            ScheduleSummary(
                id=row["id"],
                project_id=row["project_id"],
                suite_id=row["test_suite_id"],
                environment_id=row["environment_id"],
                cron=row["cron"],
                timezone=row["timezone"],
                enabled=row["enabled"],
                next_run_at=_utc(row["next_run_at"]),
                last_tick_at=_utc(row["last_tick_at"]),
                last_run_id=row["last_run_id"],
                version=row["row_version"],
            )
            for row in rows
        ]
