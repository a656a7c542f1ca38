"""Request bodies of environments and runs."""

from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from domain.environments.model import (
    MAX_AUTH_FIELD_LENGTH,
    MAX_HEADER_NAME_LENGTH,
    MAX_HEADER_VALUE_LENGTH,
    MAX_HEADERS,
    MAX_VARIABLE_VALUE_LENGTH,
)
from interfaces.http.schemas.formats import (
    HEADER_NAME_PATTERN,
    HEADER_VALUE_PATTERN,
    HTTP_URL_PATTERN,
    VARIABLE_NAME_PATTERN,
    pattern,
)


def _without_nul(text: str) -> str:
    """This function will refuse a text holding NUL: PostgreSQL cannot store it."""
    # Checked here and not only in the domain because secrets reach the domain sealed.
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    return text


HeaderName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_HEADER_NAME_LENGTH,
        json_schema_extra=pattern(HEADER_NAME_PATTERN),
    ),
]
HeaderValue = Annotated[
    str,
    Field(max_length=MAX_HEADER_VALUE_LENGTH, json_schema_extra=pattern(HEADER_VALUE_PATTERN)),
    AfterValidator(_without_nul),
]
AuthValue = Annotated[str, Field(max_length=MAX_AUTH_FIELD_LENGTH), AfterValidator(_without_nul)]
Headers = Annotated[dict[HeaderName, HeaderValue], Field(max_length=MAX_HEADERS)]
Auth = dict[str, AuthValue | None]


def _no_auth() -> Auth:
    return {"type": "none"}


class Variable(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(
        min_length=1, max_length=100, json_schema_extra=pattern(VARIABLE_NAME_PATTERN)
    )
    value: Annotated[str, AfterValidator(_without_nul)] = Field(
        default="", max_length=MAX_VARIABLE_VALUE_LENGTH
    )
    secret: bool = False


class EnvironmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, examples=["Staging"])
    base_url: str = Field(
        min_length=1,
        max_length=2048,
        examples=["https://staging.example.com/api"],
        json_schema_extra=pattern(HTTP_URL_PATTERN),
    )
    variables: list[Variable] = Field(default_factory=list, max_length=500)
    headers: Headers = Field(default_factory=dict)
    auth: Auth = Field(
        default_factory=_no_auth,
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
    base_url: str | None = Field(
        default=None, max_length=2048, json_schema_extra=pattern(HTTP_URL_PATTERN)
    )
    variables: list[Variable] | None = Field(default=None, max_length=500)
    headers: Headers | None = None
    auth: Auth | None = Field(default=None, description="send *** to keep a secret unchanged")


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    environment_id: UUID | None = Field(
        default=None, description="Default: the project's default environment"
    )
