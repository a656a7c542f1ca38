"""The testgen read tables, including suite versions and per-field case change logs, all
derived from TestSuite and TestCase events (one projection, so a suite version's order
snapshot sees the case rows of the same transaction)."""

import json
from datetime import datetime
from functools import singledispatchmethod
from typing import Any
from uuid import uuid5

from domain.suites.enums import ProposalStatus
from domain.suites.model import TestSuite
from domain.testcases.model import CONTENT_FIELDS, TestCase
from projections.base import Projection
from projections.testgen.rows import change_log_rows, child_rows
from projections.testgen.view import TestgenView

_CASE_COLUMNS = {
    "name": "name",
    "description": "description",
    "test_type": "test_type",
    "priority": "priority",
    "endpoint_id": "endpoint_id",
    "endpoint_key": "endpoint_key",
    "tags": "tags",
    "enabled": "is_enabled",
    "order_index": "order_index",
    "custom_order_index": "custom_order_index",
    "is_order_customized": "is_order_customized",
    "depends_on": "depends_on_ids",
}


def _column_value(field: str, value: Any) -> Any:
    return json.dumps(value) if field in ("tags", "depends_on") else value


class TestgenProjection(Projection[TestgenView]):
    """testgen.* from suite and case events."""

    __test__ = False
    name = "testgen"
    follows = ("testgen",)

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore events it has no table for."""

    # -- suites -------------------------------------------------------------------------

    @process_event.register
    def _(self, e: TestSuite.Created) -> None:
        meta = e.meta
        self.view.insert_suite(
            {
                "id": e.originator_id,
                "project_id": e.project_id,
                "api_spec_id": e.api_spec_id,
                "name": e.name,
                "description": e.description,
                "generation_type": e.generation_type,
                "status": "Draft",
                "approval_status": "NotApplicable",
                "approved_at": None,
                "approved_by_id": None,
                "created_by_id": meta.get("user_id"),
                "last_modified_by_id": meta.get("user_id"),
                "selected_endpoint_ids": json.dumps(e.selected_endpoint_ids),
                "version": e.originator_version,
                "created_date_time": e.timestamp,
                "updated_date_time": e.timestamp,
                "row_version": e.originator_version,
            }
        )
        self._version(e, {}, "Created", f"suite {e.name!r} created ({e.generation_type})")

    @process_event.register
    def _(self, e: TestSuite.CasesAdded) -> None:
        self._version(e, {}, "CasesAdded", f"{len(e.cases)} test case(s) added")

    @process_event.register
    def _(self, e: TestSuite.CaseRemoved) -> None:
        self._version(e, {}, "CaseRemoved", f"test case {e.case_id} removed")

    @process_event.register
    def _(self, e: TestSuite.CaseEdited) -> None:
        self._version(e, {}, "CaseEdited", f"test case {e.case_id} changed: {', '.join(e.fields)}")

    @process_event.register
    def _(self, e: TestSuite.DependencyChanged) -> None:
        targets = ", ".join(e.depends_on) or "nothing"
        self._version(e, {}, "DependencyChanged", f"test case {e.case_id} now depends on {targets}")

    @process_event.register
    def _(self, e: TestSuite.CasesReordered) -> None:
        self._version(e, {}, "TestOrderChanged", "the execution order was changed by hand")

    @process_event.register
    def _(self, e: TestSuite.OrderProposed) -> None:
        self.view.supersede_pending_proposals(e.originator_id, e.number, e.timestamp)
        self.view.put_proposal(
            {
                "id": uuid5(e.originator_id, f"proposal:{e.number}"),
                "test_suite_id": e.originator_id,
                "proposal_number": e.number,
                "source": e.source,
                "status": ProposalStatus.PENDING.value,
                "proposed_order": json.dumps(e.proposed_order),
                "applied_order": None,
                "user_modified_order": None,
                "ai_reasoning": e.reasoning,
                "considered_factors": json.dumps(e.considered_factors),
                "llm_model": e.llm_model,
                "tokens_used": e.tokens_used,
                "reviewed_by_id": None,
                "reviewed_at": None,
                "review_notes": None,
                "applied_at": None,
                "created_date_time": e.timestamp,
                "updated_date_time": e.timestamp,
                "row_version": 1,
            }
        )
        self._version(
            e,
            {"approval_status": "PendingReview", "status": "Draft"},
            "OrderProposed",
            f"proposal {e.number} ({e.source}) submitted for review: {e.reasoning}",
        )

    @process_event.register
    def _(self, e: TestSuite.ProposalApproved) -> None:
        self._review(e, ProposalStatus.APPROVED, applied=e.applied_order, user=None)
        self._version(
            e,
            self._approved(e, "Approved"),
            "ProposalApproved",
            f"proposal {e.number} approved as proposed",
        )

    @process_event.register
    def _(self, e: TestSuite.ProposalModified) -> None:
        user_order = [{"case_id": c, "order": i} for i, c in enumerate(e.user_order)]
        self._review(e, ProposalStatus.MODIFIED, applied=e.user_order, user=user_order)
        self._version(
            e,
            self._approved(e, "ModifiedAndApproved"),
            "ProposalModified",
            f"proposal {e.number} approved with a modified order",
        )

    @process_event.register
    def _(self, e: TestSuite.ProposalRejected) -> None:
        self._review(e, ProposalStatus.REJECTED, applied=None, user=None)
        self._version(
            e, {"approval_status": "Rejected"}, "ProposalRejected", f"proposal {e.number} rejected"
        )

    @process_event.register
    def _(self, e: TestSuite.Renamed) -> None:
        self._version(
            e, {"name": e.name, "description": e.description}, "Renamed", f"renamed to {e.name!r}"
        )

    @process_event.register
    def _(self, e: TestSuite.Archived) -> None:
        self._version(e, {"status": "Archived"}, "Archived", "suite archived")

    def _approved(self, e: Any, approval: str) -> dict[str, Any]:
        return {
            "approval_status": approval,
            "status": "Ready",
            "approved_by_id": e.meta.get("user_id"),
            "approved_at": datetime.fromisoformat(e.reviewed_at),
        }

    def _review(
        self, e: Any, status: ProposalStatus, applied: list[str] | None, user: list[Any] | None
    ) -> None:
        fields: dict[str, Any] = {
            "status": status.value,
            "reviewed_by_id": e.meta.get("user_id"),
            "reviewed_at": datetime.fromisoformat(e.reviewed_at),
            "review_notes": e.notes,
        }
        if applied is not None:
            fields.update(applied_order=json.dumps(applied), applied_at=fields["reviewed_at"])
        if user is not None:
            fields["user_modified_order"] = json.dumps(user)
        self.view.update_proposal(
            uuid5(e.originator_id, f"proposal:{e.number}"), fields, e.timestamp
        )

    def _version(self, e: Any, fields: dict[str, Any], change_type: str, description: str) -> None:
        user = (e.meta or {}).get("user_id")
        reason = (e.meta or {}).get("reason")
        self.view.change_suite(
            e.originator_id,
            {**fields, "last_modified_by_id": user, "version": e.originator_version},
            {
                "id": uuid5(e.originator_id, f"version:{e.originator_version}"),
                "version_number": e.originator_version,
                "change_type": change_type,
                "change_description": description + (f" (reason: {reason})" if reason else ""),
                "changed_by_id": user,
            },
            e.timestamp,
            e.originator_version,
        )

    # -- cases --------------------------------------------------------------------------

    @process_event.register
    def _(self, e: TestCase.Created) -> None:
        f = e.fields
        self.view.insert_case(
            {
                "id": e.originator_id,
                "test_suite_id": e.suite_id,
                "depends_on_id": (f.get("depends_on") or [None])[0],
                "depends_on_ids": json.dumps(f.get("depends_on", [])),
                "endpoint_id": f.get("endpoint_id"),
                "endpoint_key": f.get("endpoint_key", ""),
                "name": f["name"],
                "description": f.get("description", ""),
                "test_type": f["test_type"],
                "priority": f["priority"],
                "is_enabled": True,
                "order_index": int(f.get("order_index", 0)),
                "is_order_customized": False,
                "custom_order_index": None,
                "last_modified_by_id": e.meta.get("user_id"),
                "tags": json.dumps(f.get("tags", [])),
                "version": e.originator_version,
                "created_date_time": e.timestamp,
                "updated_date_time": e.timestamp,
                "row_version": e.originator_version,
            },
            child_rows(e.originator_id, f, e.timestamp, e.originator_version),
        )

    @process_event.register(TestCase.DetailsChanged)
    @process_event.register(TestCase.RequestChanged)
    @process_event.register(TestCase.ExpectationsChanged)
    @process_event.register(TestCase.VariablesChanged)
    @process_event.register(TestCase.DataSetsChanged)
    @process_event.register(TestCase.DataSetAdded)
    @process_event.register(TestCase.Enabled)
    @process_event.register(TestCase.Disabled)
    @process_event.register(TestCase.DependencyChanged)
    @process_event.register(TestCase.OrderChanged)
    @process_event.register(TestCase.CustomOrderSet)
    def _(self, e: Any) -> None:
        columns: dict[str, Any] = {}
        content: dict[str, Any] = {}
        for change in e.changes:
            field = change["field"]
            if field in CONTENT_FIELDS:
                content[field] = change["new"]
            elif field in _CASE_COLUMNS:
                columns[_CASE_COLUMNS[field]] = _column_value(field, change["new"])
                if field == "depends_on":
                    columns["depends_on_id"] = (change["new"] or [None])[0]
        columns.update(last_modified_by_id=e.meta.get("user_id"), version=e.originator_version)
        self.view.change_case(
            e.originator_id,
            columns,
            child_rows(e.originator_id, content, e.timestamp, e.originator_version),
            e.timestamp,
            e.originator_version,
        )
        self.view.append_change_logs(change_log_rows(e.originator_id, e, type(e).__name__))

    @process_event.register
    def _(self, e: TestCase.Deleted) -> None:
        self.view.append_change_logs(change_log_rows(e.originator_id, e, "Deleted"))
        self.view.delete_case(e.originator_id)
