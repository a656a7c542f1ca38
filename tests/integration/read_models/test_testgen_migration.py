"""The testgen tables of a database made before times were timestamptz, migrated in place."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from psycopg.sql import SQL, Identifier

from infrastructure.read_models.postgres.testgen import PostgresTestgenView
from interfaces.bootstrap import Runtime

APPROVED = "2026-03-04T05:06:07.123456+00:00"
_ADDED = (
    ("test_case_requests", "without_credentials"),
    ("test_case_expectations", "any_status"),
    ("test_case_expectations", "assertions"),
    ("test_case_expectations", "scripts"),
    ("test_case_variables", "ordinal"),
    ("test_data_sets", "ordinal"),
)
_TIMES = (
    ("test_suites", "approved_at"),
    ("test_order_proposals", "reviewed_at"),
    ("test_order_proposals", "applied_at"),
)


@pytest.fixture
def schemas(runtime: Runtime) -> Iterator[tuple[str, str]]:
    names = (f"tg_old_{uuid4().hex[:10]}", f"tg_new_{uuid4().hex[:10]}")
    with runtime.pool.connection() as conn:
        for name in names:
            conn.execute(SQL("CREATE SCHEMA {}").format(Identifier(name)))
    try:
        yield names
    finally:
        with runtime.pool.connection() as conn:
            for name in names:
                conn.execute(SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(Identifier(name)))


def _create(conn: Any, schema: str) -> None:
    for statement in PostgresTestgenView(schema).create_statements():
        conn.execute(statement)


def _columns(conn: Any, schema: str) -> list[tuple[str, str, str]]:
    return [
        (row["table_name"], row["column_name"], row["data_type"])
        for row in conn.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = %s ORDER BY table_name, ordinal_position",
            (schema,),
        ).fetchall()
    ]


def _made_the_old_way(conn: Any, schema: str) -> None:
    """Tables as a release before this one left them: text times, no added columns."""
    _create(conn, schema)
    for table, column in _ADDED:
        conn.execute(
            SQL("ALTER TABLE {}.{} DROP COLUMN {}").format(
                Identifier(schema), Identifier(table), Identifier(column)
            )
        )
    for table, column in _TIMES:
        conn.execute(
            SQL("ALTER TABLE {}.{} ALTER COLUMN {} TYPE text").format(
                Identifier(schema), Identifier(table), Identifier(column)
            )
        )
    conn.execute(
        SQL(
            "INSERT INTO {}.test_suites VALUES (gen_random_uuid(), gen_random_uuid(), NULL, 'n',"
            " '', 'Manual', 'Ready', 'Approved', %s, NULL, NULL, NULL, '[]', 3, now(), now(), 3)"
        ).format(Identifier(schema)),
        (APPROVED,),
    )


class TestTestgenMigration:
    def test_turns_text_times_into_timestamptz_keeping_the_moment(
        self, runtime: Runtime, schemas: tuple[str, str]
    ) -> None:
        old, _ = schemas
        with runtime.pool.connection() as conn:
            _made_the_old_way(conn, old)

            _create(conn, old)
            _create(conn, old)  # migrate runs every time: the second is a no-op

            types = {(t, c): d for t, c, d in _columns(conn, old)}
            approved = conn.execute(
                SQL("SELECT approved_at FROM {}.test_suites").format(Identifier(old))
            ).fetchone()
        assert {types[time] for time in _TIMES} == {"timestamp with time zone"}
        assert approved["approved_at"] == datetime.fromisoformat(APPROVED).astimezone(UTC)

    def test_leaves_the_columns_in_the_order_a_rebuild_makes_them(
        self, runtime: Runtime, schemas: tuple[str, str]
    ) -> None:
        old, new = schemas
        with runtime.pool.connection() as conn:
            _made_the_old_way(conn, old)

            _create(conn, old)
            _create(conn, new)

            assert [(t, c, d) for t, c, d in _columns(conn, old)] == _columns(conn, new)

    def test_empties_tables_whose_cases_were_projected_before_the_added_columns(
        self, runtime: Runtime, schemas: tuple[str, str]
    ) -> None:
        old, _ = schemas
        with runtime.pool.connection() as conn:
            _made_the_old_way(conn, old)
            conn.execute(
                SQL(
                    "INSERT INTO {}.test_case_requests VALUES (gen_random_uuid(),"
                    " gen_random_uuid(), 'GET', '/a', '{{}}', '{{}}', '{{}}', 'None', NULL, 100,"
                    " now(), now(), 1)"
                ).format(Identifier(old))
            )
            tracked = conn.execute(
                "SELECT count(*) AS n FROM projections.tracking WHERE projection_name = 'testgen'"
            ).fetchone()

            _create(conn, old)

            left = conn.execute(
                SQL(
                    "SELECT (SELECT count(*) FROM {s}.test_suites)"
                    " + (SELECT count(*) FROM {s}.test_case_requests) AS n"
                ).format(s=Identifier(old))
            ).fetchone()
            still_tracked = conn.execute(
                "SELECT count(*) AS n FROM projections.tracking WHERE projection_name = 'testgen'"
            ).fetchone()
        assert left["n"] == 0
        # Only the live schema's projection is rewound; this one is a scratch schema.
        assert still_tracked["n"] == tracked["n"]
