"""The shared row update of every PostgreSQL view."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from psycopg.sql import SQL, Identifier

from infrastructure.read_models.postgres.base import PostgresView
from interfaces.bootstrap import Runtime


class _Versions(PostgresView):
    tables = ("things",)
    ddl = (
        "CREATE TABLE {schema}.things (id uuid PRIMARY KEY, version text NOT NULL,"
        " updated_date_time timestamptz NOT NULL, row_version integer NOT NULL)",
    )


class TestUpdateRow:
    def test_keeps_a_column_named_version_apart_from_the_row_version(
        self, runtime: Runtime
    ) -> None:
        schema = f"base_{uuid4().hex[:12]}"
        row_id = uuid4()
        at = datetime(2026, 1, 2, tzinfo=UTC)
        with runtime.pool.connection() as conn:
            conn.execute(SQL("CREATE SCHEMA {}").format(Identifier(schema)))
            try:
                with conn.transaction(force_rollback=True), conn.cursor() as cursor:
                    view = _Versions(schema)
                    for statement in view.create_statements():
                        cursor.execute(statement)
                    view.bind(cursor)
                    view.insert_rows(
                        "things",
                        [
                            {
                                "id": row_id,
                                "version": "1.0",
                                "updated_date_time": at,
                                "row_version": 1,
                            }
                        ],
                    )
                    view.update_row(
                        "things",
                        row_id,
                        at=at,
                        version=3,
                        allowed={"version"},
                        fields={"version": "2.1.0"},
                    )
                    cursor.execute(
                        SQL("SELECT version, row_version FROM {}").format(view.table("things"))
                    )
                    row: Any = cursor.fetchone()
                    assert (row["version"], row["row_version"]) == ("2.1.0", 3)
            finally:
                conn.execute(SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(Identifier(schema)))
