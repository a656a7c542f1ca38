"""Queries on testreport.coverage_metrics, behind the application's reader protocol."""

from datetime import UTC
from typing import Any
from uuid import UUID

from application.testreport.listing import CapturedRun, ReportSummary
from application.testreport.queries import StoredCoverage
from domain.coverage.calculation import EndpointCoverage
from infrastructure.postgres.pool import DictPool

_COLUMNS = (
    "SELECT id, test_run_id, run_number, suite_id, project_id, spec_id, spec_version,"
    " calculated_at, endpoints FROM testreport.coverage_metrics"
)


def _coverage(row: dict[str, Any]) -> StoredCoverage:
    return StoredCoverage(
        id=row["id"],
        run_id=row["test_run_id"],
        run_number=row["run_number"],
        suite_id=row["suite_id"],
        project_id=row["project_id"],
        spec_id=row["spec_id"],
        spec_version=row["spec_version"],
        calculated_at=row["calculated_at"].astimezone(UTC),
        endpoints=[EndpointCoverage.from_json(item) for item in row["endpoints"]],
    )


class PostgresCoverageReader:
    """Coverage rows of one owner's runs."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def _rows(self, where: str, params: tuple[Any, ...]) -> list[StoredCoverage]:
        with self._pool.connection() as conn:
            rows = conn.execute(f"{_COLUMNS} WHERE {where}", params).fetchall()
        return [_coverage(row) for row in rows]

    def run_coverage(self, run_id: UUID, *, owner_id: UUID) -> StoredCoverage | None:
        found = self._rows("test_run_id = %s AND owner_id = %s", (run_id, owner_id))
        return found[0] if found else None

    def suite_coverages(
        self, suite_id: UUID, *, owner_id: UUID, limit: int
    ) -> list[StoredCoverage]:
        return self._rows(
            "suite_id = %s AND owner_id = %s ORDER BY run_number DESC LIMIT %s",
            (suite_id, owner_id, limit),
        )

    def project_coverages(self, project_id: UUID, *, owner_id: UUID) -> list[StoredCoverage]:
        return self._rows(
            "project_id = %s AND owner_id = %s ORDER BY calculated_at DESC, run_number DESC",
            (project_id, owner_id),
        )


def _report(row: dict[str, Any]) -> ReportSummary:
    def utc(value: Any) -> Any:
        return None if value is None else value.astimezone(UTC)

    return ReportSummary(
        id=row["id"],
        run_id=row["test_run_id"],
        generated_by=row["generated_by_id"],
        report_type=row["type_name"],
        format=row["format_name"],
        status=row["status"],
        file_id=row["file_id"],
        file_name=row["file_name"],
        size=row["size"],
        generated_at=utc(row["generated_at"]),
        expires_at=utc(row["expires_at"]),
        failure_reason=row["failure_reason"],
        requested_at=utc(row["created_date_time"]),
        version=row["row_version"],
    )


class PostgresReportReader:
    """Report rows and run captures of one owner."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def run_reports(self, run_id: UUID, *, owner_id: UUID) -> list[ReportSummary]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT * FROM testreport.test_reports WHERE test_run_id = %s AND owner_id = %s"
                " ORDER BY created_date_time DESC, id",
                (run_id, owner_id),
            ).fetchall()
        return [_report(row) for row in rows]

    def suite_captures(self, suite_id: UUID, *, owner_id: UUID, limit: int) -> list[CapturedRun]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT test_run_id, run_number, file_id, summary FROM testreport.run_captures"
                " WHERE suite_id = %s AND owner_id = %s ORDER BY run_number DESC LIMIT %s",
                (suite_id, owner_id, limit),
            ).fetchall()
        return [
            CapturedRun(
                run_id=row["test_run_id"],
                run_number=row["run_number"],
                file_id=row["file_id"],
                summary=row["summary"],
            )
            for row in rows
        ]
