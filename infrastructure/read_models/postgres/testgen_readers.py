"""Queries on the testgen read tables, scoped to the project's owner by a join."""

from typing import Any
from uuid import UUID

from application.testgen.ports import REVIEWER_CLAIM
from application.testgen.queries import (
    CaseChange,
    CaseDetail,
    ProposalSummary,
    SuiteSummary,
    SuiteVersionEntry,
)
from infrastructure.postgres.pool import DictPool
from infrastructure.read_models.postgres.reviewers import REVIEWED_SUITE
from infrastructure.read_models.postgres.testgen_rows import case_detail, suite_summary

_OWNED_SUITE = " JOIN apidoc.projects p ON p.id = s.project_id AND p.owner_id = %(owner)s"
_SUITE_SELECT = (
    "SELECT s.*,"
    " (SELECT count(*) FROM testgen.test_cases c WHERE c.test_suite_id = s.id) AS case_count,"
    " (SELECT coalesce(jsonb_agg(c.id ORDER BY coalesce(c.custom_order_index, c.order_index),"
    "  c.order_index, c.id), '[]') FROM testgen.test_cases c WHERE c.test_suite_id = s.id)"
    " AS execution_order"
    " FROM testgen.test_suites s" + _OWNED_SUITE
)
_CASE_SELECT = (
    "SELECT c.*, to_jsonb(r) AS request_row, to_jsonb(x) AS expectations_row,"
    " (SELECT coalesce(jsonb_agg(to_jsonb(v) ORDER BY v.ordinal, v.variable_name), '[]')"
    "  FROM testgen.test_case_variables v WHERE v.test_case_id = c.id) AS variable_rows,"
    " (SELECT coalesce(jsonb_agg(to_jsonb(d) ORDER BY d.ordinal, d.name), '[]')"
    "  FROM testgen.test_data_sets d WHERE d.test_case_id = c.id) AS data_set_rows"
    " FROM testgen.test_cases c"
    " JOIN testgen.test_suites s ON s.id = c.test_suite_id" + _OWNED_SUITE + ""
    " LEFT JOIN testgen.test_case_requests r ON r.test_case_id = c.id"
    " LEFT JOIN testgen.test_case_expectations x ON x.test_case_id = c.id"
)
_SUITE_OWNED = "SELECT 1 FROM testgen.test_suites s" + _OWNED_SUITE + " WHERE s.id = %(id)s"
_CASE_SUITE = (
    "SELECT c.test_suite_id FROM testgen.test_cases c"
    " JOIN testgen.test_suites s ON s.id = c.test_suite_id" + _OWNED_SUITE + " WHERE c.id = %(id)s"
)


