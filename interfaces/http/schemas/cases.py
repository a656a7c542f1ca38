"""Request and response bodies of test cases: one shape, the same names read and write."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.config import JsonDict
from pydantic.json_schema import SkipJsonSchema

from application.testgen.batch import MAX_BATCH_CASES
from interfaces.http.schemas.case_parts import (
    CaseDataSet,
    CaseExpectations,
    CaseRequest,
    CaseVariable,
    DataSetRow,
)
from interfaces.http.schemas.testgen import _shallow

TestType = Literal["HappyPath", "Boundary", "Negative"]
Priority = Literal["Critical", "High", "Medium", "Low"]
Tag = Annotated[str, Field(min_length=1, max_length=50)]  # application.testgen.fields
_PARTS = ("request", "expectations", "variables", "data_sets")
_READ_ONLY: JsonDict = {"readOnly": True}
# A field a PATCH may leave out but not set to null (only endpoint_id can be cleared): the
# document says so, and the domain refuses a null.
Unsent = SkipJsonSchema[None]


def _without_null_defaults(schema: JsonDict) -> None:
    """This function will drop the `default: null` of the fields that cannot be null: a
    default the schema refuses would be sent by clients that fill in defaults."""
    for field in schema.get("properties", {}).values():  # type: ignore[union-attr]
        if isinstance(field, dict) and field.get("default", ...) is None and "anyOf" not in field:
            del field["default"]


class CaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    test_type: TestType = "HappyPath"
    priority: Priority = "Medium"
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    endpoint_id: UUID | None = None
    endpoint_key: str = Field(default="", max_length=600)
    request: CaseRequest
    expectations: CaseExpectations
    variables: list[CaseVariable] = Field(default_factory=list, max_length=100)
    data_sets: list[CaseDataSet] = Field(default_factory=list, max_length=100)
    depends_on: list[UUID] = Field(default_factory=list, max_length=100)

    shallow_json = field_validator(*_PARTS, mode="before")(_shallow)


class CaseBatchItem(CaseCreate):
    """A case of a batch: a new one, or (with `id`) a replacement of a case of the suite."""

    id: UUID | None = Field(default=None, description="Replace this case of the suite")


class CaseBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cases: list[CaseBatchItem] = Field(min_length=1, max_length=MAX_BATCH_CASES)


class CaseBatchPublic(BaseModel):
    """A batch saved: the suite's new version, and each item's case id in the batch's order."""

    suite_id: UUID
    version: int
    created: int
    replaced: int
    case_ids: list[UUID]


# What a case's PATCH changes; the rest of a CasePublic it takes back unchanged only.
CASE_WRITABLE = (
    "name",
    "description",
    "test_type",
    "priority",
    "tags",
    "endpoint_id",
    "endpoint_key",
    *_PARTS,
)


class CaseUpdate(BaseModel):
    """Any editable fields of a case. The other fields of a CasePublic may be sent back as
    the GET answered them (another value is a 422: enable, disable and dependencies have
    their own routes); `version` works as If-Match when no If-Match header is sent."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_without_null_defaults)
    name: Annotated[str, Field(min_length=1, max_length=200)] | Unsent = None
    description: Annotated[str, Field(max_length=10_000)] | Unsent = None
    test_type: TestType | Unsent = None
    priority: Priority | Unsent = None
    tags: Annotated[list[Tag], Field(max_length=50)] | Unsent = None
    endpoint_id: UUID | None = None
    endpoint_key: Annotated[str, Field(max_length=600)] | Unsent = None
    request: CaseRequest | Unsent = None
    expectations: CaseExpectations | Unsent = None
    variables: Annotated[list[CaseVariable], Field(max_length=100)] | Unsent = None
    data_sets: Annotated[list[CaseDataSet], Field(max_length=100)] | Unsent = None
    id: UUID | None = Field(default=None, json_schema_extra=_READ_ONLY)
    suite_id: UUID | None = Field(default=None, json_schema_extra=_READ_ONLY)
    depends_on: list[UUID] | None = Field(
        default=None, max_length=100, json_schema_extra=_READ_ONLY
    )
    enabled: bool | None = Field(default=None, json_schema_extra=_READ_ONLY)
    order_index: int | None = Field(default=None, json_schema_extra=_READ_ONLY)
    custom_order_index: int | None = Field(default=None, json_schema_extra=_READ_ONLY)
    is_order_customized: bool | None = Field(default=None, json_schema_extra=_READ_ONLY)
    version: int | None = Field(default=None, ge=1, description="Works as If-Match")
    created_at: datetime | None = Field(default=None, json_schema_extra=_READ_ONLY)
    updated_at: datetime | None = Field(default=None, json_schema_extra=_READ_ONLY)

    shallow_json = field_validator(*_PARTS, mode="before")(_shallow)


class CasePublic(BaseModel):
    """A case: one shape for its reads and its writes' answers, the names its writes take."""

    id: UUID
    suite_id: UUID
    name: str
    description: str
    test_type: TestType
    priority: Priority
    tags: list[str]
    endpoint_id: UUID | None
    endpoint_key: str
    request: CaseRequest
    expectations: CaseExpectations
    variables: list[CaseVariable]
    data_sets: list[CaseDataSet]
    depends_on: list[UUID]
    enabled: bool
    order_index: int
    custom_order_index: int | None
    is_order_customized: bool
    version: int
    created_at: datetime
    updated_at: datetime


class DependenciesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    depends_on: list[UUID] = Field(max_length=100)


class DataSetCreate(CaseDataSet):
    rows: list[DataSetRow] = Field(max_length=10_000)

    shallow_json = field_validator("rows", mode="before")(_shallow)
