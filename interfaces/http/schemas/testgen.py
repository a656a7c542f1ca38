"""Request bodies of suites, cases and reviews (the case's parts are checked by the domain)."""

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


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


class DependenciesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    depends_on: list[UUID] = Field(max_length=100)


class DataSetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    rows: list[dict[str, Any]] = Field(max_length=10_000)
    enabled: bool = True


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
