"""Request bodies of environments and runs."""

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class Variable(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    value: str = Field(default="", max_length=10_000)
    secret: bool = False


class EnvironmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, examples=["Staging"])
    base_url: str = Field(
        min_length=1, max_length=2048, examples=["https://staging.example.com/api"]
    )
    variables: list[Variable] = Field(default_factory=list, max_length=500)
    headers: dict[str, str] = Field(default_factory=dict)
    auth: dict[str, Any] = Field(
        default_factory=lambda: {"type": "none"},
        examples=[
            {"type": "bearer", "token": "..."},
            {"type": "api_key", "in": "header", "name": "X-API-Key", "value": "..."},
        ],
        description="none | basic | bearer | api_key | oauth2_client_credentials; secrets are encrypted and shown as ***",
    )
    make_default: bool = False


class EnvironmentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=100)
    base_url: str | None = Field(default=None, max_length=2048)
    variables: list[Variable] | None = Field(default=None, max_length=500)
    headers: dict[str, str] | None = None
    auth: dict[str, Any] | None = Field(
        default=None, description="send *** to keep a secret unchanged"
    )


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    environment_id: UUID | None = Field(
        default=None, description="Default: the project's default environment"
    )
