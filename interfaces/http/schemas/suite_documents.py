"""A suite as one JSON document (format `testament.suite`): exported, kept, imported."""

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator

from application.testgen.batch import MAX_BATCH_CASES
from interfaces.http.schemas.case_parts import (
    CaseDataSet,
    CaseExpectations,
    CaseRequest,
    CaseVariable,
)
from interfaces.http.schemas.cases import Priority, Tag, TestType
from interfaces.http.schemas.postman import PostmanCollectionPublic
from interfaces.http.schemas.testgen import _shallow

_PARTS = ("request", "expectations", "variables", "data_sets")


class SuiteDocumentCase(BaseModel):
    """A case of a document: CaseCreate's fields, a key instead of an id, and the keys of
    the earlier cases it depends on."""

    model_config = ConfigDict(extra="forbid")
    key: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    test_type: TestType = "HappyPath"
    priority: Priority = "Medium"
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    endpoint_key: str = Field(default="", max_length=600)
    request: CaseRequest
    expectations: CaseExpectations
    variables: list[CaseVariable] = Field(default_factory=list, max_length=100)
    data_sets: list[CaseDataSet] = Field(default_factory=list, max_length=100)
    depends_on: list[str] = Field(default_factory=list, max_length=100)
    enabled: bool = True

    shallow_json = field_validator(*_PARTS, mode="before")(_shallow)


class SuiteDocument(BaseModel):
    """A suite with its cases in execution order: what GET /suites/{id}/export?format=testament
    gives and POST /projects/{id}/suites/import takes."""

    model_config = ConfigDict(extra="forbid")
    format: Literal["testament.suite"]
    format_version: Literal[1] = 1
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    # A suite may have no case yet (POST /projects/{id}/suites makes one): its document too.
    cases: list[SuiteDocumentCase] = Field(max_length=MAX_BATCH_CASES)


class SuiteImportPublic(BaseModel):
    suite_id: UUID
    version: int
    cases: int


class SuiteExportPublic(RootModel[PostmanCollectionPublic | SuiteDocument]):
    """A Postman collection v2.1 (format=postman) or a suite document (format=testament)."""