class PostgresTestgenReader:
    """Suites, cases, proposals, versions and change logs as the API shows them; also who
    owns a suite or a case, for the commands' authorization."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def _all(self, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        with self._pool.connection() as conn:
            return [dict(row) for row in conn.execute(sql, params).fetchall()]

    def _owned_suite(self, suite_id: UUID, owner_id: UUID) -> bool:
        return bool(self._all(_SUITE_OWNED, {"id": suite_id, "owner": owner_id}))

    def suites(self, project_id: UUID, *, owner_id: UUID) -> list[SuiteSummary] | None:
        params = {"project": project_id, "owner": owner_id}
        if not self._all(
            "SELECT 1 FROM apidoc.projects WHERE id = %(project)s AND owner_id = %(owner)s",
            params,
        ):
            return None
        rows = self._all(
            _SUITE_SELECT
            + " WHERE s.project_id = %(project)s ORDER BY s.created_date_time DESC, s.id",
            params,
        )
        return [suite_summary(row) for row in rows]

    def suite(self, suite_id: UUID, *, owner_id: UUID) -> SuiteSummary | None:
        rows = self._all(
            _SUITE_SELECT + " WHERE s.id = %(id)s", {"id": suite_id, "owner": owner_id}
        )
        return suite_summary(rows[0]) if rows else None

    def cases(self, suite_id: UUID, *, owner_id: UUID) -> list[CaseDetail] | None:
        params = {"id": suite_id, "owner": owner_id}
        if not self._owned_suite(suite_id, owner_id):
            return None
        rows = self._all(
            _CASE_SELECT + " WHERE c.test_suite_id = %(id)s"
            " ORDER BY coalesce(c.custom_order_index, c.order_index), c.order_index, c.id",
            params,
        )
        return [case_detail(row) for row in rows]

    def case(self, case_id: UUID, *, owner_id: UUID) -> CaseDetail | None:
        rows = self._all(_CASE_SELECT + " WHERE c.id = %(id)s", {"id": case_id, "owner": owner_id})
        return case_detail(rows[0]) if rows else None

    def proposals(self, suite_id: UUID, *, owner_id: UUID) -> list[ProposalSummary] | None:
        """The suite's proposals, for its owner or a reviewer of its project (who reviews
        them: docs/identity.md, "Project reviewers")."""
        if not self._owned_suite(suite_id, owner_id) and not self._all(
            REVIEWED_SUITE, {"id": suite_id, "user": owner_id, "claim": REVIEWER_CLAIM}
        ):
            return None
        rows = self._all(
            "SELECT * FROM testgen.test_order_proposals WHERE test_suite_id = %(id)s"
            " ORDER BY proposal_number",
            {"id": suite_id},
        )
        return [
            ProposalSummary(
                number=row["proposal_number"],
                source=row["source"],
                status=row["status"],
                proposed_order=row["proposed_order"],
                applied_order=row["applied_order"],
                user_modified_order=row["user_modified_order"],
                reasoning=row["ai_reasoning"],
                considered_factors=row["considered_factors"],
                llm_model=row["llm_model"],
                tokens_used=row["tokens_used"],
                reviewed_by=row["reviewed_by_id"],
                reviewed_at=row["reviewed_at"],
                review_notes=row["review_notes"],
                applied_at=row["applied_at"],
                created_at=row["created_date_time"],
            )
            for row in rows
        ]

    def versions(self, suite_id: UUID, *, owner_id: UUID) -> list[SuiteVersionEntry] | None:
        if not self._owned_suite(suite_id, owner_id):
            return None
        rows = self._all(
            "SELECT * FROM testgen.test_suite_versions WHERE test_suite_id = %(id)s"
            " ORDER BY version_number",
            {"id": suite_id},
        )
        return [
            SuiteVersionEntry(
                version=row["version_number"],
                change_type=row["change_type"],
                change_description=row["change_description"],
                changed_by=row["changed_by_id"],
                previous_state=row["previous_state"],
                new_state=row["new_state"],
                order_snapshot=[UUID(i) for i in row["test_case_order_snapshot"]],
                approval_status=row["approval_status_snapshot"],
                at=row["created_date_time"],
            )
            for row in rows
        ]

    def changes(self, case_id: UUID, *, owner_id: UUID) -> list[CaseChange] | None:
        if not self._all(_CASE_SUITE, {"id": case_id, "owner": owner_id}):
            return None
        rows = self._all(
            "SELECT * FROM testgen.test_case_change_logs WHERE test_case_id = %(id)s"
            " ORDER BY version_after_change, field_name",
            {"id": case_id},
        )
        return [
            CaseChange(
                version=row["version_after_change"],
                change_type=row["change_type"],
                field=row["field_name"],
                old_value=row["old_value"],
                new_value=row["new_value"],
                reason=row["change_reason"],
                changed_by=row["changed_by_id"],
                ip_address=row["ip_address"],
                user_agent=row["user_agent"],
                at=row["created_date_time"],
            )
            for row in rows
        ]

    # -- owners, for commands ------------------------------------------------------------

    def suite_owner(self, suite_id: UUID) -> UUID | None:
        rows = self._all(
            "SELECT p.owner_id FROM testgen.test_suites s"
            " JOIN apidoc.projects p ON p.id = s.project_id WHERE s.id = %(id)s",
            {"id": suite_id},
        )
        return rows[0]["owner_id"] if rows else None

    def case_owner(self, case_id: UUID) -> UUID | None:
        rows = self._all(
            "SELECT p.owner_id FROM testgen.test_cases c"
            " JOIN testgen.test_suites s ON s.id = c.test_suite_id"
            " JOIN apidoc.projects p ON p.id = s.project_id WHERE c.id = %(id)s",
            {"id": case_id},
        )
        return rows[0]["owner_id"] if rows else None
