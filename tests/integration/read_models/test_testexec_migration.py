"""testexec tables made before times were timestamptz are brought to today's shape by migrate."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from psycopg.sql import SQL, Identifier

from infrastructure.read_models.postgres.testexec import PostgresTestexecView
from interfaces.bootstrap import Runtime

# The tables as the release before this one created them: times as text, variables an object.
OLD_DDL = (
    "CREATE TABLE {schema}.execution_environments ("
    " id uuid PRIMARY KEY, project_id uuid NOT NULL, name text NOT NULL, base_url text NOT NULL,"
    " variables jsonb NOT NULL, secret_variables jsonb NOT NULL, headers jsonb NOT NULL,"
    " auth_config jsonb NOT NULL, is_default boolean NOT NULL, is_deleted boolean NOT NULL,"
    " created_date_time timestamptz NOT NULL, updated_date_time timestamptz NOT NULL,"
    " row_version integer NOT NULL)",
    "CREATE TABLE {schema}.test_runs ("
    " id uuid PRIMARY KEY, project_id uuid NOT NULL, test_suite_id uuid NOT NULL,"
    " environment_id uuid NOT NULL, triggered_by_id uuid, owner_id uuid NOT NULL,"
    " run_number integer NOT NULL, status text NOT NULL, started_at text, completed_at text,"
    " total_tests integer NOT NULL, passed_count integer NOT NULL, failed_count integer NOT NULL,"
    " skipped_count integer NOT NULL, duration_ms bigint NOT NULL, redis_key text,"
    " results_expire_at text, results_archived boolean NOT NULL, failure_reason text,"
    " attempts integer NOT NULL, created_date_time timestamptz NOT NULL,"
    " updated_date_time timestamptz NOT NULL, row_version integer NOT NULL,"
    " UNIQUE (test_suite_id, run_number))",
    "CREATE INDEX test_runs_expiry_idx ON {schema}.test_runs (results_expire_at)"
    " WHERE redis_key IS NOT NULL",
)
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def migrated(runtime: Runtime, rows: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """This function will make the old tables with one row each, migrate them twice, and give
    the run's column types and the two rows."""
    schema = f"mig_{uuid4().hex[:12]}"
    with runtime.pool.connection() as conn, conn.transaction(force_rollback=True):
        conn.execute(SQL("CREATE SCHEMA {}").format(Identifier(schema)))
        for statement in OLD_DDL:
            conn.execute(SQL(statement).format(schema=Identifier(schema)))
        conn.execute(
            SQL(
                "INSERT INTO {}.test_runs VALUES (%s, %s, %s, %s, %s, %s, 1, 'Completed',"
                " %s, %s, 2, 2, 0, 0, 10, NULL, %s, true, NULL, 1, %s, %s, 5)"
            ).format(Identifier(schema)),
            (*[uuid4()] * 6, rows["started"], rows["completed"], rows["expires"], AT, AT),
        )
        conn.execute(
            SQL(
                "INSERT INTO {}.execution_environments VALUES (%s, %s, 'e', 'https://e.example',"
                " %s, %s, '{{}}', '{{\"type\": \"none\"}}', true, false, %s, %s, 1)"
            ).format(Identifier(schema)),
            (uuid4(), uuid4(), rows["variables"], rows["secret_variables"], AT, AT),
        )
        view = PostgresTestexecView(schema)
        for _ in range(2):  # migrate runs on every start: the second time changes nothing
            for statement in view.create_statements():
                conn.execute(statement)
        types = {
            row["column_name"]: row["data_type"]
            for row in conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = %s AND table_name = 'test_runs'",
                (schema,),
            ).fetchall()
        }
        run = conn.execute(SQL("SELECT * FROM {}.test_runs").format(Identifier(schema))).fetchone()
        env = conn.execute(
            SQL("SELECT * FROM {}.execution_environments").format(Identifier(schema))
        ).fetchone()
    assert run is not None and env is not None
    return {"types": types, **run}, dict(env)


class TestTestexecMigration:
    def test_turns_the_text_times_of_runs_into_timestamptz_with_the_same_instants(
        self, runtime: Runtime
    ) -> None:
        run, _ = migrated(
            runtime,
            {
                "started": "2026-03-02T09:00:00.250000+00:00",
                "completed": "2026-03-02T10:00:00+01:00",
                "expires": "",
                "variables": "{}",
                "secret_variables": "[]",
            },
        )
        assert {run["types"][c] for c in ("started_at", "completed_at", "results_expire_at")} == {
            "timestamp with time zone"
        }
        assert run["started_at"] == datetime(2026, 3, 2, 9, 0, 0, 250000, tzinfo=UTC)
        assert run["completed_at"] == AT and run["results_expire_at"] is None
        assert run["cancel_requested"] is False

    def test_turns_an_environments_variables_object_into_the_list_with_secrets_marked(
        self, runtime: Runtime
    ) -> None:
        _, env = migrated(
            runtime,
            {
                "started": "2026-03-02T09:00:00+00:00",
                "completed": "2026-03-02T09:00:00+00:00",
                "expires": "2026-03-09T09:00:00+00:00",
                "variables": '{"user": "alice", "password": "sealed"}',
                "secret_variables": '["password"]',
            },
        )
        assert env["variables"] == [
            {"name": "password", "value": "sealed", "secret": True},
            {"name": "user", "value": "alice", "secret": False},
        ]
