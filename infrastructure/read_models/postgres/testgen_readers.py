"""Queries on the testgen read tables."""

from typing import Any
from uuid import UUID

from infrastructure.postgres.pool import DictPool

_CASE_SELECT = (
    "SELECT c.*, to_jsonb(r) - 'id' - 'test_case_id' - 'created_date_time' - 'updated_date_time' - 'row_version'"
    " AS request, to_jsonb(x) - 'id' - 'test_case_id' - 'created_date_time' - 'updated_date_time' - 'row_version'"
    " AS expectations,"
    " (SELECT coalesce(jsonb_agg(to_jsonb(v) - 'id' - 'test_case_id' - 'created_date_time' - 'updated_date_time'"
    "  - 'row_version' ORDER BY v.variable_name), '[]') FROM testgen.test_case_variables v"
    "  WHERE v.test_case_id = c.id) AS variables,"
    " (SELECT coalesce(jsonb_agg(to_jsonb(d) - 'id' - 'test_case_id' - 'created_date_time' - 'updated_date_time'"
    "  - 'row_version' ORDER BY d.name), '[]') FROM testgen.test_data_sets d WHERE d.test_case_id = c.id) AS data_sets"
    " FROM testgen.test_cases c"
    " LEFT JOIN testgen.test_case_requests r ON r.test_case_id = c.id"
    " LEFT JOIN testgen.test_case_expectations x ON x.test_case_id = c.id"
)


class PostgresTestgenReader:
    """Suites, cases, proposals, versions and change logs as the API shows them."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def _all(self, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        with self._pool.connection() as conn:
            return [dict(row) for row in conn.execute(sql, params).fetchall()]

    def suites(self, project_id: UUID) -> list[dict[str, Any]]:
        return self._all(
            "SELECT s.*, (SELECT count(*) FROM testgen.test_cases c WHERE c.test_suite_id = s.id) AS case_count"
            " FROM testgen.test_suites s WHERE project_id = %s ORDER BY created_date_time DESC, id",
            (project_id,),
        )

    def suite(self, suite_id: UUID) -> dict[str, Any] | None:
        rows = self._all(
            "SELECT s.*, (SELECT count(*) FROM testgen.test_cases c WHERE c.test_suite_id = s.id) AS case_count"
            " FROM testgen.test_suites s WHERE id = %s",
            (suite_id,),
        )
        return rows[0] if rows else None

    def cases(self, suite_id: UUID) -> list[dict[str, Any]]:
        return self._all(
            _CASE_SELECT + " WHERE c.test_suite_id = %s"
            " ORDER BY coalesce(c.custom_order_index, c.order_index), c.order_index, c.id",
            (suite_id,),
        )

    def case(self, case_id: UUID) -> dict[str, Any] | None:
        rows = self._all(_CASE_SELECT + " WHERE c.id = %s", (case_id,))
        return rows[0] if rows else None

    def proposals(self, suite_id: UUID) -> list[dict[str, Any]]:
        return self._all(
            "SELECT * FROM testgen.test_order_proposals WHERE test_suite_id = %s ORDER BY proposal_number",
            (suite_id,),
        )

    def versions(self, suite_id: UUID) -> list[dict[str, Any]]:
        return self._all(
            "SELECT * FROM testgen.test_suite_versions WHERE test_suite_id = %s ORDER BY version_number",
            (suite_id,),
        )

    def change_logs(self, case_id: UUID) -> list[dict[str, Any]]:
        return self._all(
            "SELECT * FROM testgen.test_case_change_logs WHERE test_case_id = %s"
            " ORDER BY version_after_change, field_name",
            (case_id,),
        )
