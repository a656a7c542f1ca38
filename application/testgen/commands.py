"""Commands of the testgen context: suites, cases, order proposals and their review."""

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from domain.shared.meta import Meta


@dataclass(frozen=True, kw_only=True)
class CreateSuite:
    project_id: UUID
    requester_id: UUID
    name: str
    description: str
    meta: Meta


@dataclass(frozen=True, kw_only=True)
class GenerateSuite:
    """Generate a suite by rules from a spec (the active one when spec_id is None)."""

    project_id: UUID
    requester_id: UUID
    name: str
    meta: Meta
    spec_id: UUID | None = None
    endpoint_keys: list[str] | None = None
    seed: int = 0
    test_types: list[str] | None = None
    max_cases_per_operation: int = 10


@dataclass(frozen=True, kw_only=True)
class AddTestCase:
    suite_id: UUID
    requester_id: UUID
    fields: dict[str, Any]
    meta: Meta
    depends_on: list[UUID] = field(default_factory=list)
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class EditTestCase:
    case_id: UUID
    requester_id: UUID
    values: dict[str, Any]
    meta: Meta
    expected_version: int | None = None
    # Read-only fields the body sent back (CASE_READ_ONLY): they must be as they are.
    unchanged: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class CaseCommand:
    """Enable, disable, delete or duplicate a case."""

    case_id: UUID
    requester_id: UUID
    meta: Meta
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class SetCaseEnabled(CaseCommand):
    enabled: bool = True


@dataclass(frozen=True, kw_only=True)
class SetDependencies(CaseCommand):
    depends_on: list[UUID] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class AddDataSet(CaseCommand):
    data_set: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class SuiteCommand:
    suite_id: UUID
    requester_id: UUID
    meta: Meta
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class ReorderCases(SuiteCommand):
    order: list[UUID] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class RenameSuite(SuiteCommand):
    name: str = ""
    description: str = ""
    # Read-only fields the body sent back (SUITE_READ_ONLY): they must be as they are.
    unchanged: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ProposeAiOrder(SuiteCommand):
    """An order a language model proposed ({case_id, position, reason} each), for review."""

    proposed: list[dict[str, Any]] = field(default_factory=list)
    reasoning: str = ""
    considered_factors: list[str] = field(default_factory=list)
    llm_model: str = ""
    tokens_used: int = 0


@dataclass(frozen=True, kw_only=True)
class ReviewProposal(SuiteCommand):
    """Approve (order None), modify-and-approve (order given) or reject a proposal."""

    number: int = 0
    notes: str = ""
    order: list[UUID] | None = None
