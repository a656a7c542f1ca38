"""What the testgen context reads: suites, cases, proposals and their history, one shape each.

A suite or a case has one shape whether it comes from the read tables (a GET) or from the
aggregate a command just saved (a write's answer, a GET as of a past version): the
builders at the end make the second from the aggregate, the readers the first from rows.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.suites.model import TestSuite
from domain.testcases.model import TestCase


@dataclass(frozen=True, kw_only=True, slots=True)
class SuiteSummary:
    """A suite: what it is, where its review stands, its cases in execution order."""

    id: UUID
    project_id: UUID
    api_spec_id: UUID | None
    name: str
    description: str
    generation_type: str
    status: str
    approval_status: str
    approved_by: UUID | None
    approved_at: datetime | None
    selected_endpoint_ids: list[str]
    case_count: int
    execution_order: list[UUID]
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class CaseDetail:
    """A case, with the names its writes take (request, expectations, variables, data sets
    are the domain values' JSON)."""

    id: UUID
    suite_id: UUID
    name: str
    description: str
    test_type: str
    priority: str
    tags: list[str]
    endpoint_id: UUID | None
    endpoint_key: str
    request: dict[str, Any]
    expectations: dict[str, Any]
    variables: list[dict[str, Any]]
    data_sets: list[dict[str, Any]]
    depends_on: list[UUID]
    enabled: bool
    order_index: int
    custom_order_index: int | None
    is_order_customized: bool
    version: int
    created_at: datetime
    updated_at: datetime


# Fields a case's GET answers that its PATCH does not change: sent back, they must be as
# they are (the version works as If-Match; the times are ignored).
CASE_READ_ONLY = (
    "id",
    "suite_id",
    "depends_on",
    "enabled",
    "order_index",
    "custom_order_index",
    "is_order_customized",
)
SUITE_READ_ONLY = (
    "id",
    "project_id",
    "api_spec_id",
    "generation_type",
    "status",
    "approval_status",
    "approved_by",
    "selected_endpoint_ids",
    "case_count",
    "execution_order",
)


@dataclass(frozen=True, kw_only=True, slots=True)
class ProposalSummary:
    """An order proposal of a suite and its review."""

    number: int
    source: str
    status: str
    proposed_order: list[dict[str, Any]]
    applied_order: list[UUID] | None
    user_modified_order: list[dict[str, Any]] | None
    reasoning: str | None
    considered_factors: list[str]
    llm_model: str | None
    tokens_used: int | None
    reviewed_by: UUID | None
    reviewed_at: datetime | None
    review_notes: str | None
    applied_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class SuiteVersionEntry:
    """One event of a suite, with the suite's state before and after it."""

    version: int
    change_type: str
    change_description: str
    changed_by: UUID | None
    previous_state: dict[str, Any] | None
    new_state: dict[str, Any]
    order_snapshot: list[UUID]
    approval_status: str
    at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class CaseChange:
    """One field one event of a case changed (values as JSON text)."""

    version: int
    change_type: str
    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None
    changed_by: UUID | None
    ip_address: str | None
    user_agent: str | None
    at: datetime


class TestgenReader(Protocol):
    """Reads the testgen read tables, always scoped to the owner of the project (None: no
    such thing, or someone else's)."""

    def suites(self, project_id: UUID, *, owner_id: UUID) -> list[SuiteSummary] | None: ...

    def suite(self, suite_id: UUID, *, owner_id: UUID) -> SuiteSummary | None: ...

    def cases(self, suite_id: UUID, *, owner_id: UUID) -> list[CaseDetail] | None: ...

    def case(self, case_id: UUID, *, owner_id: UUID) -> CaseDetail | None: ...

    def proposals(self, suite_id: UUID, *, owner_id: UUID) -> list[ProposalSummary] | None: ...

    def versions(self, suite_id: UUID, *, owner_id: UUID) -> list[SuiteVersionEntry] | None: ...

    def changes(self, case_id: UUID, *, owner_id: UUID) -> list[CaseChange] | None: ...


class TestgenOwners(Protocol):
    """Who owns a suite or a case, from the read tables (None: not projected yet)."""

    def suite_owner(self, suite_id: UUID) -> UUID | None: ...

    def case_owner(self, case_id: UUID) -> UUID | None: ...


def _uuid(value: Any) -> UUID | None:
    return None if value is None else UUID(str(value))


def _required_uuid(value: Any) -> UUID:
    return UUID(str(value))


def suite_summary(suite: TestSuite) -> SuiteSummary:
    """This function will give an aggregate's suite in the shape the read tables give it."""
    return SuiteSummary(
        id=suite.id,
        project_id=suite.project_id,
        api_spec_id=suite.api_spec_id,
        name=suite.name,
        description=suite.description,
        generation_type=suite.generation_type,
        status=str(suite.status),
        approval_status=str(suite.approval_status),
        approved_by=_uuid(suite.approved_by),
        approved_at=None
        if suite.approved_at is None
        else datetime.fromisoformat(suite.approved_at),
        selected_endpoint_ids=list(suite.selected_endpoint_ids),
        case_count=len(suite.cases),
        execution_order=[UUID(case_id) for case_id in suite.execution_order()],
        version=suite.version,
        created_at=suite.created_on,
        updated_at=suite.modified_on,
    )


def case_detail(case: TestCase) -> CaseDetail:
    """This function will give an aggregate's case in the shape the read tables give it."""
    return CaseDetail(
        id=case.id,
        suite_id=case.suite_id,
        name=case.name,
        description=case.description,
        test_type=case.test_type,
        priority=case.priority,
        tags=list(case.tags),
        endpoint_id=_uuid(case.endpoint_id),
        endpoint_key=case.endpoint_key,
        request=case.request,
        expectations=case.expectations,
        variables=list(case.variables),
        data_sets=list(case.data_sets),
        depends_on=[_required_uuid(target) for target in case.depends_on],
        enabled=case.enabled,
        order_index=case.order_index,
        custom_order_index=case.custom_order_index,
        is_order_customized=case.is_order_customized,
        version=case.version,
        created_at=case.created_on,
        updated_at=case.modified_on,
    )
