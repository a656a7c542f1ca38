"""The testgen read tables in PostgreSQL."""

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg.sql import SQL, Identifier

from infrastructure.read_models.postgres.base import PostgresView
from projections.testgen.view import TestgenView

_STAMP = " created_date_time timestamptz NOT NULL, updated_date_time timestamptz NOT NULL, row_version integer NOT NULL"
_CHILD_TABLES = (
    "test_case_requests",
    "test_case_expectations",
    "test_case_variables",
    "test_data_sets",
)


_TABLES = (
    "test_suites",
    "test_cases",
    *_CHILD_TABLES,
    "test_order_proposals",
    "test_suite_versions",
    "test_case_change_logs",
)
_TIMES = (
    ("test_suites", "approved_at"),
    ("test_order_proposals", "reviewed_at"),
    ("test_order_proposals", "applied_at"),
)


def _to_timestamptz(table: str, column: str) -> str:
    """This function will give a statement turning a text column of ISO 8601 times into
    timestamptz, doing nothing when it already is one (migrate runs it every time)."""
    return (
        "DO $$ BEGIN IF (SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
        f" WHERE attrelid = '{{schema}}.{table}'::regclass AND attname = '{column}') = 'text'"
        f" THEN ALTER TABLE {{schema}}.{table} ALTER COLUMN {column} TYPE timestamptz"
        f" USING {column}::timestamptz; END IF; END $$"
    )


