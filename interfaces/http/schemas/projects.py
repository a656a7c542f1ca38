"""Request and response bodies of projects."""

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from interfaces.http.schemas.formats import HTTP_URL_PATTERN, pattern


class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200, examples=["Petstore"])
    description: str = Field(default="", max_length=4000)
    base_url: str = Field(
        default="",
        max_length=2048,
        examples=["https://api.example.com/v1"],
        json_schema_extra=pattern(HTTP_URL_PATTERN),
    )


class ProjectUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=4000)
    base_url: str | None = Field(
        default=None, max_length=2048, json_schema_extra=pattern(HTTP_URL_PATTERN)
    )


class ProjectPublic(BaseModel):
    id: UUID
    name: str
    description: str
    base_url: str
    status: str
    active_spec_id: UUID | None
    owner_id: UUID
    version: int
    created_at: datetime
    updated_at: datetime


class ProjectsPublic(BaseModel):
    items: list[ProjectPublic]
    total: int
    limit: int
    offset: int


class HistoryEntryPublic(BaseModel):
    type: str
    version: int
    timestamp: datetime
    user_id: str | None
    ip: str | None
    user_agent: str | None
    correlation_id: str | None
    reason: str | None
    payload: dict[str, Any]
    api_key_id: str | None = Field(
        default=None, description="the API key the change was made with (user_id is its owner)"
    )
