"""Bodies of the Postman import and its report."""

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from interfaces.http.schemas.testgen import _shallow

# A request the importer always makes a case of (infrastructure.specs.postman_import): a URL
# as text, or {url, method}. Collections state their requests in more shapes than this (a URL
# as an object, folders); these are the ones the document promises are imported.
_URL = {
    "type": "string",
    "pattern": r"^https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(/[A-Za-z0-9._~-]*)*$",
}
_REQUEST_ITEM: dict[str, Any] = {
    "type": "object",
    "required": ["request"],
    "not": {"required": ["item"]},
    "properties": {
        "name": {"type": "string", "maxLength": 200},
        "request": {
            "oneOf": [
                _URL,
                {
                    "type": "object",
                    "required": ["url"],
                    "additionalProperties": False,
                    "properties": {
                        "url": _URL,
                        "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
                    },
                },
            ]
        },
    },
    "additionalProperties": False,
}

# What the importer requires of a collection (infrastructure.specs.postman.
# postman_schema_version, application.testgen.imports.imported_suite): an `info` naming a
# v2.0 or v2.1 collection schema, and items among which at least one request.
POSTMAN_COLLECTION: dict[str, Any] = {
    "required": ["info", "item"],
    "properties": {
        "item": {
            "type": "array",
            "minItems": 1,
            "contains": _REQUEST_ITEM,
            "description": "Requests and folders; at least one request, as text or {url, method}",
        },
        "info": {
            "type": "object",
            "required": ["schema"],
            "properties": {
                "schema": {
                    "type": "string",
                    "pattern": r"/collection/v2\.[01]\.[0-9]+/",
                    "examples": [
                        "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
                    ],
                }
            },
        },
    },
}


class PostmanImportCreate(BaseModel):
    """A collection (v2.0 or v2.1), with an optional environment and globals export."""

    model_config = ConfigDict(extra="forbid")
    collection: dict[str, Any] = Field(json_schema_extra=POSTMAN_COLLECTION)
    environment: dict[str, Any] | None = None
    globals: dict[str, Any] | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)

    @field_validator("collection", "environment", "globals")
    @classmethod
    def _not_too_deep(cls, value: Any) -> Any:
        return _shallow(value)


class UntranslatedLinePublic(BaseModel):
    request: str
    line: int
    text: str


class ImportReportPublic(BaseModel):
    """What an import made of a collection."""

    requests: int
    cases: int
    assertions: int
    assertions_translated: int
    extractions: int
    partially_imported: list[str]
    untranslated: list[UntranslatedLinePublic]
    variables: list[str]
    secrets: list[str]
    warnings: list[str]


class PostmanImportPublic(BaseModel):
    suite_id: UUID
    environment_id: UUID
    spec_id: UUID
    report: ImportReportPublic


class PostmanCollectionPublic(BaseModel):
    """A Postman collection v2.1, as Postman's own schema describes it (its requests are
    Postman's shape, not Testament's)."""

    model_config = ConfigDict(extra="allow")
    info: dict[str, Any]
    item: list[dict[str, Any]]
    variable: list[dict[str, Any]] = []
