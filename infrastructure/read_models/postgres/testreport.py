"""testreport.coverage_metrics, test_reports and run_captures in PostgreSQL."""

from datetime import datetime
from typing import Any
from uuid import UUID

from infrastructure.read_models.postgres.base import PostgresView
from projections.testreport.view import TestreportView

_STAMP = " created_date_time timestamptz NOT NULL, updated_date_time timestamptz NOT NULL, row_version integer NOT NULL"


class PostgresTestreportView(PostgresView, TestreportView):
    """The ERD's CoverageMetrics, with the run's scope and each endpoint's detail."""

    __test__ = False
    tables = ("coverage_metrics", "test_reports", "run_captures")
    ddl = (
        "CREATE TABLE IF NOT EXISTS {schema}.coverage_metrics ("
        " id uuid PRIMARY KEY, test_run_id uuid NOT NULL UNIQUE, total_endpoints integer NOT NULL,"
        " tested_endpoints integer NOT NULL, coverage_percent numeric(5,2) NOT NULL,"
        " by_method jsonb NOT NULL, by_tag jsonb NOT NULL, uncovered_paths jsonb NOT NULL,"
        " calculated_at timestamptz NOT NULL, owner_id uuid NOT NULL, project_id uuid NOT NULL,"
        " suite_id uuid NOT NULL, run_number integer NOT NULL, spec_id uuid,"
        " spec_version integer NOT NULL, statuses jsonb NOT NULL, parameters jsonb NOT NULL,"
        " body_fields jsonb NOT NULL, endpoints jsonb NOT NULL," + _STAMP + ")",
        "CREATE INDEX IF NOT EXISTS coverage_metrics_suite_idx ON {schema}.coverage_metrics"
        " (suite_id, run_number DESC)",
        "CREATE INDEX IF NOT EXISTS coverage_metrics_project_idx ON {schema}.coverage_metrics"
        " (project_id, calculated_at DESC)",
        "CREATE TABLE IF NOT EXISTS {schema}.test_reports ("
        " id uuid PRIMARY KEY, test_run_id uuid NOT NULL, generated_by_id uuid, file_id uuid,"
        " report_type integer NOT NULL, format integer NOT NULL, generated_at timestamptz,"
        " expires_at timestamptz, owner_id uuid NOT NULL, type_name text NOT NULL,"
        " format_name text NOT NULL, status text NOT NULL, file_name text NOT NULL,"
        " size bigint NOT NULL, failure_reason text NOT NULL," + _STAMP + ")",
        "CREATE INDEX IF NOT EXISTS test_reports_run_idx ON {schema}.test_reports"
        " (test_run_id, created_date_time DESC)",
        "CREATE TABLE IF NOT EXISTS {schema}.run_captures ("
        " id uuid PRIMARY KEY, test_run_id uuid NOT NULL UNIQUE, suite_id uuid NOT NULL,"
        " owner_id uuid NOT NULL, run_number integer NOT NULL, file_id uuid NOT NULL,"
        " results integer NOT NULL, summary jsonb NOT NULL, capture_version integer NOT NULL,"
        + _STAMP
        + ")",
        "CREATE INDEX IF NOT EXISTS run_captures_suite_idx ON {schema}.run_captures"
        " (suite_id, run_number DESC)",
    )

    def insert_coverage(self, row: dict[str, Any]) -> None:
        self.insert_rows("coverage_metrics", [row])

    def insert_capture(self, row: dict[str, Any]) -> None:
        self.insert_rows("run_captures", [row])

    def insert_report(self, row: dict[str, Any]) -> None:
        self.insert_rows("test_reports", [row])

    def update_report(self, report_id: UUID, *, at: datetime, version: int, **fields: Any) -> None:
        self.update_row(
            "test_reports", report_id, at=at, version=version, allowed=_REPORT_FIELDS, fields=fields
        )


_REPORT_FIELDS = {
    "status",
    "file_id",
    "file_name",
    "size",
    "generated_at",
    "expires_at",
    "failure_reason",
}
