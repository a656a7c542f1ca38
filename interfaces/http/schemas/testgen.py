"""Request bodies of suites, cases and reviews (the case's parts are checked by the domain)."""

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

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
    test_types: list[str] | None = Field(default=None, description="HappyPath, Boundary, Negative")
    max_cases_per_operation: int = Field(default=10, ge=1, le=100)


class SuiteUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)


class CaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    test_type: str = "HappyPath"
    priority: str = "Medium"
    tags: list[str] = Field(default_factory=list, max_length=50)
    endpoint_id: UUID | None = None
    endpoint_key: str = Field(default="", max_length=600)
    request: dict[str, Any] = Field(examples=[{"method": "GET", "url": "/pets/{{petId}}"}])
    expectations: dict[str, Any] = Field(examples=[{"expected_status": [200]}])
    variables: list[dict[str, Any]] = Field(default_factory=list, max_length=100)
    data_sets: list[dict[str, Any]] = Field(default_factory=list, max_length=100)
    depends_on: list[UUID] = Field(default_factory=list, max_length=100)

    shallow_json = field_validator("request", "expectations", "variables", "data_sets")(_shallow)


class CaseUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    test_type: str | None = None
    priority: str | None = None
    tags: list[str] | None = Field(default=None, max_length=50)
    endpoint_id: UUID | None = None
    endpoint_key: str | None = Field(default=None, max_length=600)
    request: dict[str, Any] | None = None
    expectations: dict[str, Any] | None = None
    variables: list[dict[str, Any]] | None = Field(default=None, max_length=100)
    data_sets: list[dict[str, Any]] | None = Field(default=None, max_length=100)

    shallow_json = field_validator("request", "expectations", "variables", "data_sets")(_shallow)


class DependenciesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    depends_on: list[UUID] = Field(max_length=100)


class DataSetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    rows: list[dict[str, Any]] = Field(max_length=10_000)
    enabled: bool = True

    shallow_json = field_validator("rows")(_shallow)


class OrderUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    order: list[UUID] = Field(
        max_length=10_000, description="Every case of the suite, in the order to run"
    )


class ReviewNotes(BaseModel):
    model_config = ConfigDict(extra="forbid")
    notes: str = Field(default="", max_length=4000)


class ReviewModify(ReviewNotes):
    order: list[UUID] = Field(max_length=10_000)


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
