"""Request and response bodies of suites, proposals, reviews and generation reports."""

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from domain.testing.enums import TestType

# Deeper JSON than any API test needs, and past what the serialiser walks (about 250).
MAX_JSON_DEPTH = 64


def _json_depth(value: Any) -> int:
    """This function will measure how deeply JSON data nests, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                break
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _shallow(value: Any) -> Any:
    """This function will refuse JSON nested deeper than MAX_JSON_DEPTH (a 422)."""
    if _json_depth(value) > MAX_JSON_DEPTH:
        raise ValueError(f"nests deeper than {MAX_JSON_DEPTH} levels")
    return value


class SuiteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)


class SuiteGenerate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    spec_id: UUID | None = Field(
        default=None, description="Default: the project's active specification"
    )
    endpoints: list[str] | None = Field(
        default=None,
        max_length=2000,
        description='Endpoint keys such as "GET /pets/{petId}"; default: all',
    )
    seed: int = Field(default=0, ge=0, le=2**31)
    test_types: list[TestType] | None = Field(
        default=None, description="Which kinds of cases to generate (all when left out)"
    )
    max_cases_per_operation: int = Field(default=10, ge=1, le=100)


class SuiteUpdate(BaseModel):
    """A suite's name and description. The other fields of a SuitePublic may be sent back
    as the GET answered them (another value is a 422); `version` works as If-Match."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    id: UUID | None = Field(default=None, json_schema_extra={"readOnly": True})
    project_id: UUID | None = Field(default=None, json_schema_extra={"readOnly": True})
    api_spec_id: UUID | None = Field(default=None, json_schema_extra={"readOnly": True})
    generation_type: str | None = Field(
        default=None, max_length=50, json_schema_extra={"readOnly": True}
    )
    status: str | None = Field(default=None, max_length=50, json_schema_extra={"readOnly": True})
    approval_status: str | None = Field(
        default=None, max_length=50, json_schema_extra={"readOnly": True}
    )
    approved_by: UUID | None = Field(default=None, json_schema_extra={"readOnly": True})
    approved_at: datetime | None = Field(default=None, json_schema_extra={"readOnly": True})
    selected_endpoint_ids: list[str] | None = Field(
        default=None, max_length=10_000, json_schema_extra={"readOnly": True}
    )
    case_count: int | None = Field(default=None, json_schema_extra={"readOnly": True})
    execution_order: list[UUID] | None = Field(
        default=None, max_length=100_000, json_schema_extra={"readOnly": True}
    )
    version: int | None = Field(default=None, ge=1, description="Works as If-Match")
    created_at: datetime | None = Field(default=None, json_schema_extra={"readOnly": True})
    updated_at: datetime | None = Field(default=None, json_schema_extra={"readOnly": True})


class SuitePublic(BaseModel):
    """A suite: one shape for its reads and its writes' answers."""

    id: UUID
    project_id: UUID
    api_spec_id: UUID | None
    name: str
    description: str
    generation_type: str = Field(examples=["Manual"])
    status: str = Field(examples=["Draft"])
    approval_status: str = Field(examples=["PendingReview"])
    approved_by: UUID | None
    approved_at: datetime | None
    selected_endpoint_ids: list[str]
    case_count: int
    execution_order: list[UUID] = Field(description="Case ids in the order they run")
    version: int
    created_at: datetime
    updated_at: datetime


class ProposalPublic(BaseModel):
    """An order proposal of a suite and its review."""

    number: int
    source: str = Field(examples=["System"])
    status: str = Field(examples=["Pending"])
    proposed_order: list[dict[str, Any]] = Field(description="{case_id, position, reason} per case")
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


class SuiteVersionPublic(BaseModel):
    """One event of a suite with its state before and after."""

    version: int
    change_type: str
    change_description: str
    changed_by: UUID | None
    previous_state: dict[str, Any] | None
    new_state: dict[str, Any]
    order_snapshot: list[UUID]
    approval_status: str
    at: datetime


class CaseChangePublic(BaseModel):
    """One field one event of a case changed; the values are JSON text."""

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


class FieldChangePublic(BaseModel):
    field: str
    old: Any
    new: Any


class DiffPublic(BaseModel):
    """What differs between two versions of a suite or a case."""

    model_config = ConfigDict(populate_by_name=True)
    from_: int = Field(alias="from", serialization_alias="from")
    to: int
    changes: list[FieldChangePublic]


# An order names each case once (domain.suites.ordering.require_permutation).
_ONCE_EACH: JsonDict = {"uniqueItems": True}


class OrderUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    order: list[UUID] = Field(
        max_length=10_000,
        description="Every case of the suite, once each, in the order to run",
        json_schema_extra=_ONCE_EACH,
    )


class ReviewNotes(BaseModel):
    model_config = ConfigDict(extra="forbid")
    notes: str = Field(default="", max_length=4000)


class ReviewModify(ReviewNotes):
    order: list[UUID] = Field(max_length=10_000, json_schema_extra=_ONCE_EACH)


class ReportedValuePublic(BaseModel):
    """One generated value: the case it makes, the value shown briefly, why it was dropped."""

    case: str = Field(examples=["boundary:nights:maximum+1"])
    value: str = Field(examples=["366"])
    reason: str = Field(examples=["over the budget of 10 cases for this operation"])


class OperationReportPublic(BaseModel):
    """What rule-based generation did for one operation."""

    endpoint_key: str = Field(examples=["POST /bookings"])
    rules: list[str] = Field(
        examples=[["nights: range", "room: enum", "negative: missingRequired"]]
    )
    kept: list[ReportedValuePublic]
    dropped: list[ReportedValuePublic]
    notes: list[str]
    kept_count: int
    dropped_count: int


class GenerationReportPublic(BaseModel):
    """The generation report of a suite (bounded: `truncated` says when values were cut)."""

    operations: list[OperationReportPublic]
    notes: list[str]
    truncated: bool
