"""Queries on the testexec read tables."""

from datetime import datetime
from typing import Any
from uuid import UUID

from infrastructure.postgres.pool import DictPool


class PostgresTestexecReader:
    """Environments and run summaries as the API shows them; expired runs for the clean-up."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def _all(self, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        with self._pool.connection() as conn:
            return [dict(row) for row in conn.execute(sql, params).fetchall()]

    def runs(self, suite_id: UUID, limit: int, offset: int) -> list[dict[str, Any]]:
        return self._all(
            "SELECT * FROM testexec.test_runs WHERE test_suite_id = %s ORDER BY run_number DESC LIMIT %s OFFSET %s",
            (suite_id, limit, offset),
        )

    def run(self, run_id: UUID) -> dict[str, Any] | None:
        rows = self._all("SELECT * FROM testexec.test_runs WHERE id = %s", (run_id,))
        return rows[0] if rows else None

    def expired(self, now: datetime, limit: int) -> list[UUID]:
        rows = self._all(
            "SELECT id FROM testexec.test_runs WHERE redis_key IS NOT NULL AND results_expire_at IS NOT NULL"
            " AND results_expire_at::timestamptz < %s ORDER BY results_expire_at LIMIT %s",
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
