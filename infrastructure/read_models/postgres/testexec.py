"""testexec.execution_environments, testexec.test_runs and testexec.run_schedules in
PostgreSQL."""

from datetime import datetime
from typing import Any
from uuid import UUID

from infrastructure.read_models.postgres.base import PostgresView
from projections.testexec.view import TestexecView

_STAMP = " created_date_time timestamptz NOT NULL, updated_date_time timestamptz NOT NULL, row_version integer NOT NULL"

_UPDATABLE = {
    "execution_environments": {
        "name",
        "base_url",
        "variables",
        "secret_variables",
        "headers",
        "auth_config",
        "is_default",
        "is_deleted",
    },
    "test_runs": {
        "status",
        "started_at",
        "completed_at",
        "total_tests",
        "passed_count",
        "failed_count",
        "skipped_count",
        "duration_ms",
        "redis_key",
        "results_expire_at",
        "results_archived",
        "failure_reason",
        "attempts",
        "cancel_requested",
    },
    "run_schedules": {
        "environment_id",
        "cron",
        "timezone",
        "enabled",
        "next_run_at",
        "last_tick_at",
        "last_run_id",
        "is_deleted",
    },
}


# Tables created before the times were timestamptz, and before runs kept cancel_requested and
# environments kept their variables in order: brought to today's shape, once (each statement
# does nothing on a table already there). A run's cancel_requested reads false, and an old
# environment row's variables in name order, until `testament rebuild testexec`.
MIGRATIONS = (
    "ALTER TABLE {schema}.test_runs ADD COLUMN IF NOT EXISTS cancel_requested boolean NOT NULL"
    " DEFAULT false",
    "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '{schema}.test_runs'::regclass"
    " AND attname = 'started_at' AND atttypid = 'text'::regtype) THEN"
    " ALTER TABLE {schema}.test_runs"
    " ALTER COLUMN started_at TYPE timestamptz USING nullif(started_at, '')::timestamptz,"
    " ALTER COLUMN completed_at TYPE timestamptz USING nullif(completed_at, '')::timestamptz,"
    " ALTER COLUMN results_expire_at TYPE timestamptz"
    " USING nullif(results_expire_at, '')::timestamptz;"
    " END IF; END $$",
    "UPDATE {schema}.execution_environments SET variables = (SELECT coalesce(jsonb_agg("
    "jsonb_build_object('name', v.key, 'value', v.value, 'secret', secret_variables ? v.key)"
    " ORDER BY v.key), '[]'::jsonb) FROM jsonb_each(variables) v)"
    " WHERE jsonb_typeof(variables) = 'object'",
)


class PostgresTestexecView(PostgresView, TestexecView):
    """Environments (secrets sealed) and run summaries."""

    __test__ = False
    tables = ("execution_environments", "test_runs", "run_schedules")
    ddl = (
        "CREATE TABLE IF NOT EXISTS {schema}.execution_environments ("
        " id uuid PRIMARY KEY, project_id uuid NOT NULL, name text NOT NULL, base_url text NOT NULL,"
        " variables jsonb NOT NULL, secret_variables jsonb NOT NULL, headers jsonb NOT NULL,"
        " auth_config jsonb NOT NULL, is_default boolean NOT NULL, is_deleted boolean NOT NULL,"
        + _STAMP
        + ")",
        "CREATE INDEX IF NOT EXISTS execution_environments_project_idx ON {schema}.execution_environments (project_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.test_runs ("
        " id uuid PRIMARY KEY, project_id uuid NOT NULL, test_suite_id uuid NOT NULL, environment_id uuid NOT NULL,"
        " triggered_by_id uuid, owner_id uuid NOT NULL, run_number integer NOT NULL, status text NOT NULL,"
        " started_at timestamptz, completed_at timestamptz, total_tests integer NOT NULL, passed_count integer NOT NULL,"
        " failed_count integer NOT NULL, skipped_count integer NOT NULL, duration_ms bigint NOT NULL,"
        " redis_key text, results_expire_at timestamptz, results_archived boolean NOT NULL, failure_reason text,"
        " attempts integer NOT NULL, cancel_requested boolean NOT NULL DEFAULT false,"
        + _STAMP
        + ", UNIQUE (test_suite_id, run_number))",
        *MIGRATIONS,
        "CREATE INDEX IF NOT EXISTS test_runs_suite_idx ON {schema}.test_runs (test_suite_id, run_number DESC)",
        "CREATE INDEX IF NOT EXISTS test_runs_expiry_idx ON {schema}.test_runs (results_expire_at)"
        " WHERE redis_key IS NOT NULL",
        "CREATE TABLE IF NOT EXISTS {schema}.run_schedules ("
        " id uuid PRIMARY KEY, project_id uuid NOT NULL, test_suite_id uuid NOT NULL,"
        " owner_id uuid NOT NULL, environment_id uuid, cron text NOT NULL, timezone text NOT NULL,"
        " enabled boolean NOT NULL, next_run_at timestamptz, last_tick_at timestamptz,"
        " last_run_id uuid, is_deleted boolean NOT NULL," + _STAMP + ")",
        "CREATE INDEX IF NOT EXISTS run_schedules_suite_idx ON {schema}.run_schedules (test_suite_id)",
        # What the schedulers ask every few seconds: the enabled schedules due now.
        "CREATE INDEX IF NOT EXISTS run_schedules_due_idx ON {schema}.run_schedules (next_run_at)"
        " WHERE enabled AND NOT is_deleted",
    )

    def insert(self, table: str, row: dict[str, Any]) -> None:
        self.insert_rows(table, [row])

    def update(
        self, table: str, row_id: UUID, fields: dict[str, Any], at: datetime, row_version: int
    ) -> None:
        self.update_row(
            table, row_id, at=at, version=row_version, allowed=_UPDATABLE[table], fields=fields
        )
