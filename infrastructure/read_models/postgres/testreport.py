"""testreport.coverage_metrics in PostgreSQL."""

from typing import Any

from infrastructure.read_models.postgres.base import PostgresView
from projections.testreport.view import TestreportView

_STAMP = " created_date_time timestamptz NOT NULL, updated_date_time timestamptz NOT NULL, row_version integer NOT NULL"


class PostgresTestreportView(PostgresView, TestreportView):
    """The ERD's CoverageMetrics, with the run's scope and each endpoint's detail."""

    __test__ = False
    tables = ("coverage_metrics",)
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
    )

    def insert_coverage(self, row: dict[str, Any]) -> None:
        self.insert_rows("coverage_metrics", [row])
