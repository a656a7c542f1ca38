"""Request and response bodies of specifications, endpoints and files."""

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.specifications.endpoint_rules import HTTP_METHODS
from domain.specifications.parsed import SourceType
from interfaces.http.schemas.formats import HTTP_URL_PATTERN, NOT_BLANK_PATTERN, pattern


class SpecificationText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    content: str = Field(
        min_length=1, description="The document, pasted: OpenAPI, Swagger, Postman, HAR or cURL"
    )
    name: str | None = Field(default=None, max_length=200)
    format: SourceType | None = Field(default=None, description="Override the detected format")


class SpecificationUrl(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=1, max_length=2048, json_schema_extra=pattern(HTTP_URL_PATTERN))
    name: str | None = Field(default=None, max_length=200)
    format: SourceType | None = None


class ManualSpecificationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)


# domain.specifications.manual: one of HTTP_METHODS (either case); a path starting with "/",
# without query or fragment, {name} for its parameters.
_METHOD = "^(" + "|".join(f"{m}|{m.upper()}" for m in HTTP_METHODS) + ")$"
# The path's text outside {name} is kept to ASCII URL characters: a plain subset (what
# counts as white space differs between regex dialects).
_SEGMENT = r"[A-Za-z0-9._~!$&'()*+,;=:@%/-]*"
_PATH = rf"^/{_SEGMENT}(\{{[A-Za-z0-9_.\-]+\}}{_SEGMENT})*$"


class ManualParameter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, json_schema_extra=pattern(NOT_BLANK_PATTERN))
    location: str = Field(pattern="^(path|query|header|cookie)$")
    required: bool = False
    schema_: dict[str, Any] = Field(default_factory=dict, alias="schema")
    description: str = ""


class ManualResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status_code: str = Field(pattern="^([1-5][0-9][0-9]|[1-5]XX|default)$")
    description: str = ""
    schema_: dict[str, Any] = Field(default_factory=dict, alias="schema")


class ManualEndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: str = Field(
        min_length=3, max_length=7, examples=["GET"], json_schema_extra=pattern(_METHOD)
    )
    path: str = Field(
        min_length=1,
        max_length=500,
        examples=["/pets/{petId}"],
        json_schema_extra=pattern(_PATH),
        description="Each {name} in it once; a parameter located in the path names one of them",
    )
    operation_id: str = Field(default="", max_length=200)
    summary: str = Field(default="", max_length=500)
    description: str = Field(default="", max_length=10_000)
    tags: list[str] = Field(default_factory=list, max_length=50)
    parameters: list[ManualParameter] = Field(default_factory=list, max_length=100)
    request_body_schema: dict[str, Any] | None = None
    responses: list[ManualResponse] = Field(default_factory=list, max_length=50)


class SpecificationPublic(BaseModel):
    id: UUID
    project_id: UUID
    name: str
    source_type: str
    api_version: str
    title: str
    parse_status: str
    parse_errors: list[dict[str, str]] | None
    is_active: bool
    original_file_id: UUID | None
    endpoint_count: int
    servers: list[str]
    parsed_at: datetime | None = None
    version: int
    created_at: datetime
    updated_at: datetime


class EndpointPublic(BaseModel):
    id: UUID
    spec_id: UUID
    method: str
    path: str
    operation_id: str
    summary: str
    description: str
    tags: list[str]
    deprecated: bool


class EndpointsPublic(BaseModel):
    items: list[EndpointPublic]
    total: int
    limit: int
    offset: int


class EndpointDetailPublic(EndpointPublic):
    parameters: list[dict[str, Any]]
    responses: list[dict[str, Any]]
    security: list[dict[str, Any]]


class EndpointChangePublic(BaseModel):
    key: str
    changes: list[str]


class SpecificationDiffPublic(BaseModel):
    base: UUID
    target: UUID
    added: list[str]
    removed: list[str]
    changed: list[EndpointChangePublic]
    unchanged: int


class FilePublic(BaseModel):
    id: UUID
    file_name: str
    content_type: str
    size: int
    sha256: str
    category: str
    deduplicated: bool
    version: int