class PostgresTestgenView(PostgresView, TestgenView):
    """Suites, cases, their requests, expectations, variables, data sets, proposals,
    suite versions and case change logs."""

    tables = _TABLES
    ddl = (
        "CREATE TABLE IF NOT EXISTS {schema}.test_suites ("
        " id uuid PRIMARY KEY, project_id uuid NOT NULL, api_spec_id uuid, name text NOT NULL,"
        " description text NOT NULL, generation_type text NOT NULL, status text NOT NULL,"
        " approval_status text NOT NULL, approved_at timestamptz, approved_by_id uuid, created_by_id uuid,"
        " last_modified_by_id uuid, selected_endpoint_ids jsonb NOT NULL, version integer NOT NULL,"
        + _STAMP
        + ")",
        "CREATE INDEX IF NOT EXISTS test_suites_project_idx ON {schema}.test_suites (project_id, created_date_time DESC)",
        "CREATE TABLE IF NOT EXISTS {schema}.test_cases ("
        " id uuid PRIMARY KEY, test_suite_id uuid NOT NULL, depends_on_id uuid, depends_on_ids jsonb NOT NULL,"
        " endpoint_id uuid, endpoint_key text NOT NULL, name text NOT NULL, description text NOT NULL,"
        " test_type text NOT NULL, priority text NOT NULL, is_enabled boolean NOT NULL, order_index integer NOT NULL,"
        " is_order_customized boolean NOT NULL, custom_order_index integer, last_modified_by_id uuid,"
        " tags jsonb NOT NULL, version integer NOT NULL," + _STAMP + ")",
        "CREATE INDEX IF NOT EXISTS test_cases_suite_idx ON {schema}.test_cases (test_suite_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.test_case_requests ("
        " id uuid PRIMARY KEY, test_case_id uuid NOT NULL, http_method text NOT NULL, url text NOT NULL,"
        " headers jsonb NOT NULL, path_params jsonb NOT NULL, query_params jsonb NOT NULL, body_type text NOT NULL,"
        " body text, timeout integer," + _STAMP + ")",
        "CREATE TABLE IF NOT EXISTS {schema}.test_case_expectations ("
        " id uuid PRIMARY KEY, test_case_id uuid NOT NULL, expected_status jsonb NOT NULL, response_schema jsonb,"
        " header_checks jsonb NOT NULL, body_contains jsonb NOT NULL, body_not_contains jsonb NOT NULL,"
        " json_path_checks jsonb NOT NULL, max_response_time integer," + _STAMP + ")",
        "CREATE TABLE IF NOT EXISTS {schema}.test_case_variables ("
        " id uuid PRIMARY KEY, test_case_id uuid NOT NULL, variable_name text NOT NULL, extract_from text NOT NULL,"
        " json_path text, header_name text, regex text, default_value text," + _STAMP + ")",
        "CREATE TABLE IF NOT EXISTS {schema}.test_data_sets ("
        " id uuid PRIMARY KEY, test_case_id uuid NOT NULL, name text NOT NULL, data jsonb NOT NULL,"
        " is_enabled boolean NOT NULL," + _STAMP + ")",
        *(
            f"CREATE INDEX IF NOT EXISTS {t}_case_idx ON {{schema}}.{t} (test_case_id)"
            for t in _CHILD_TABLES
        ),
        "CREATE TABLE IF NOT EXISTS {schema}.test_order_proposals ("
        " id uuid PRIMARY KEY, test_suite_id uuid NOT NULL, proposal_number integer NOT NULL, source text NOT NULL,"
        " status text NOT NULL, proposed_order jsonb NOT NULL, applied_order jsonb, user_modified_order jsonb,"
        " ai_reasoning text, considered_factors jsonb NOT NULL, llm_model text, tokens_used integer,"
        " reviewed_by_id uuid, reviewed_at timestamptz, review_notes text, applied_at timestamptz,"
        + _STAMP
        + ","
        " UNIQUE (test_suite_id, proposal_number))",
        "CREATE TABLE IF NOT EXISTS {schema}.test_suite_versions ("
        " id uuid PRIMARY KEY, test_suite_id uuid NOT NULL, version_number integer NOT NULL,"
        " change_type text NOT NULL, change_description text NOT NULL, changed_by_id uuid,"
        " previous_state jsonb, new_state jsonb NOT NULL, test_case_order_snapshot jsonb NOT NULL,"
        " approval_status_snapshot text NOT NULL,"
        + _STAMP
        + ", UNIQUE (test_suite_id, version_number))",
        "CREATE TABLE IF NOT EXISTS {schema}.test_case_change_logs ("
        " id uuid PRIMARY KEY, test_case_id uuid NOT NULL, changed_by_id uuid, change_type text NOT NULL,"
        " field_name text NOT NULL, old_value text, new_value text, change_reason text,"
        " version_after_change integer NOT NULL, ip_address text, user_agent text," + _STAMP + ")",
        "CREATE INDEX IF NOT EXISTS test_case_change_logs_case_idx ON {schema}.test_case_change_logs"
        " (test_case_id, version_after_change)",
        # Times were text before: a database made then has its columns converted in place.
        *(_to_timestamptz(table, column) for table, column in _TIMES),
        # Not in the ERD: what a case's GET needs to answer exactly what its write took.
        # Added after the tables (not in CREATE) so a live table and a rebuilt one keep
        # their columns in the same order. Nullable: NULL marks a row projected before them.
        "ALTER TABLE {schema}.test_case_requests ADD COLUMN IF NOT EXISTS without_credentials"
        " boolean",
        "ALTER TABLE {schema}.test_case_expectations ADD COLUMN IF NOT EXISTS any_status boolean",
        "ALTER TABLE {schema}.test_case_expectations ADD COLUMN IF NOT EXISTS assertions jsonb",
        # The Postman script parts the sandbox runs; no case had them before this column.
        "ALTER TABLE {schema}.test_case_expectations ADD COLUMN IF NOT EXISTS scripts jsonb",
        "ALTER TABLE {schema}.test_case_variables ADD COLUMN IF NOT EXISTS ordinal integer",
        "ALTER TABLE {schema}.test_data_sets ADD COLUMN IF NOT EXISTS ordinal integer",
        # Rows projected before those columns cannot say what the columns hold, and a case
        # read from them and written back would lose it: empty the tables and, for the live
        # schema, rewind the projection, which replays the log from the start.
        "DO $$ BEGIN IF EXISTS (SELECT 1 FROM {schema}.test_case_requests"
        " WHERE without_credentials IS NULL) OR EXISTS (SELECT 1 FROM"
        " {schema}.test_case_expectations WHERE scripts IS NULL) THEN TRUNCATE "
        + ", ".join(f"{{schema}}.{table}" for table in _TABLES)
        + "; IF '{schema}' = '\"testgen\"' THEN DELETE FROM projections.tracking"
        " WHERE projection_name = 'testgen'; END IF; END IF; END $$",
    )

    def insert_suite(self, row: dict[str, Any]) -> None:
        self.insert_rows("test_suites", [row])

    def _suite_state(self, suite_id: UUID) -> Any:
        self.cursor.execute(
            SQL(
                "SELECT to_jsonb(s) - 'row_version' - 'updated_date_time' - 'created_date_time' AS state"
                " FROM {} s WHERE id = %s"
            ).format(self.table("test_suites")),
            (suite_id,),
        )
        row = self.cursor.fetchone()
        return row["state"] if row else None

    def change_suite(
        self,
        suite_id: UUID,
        fields: dict[str, Any],
        version: dict[str, Any],
        at: datetime,
        row_version: int,
    ) -> None:
        previous = self._suite_state(suite_id) if row_version > 1 else None
        self.update_row(
            "test_suites",
            suite_id,
            at=at,
            version=row_version,
            allowed=_SUITE_COLUMNS,
            fields=fields,
        )
        new = self._suite_state(suite_id)
        self.cursor.execute(
            SQL(
                "SELECT coalesce(jsonb_agg(id ORDER BY coalesce(custom_order_index, order_index), order_index, id),"
                " '[]'::jsonb) AS ids FROM {} WHERE test_suite_id = %s"
            ).format(self.table("test_cases")),
            (suite_id,),
        )
        found = self.cursor.fetchone()
        order = found["ids"] if found else []
        self.insert_rows(
            "test_suite_versions",
            [
                {
                    **version,
                    "test_suite_id": suite_id,
                    "previous_state": _dumps(previous),
                    "new_state": _dumps(new),
                    "test_case_order_snapshot": _dumps(order),
                    "approval_status_snapshot": new["approval_status"],
                    "created_date_time": at,
                    "updated_date_time": at,
                    "row_version": row_version,
                }
            ],
        )

    def put_proposal(self, row: dict[str, Any]) -> None:
        self.insert_rows("test_order_proposals", [row])

    def supersede_pending_proposals(self, suite_id: UUID, by_number: int, at: datetime) -> None:
        self.run(
            "UPDATE {t_test_order_proposals} SET status = 'Rejected', review_notes = %(notes)s,"
            " updated_date_time = %(at)s, row_version = row_version + 1"
            " WHERE test_suite_id = %(suite)s AND status = 'Pending'",
            {"notes": f"superseded by proposal {by_number}", "at": at, "suite": suite_id},
        )

    def update_proposal(self, proposal_id: UUID, fields: dict[str, Any], at: datetime) -> None:
        assignments = [SQL("{} = %({})s").format(Identifier(k), SQL(k)) for k in fields]
        self.cursor.execute(
            SQL(
                "UPDATE {} SET {}, updated_date_time = %(at)s, row_version = row_version + 1 WHERE id = %(id)s"
            ).format(self.table("test_order_proposals"), SQL(", ").join(assignments)),
            {**fields, "at": at, "id": proposal_id},
        )

    def insert_case(self, case: dict[str, Any], children: dict[str, list[dict[str, Any]]]) -> None:
        self.insert_rows("test_cases", [case])
        for table, rows in children.items():
            self.insert_rows(table, rows)

    def change_case(
        self,
        case_id: UUID,
        fields: dict[str, Any],
        children: dict[str, list[dict[str, Any]]],
        at: datetime,
        row_version: int,
    ) -> None:
        self.update_row(
            "test_cases", case_id, at=at, version=row_version, allowed=_CASE_COLUMNS, fields=fields
        )
        for table, rows in children.items():
            self.run(f"DELETE FROM {{t_{table}}} WHERE test_case_id = %(id)s", {"id": case_id})
            self.insert_rows(table, rows)

    def delete_case(self, case_id: UUID) -> None:
        for table in _CHILD_TABLES:
            self.run(f"DELETE FROM {{t_{table}}} WHERE test_case_id = %(id)s", {"id": case_id})
        self.run("DELETE FROM {t_test_cases} WHERE id = %(id)s", {"id": case_id})

    def append_change_logs(self, rows: list[dict[str, Any]]) -> None:
        self.insert_rows("test_case_change_logs", rows)


_SUITE_COLUMNS = {
    "name",
    "description",
    "status",
    "approval_status",
    "approved_at",
    "approved_by_id",
    "last_modified_by_id",
    "version",
}
_CASE_COLUMNS = {
    "name",
    "description",
    "test_type",
    "priority",
    "endpoint_id",
    "endpoint_key",
    "tags",
    "is_enabled",
    "order_index",
    "custom_order_index",
    "is_order_customized",
    "depends_on_ids",
    "depends_on_id",
    "last_modified_by_id",
    "version",
}


def _dumps(value: Any) -> str | None:
    import json

    return None if value is None else json.dumps(value, sort_keys=True, default=str)
