"""Request and response bodies of environments and runs: what a GET returns, a PATCH takes."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel
from pydantic.config import JsonDict

from application.testexec.queries import EnvironmentSummary, RunSummary
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
    NOT_BLANK_PATTERN,
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
Headers = Annotated[dict[HeaderName, HeaderValue], Field(max_length=MAX_HEADERS)]

# An auth configuration's fields, as domain.environments.model.require_auth_shape checks them:
# a required field is not blank, a secret is not empty (it is sealed as sent, spaces and all;
# *** keeps the current one), none holds NUL or exceeds MAX_AUTH_FIELD_LENGTH.
_SECRET = "Write-only: reads ***; send *** to keep the current one"
AuthText = Annotated[
    str,
    Field(max_length=MAX_AUTH_FIELD_LENGTH, json_schema_extra=pattern(NOT_BLANK_PATTERN)),
    AfterValidator(_without_nul),
]
AuthSecret = Annotated[
    str,
    Field(min_length=1, max_length=MAX_AUTH_FIELD_LENGTH, description=_SECRET),
    AfterValidator(_without_nul),
]
OptionalAuthText = Annotated[
    str, Field(max_length=MAX_AUTH_FIELD_LENGTH), AfterValidator(_without_nul)
]


class _Auth(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class NoAuth(_Auth):
    type: Literal["none"]


class BasicAuth(_Auth):
    type: Literal["basic"]
    username: AuthText
    password: AuthSecret


class BearerAuth(_Auth):
    type: Literal["bearer"]
    token: AuthSecret


class ApiKeyAuth(_Auth):
    type: Literal["api_key"]
    in_: Literal["header", "query", "cookie"] = Field(alias="in")
    name: AuthText
    value: AuthSecret


class OAuth2ClientCredentialsAuth(_Auth):
    type: Literal["oauth2_client_credentials"]
    token_url: str = Field(
        min_length=1,
        max_length=MAX_AUTH_FIELD_LENGTH,
        json_schema_extra=pattern(HTTP_URL_PATTERN),
    )
    client_id: AuthText
    client_secret: AuthSecret
    scope: OptionalAuthText | None = None
    audience: OptionalAuthText | None = None


Auth = Annotated[
    NoAuth | BasicAuth | BearerAuth | ApiKeyAuth | OAuth2ClientCredentialsAuth,
    Field(discriminator="type"),
]


def auth_fields(auth: Auth) -> dict[str, Any]:
    """This function will give an auth configuration as the application takes it."""
    return auth.model_dump(by_alias=True, exclude_none=True)


def _no_auth() -> Auth:
    return NoAuth(type="none")


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
        description="Secrets are encrypted and shown as ***",
    )
    make_default: bool = False


_READ_ONLY = "Read-only: accepted so that a GET can be sent back, refused (422) if it differs"
# OpenAPI's readOnly: the server owns the value, and refuses an attempt to change it.
_READ_ONLY_FLAG: JsonDict = {"readOnly": True}


class EnvironmentUpdate(BaseModel):
    """Any subset of an environment; an EnvironmentPublic as a GET returned it is one, and
    changes nothing. A secret sent back as *** keeps its value."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=100)
    base_url: str | None = Field(
        default=None, max_length=2048, json_schema_extra=pattern(HTTP_URL_PATTERN)
    )
    variables: list[Variable] | None = Field(
        default=None,
        max_length=500,
        description="The whole list; a secret variable's value *** keeps its current value",
    )
    headers: Headers | None = None
    auth: Auth | None = Field(default=None, description="send *** to keep a secret unchanged")
    id: UUID | None = Field(default=None, description=_READ_ONLY, json_schema_extra=_READ_ONLY_FLAG)
    project_id: UUID | None = Field(
        default=None, description=_READ_ONLY, json_schema_extra=_READ_ONLY_FLAG
    )
    is_default: bool | None = Field(
        default=None, description=_READ_ONLY, json_schema_extra=_READ_ONLY_FLAG
    )
    version: int | None = Field(
        default=None,
        ge=1,
        description="The version it was read at: without If-Match, a stale one is refused (412)",
    )

    def read_only(self) -> dict[str, Any]:
        sent = {"id": self.id, "project_id": self.project_id, "is_default": self.is_default}
        return {k: v for k, v in sent.items() if v is not None}


class EnvironmentPublic(BaseModel):
    id: UUID
    project_id: UUID
    name: str
    base_url: str
    variables: list[Variable] = Field(description="A secret's value reads ***")
    headers: Headers
    auth: dict[str, str | None] = Field(description="Secret fields read ***")
    is_default: bool
    version: int

    @classmethod
    def of(cls, env: EnvironmentSummary) -> "EnvironmentPublic":
        return cls(
            id=env.id,
            project_id=env.project_id,
            name=env.name,
            base_url=env.base_url,
            variables=[
                Variable(name=v.name, value=v.value, secret=v.secret) for v in env.variables
            ],
            headers=env.headers,
            auth=env.auth,
            is_default=env.is_default,
            version=env.version,
        )


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    environment_id: UUID | None = Field(
        default=None, description="Default: the project's default environment"
    )


_DEPRECATED: JsonDict = {"deprecated": True}


class RunPublic(BaseModel):
    """A run: the same shape from GET /runs/{id}, the suite's list, recent runs and writes."""

    id: UUID
    project_id: UUID
    suite_id: UUID
    environment_id: UUID
    run_number: int
    status: str = Field(examples=["Pending", "Running", "Completed", "Failed", "Cancelled"])
    triggered_by: UUID | None
    queued_at: datetime = Field(description="When the run was asked for (its Queued event)")
    started_at: datetime | None
    completed_at: datetime | None
    total_tests: int
    passed: int
    failed: int
    skipped: int
    duration_ms: int
    results_expire_at: datetime | None
    results_archived: bool
    cancel_requested: bool
    failure_reason: str
    attempts: int
    version: int
    # The list's old names, kept for one release (docs/api-changes.md).
    test_suite_id: UUID = Field(description="Deprecated: suite_id", json_schema_extra=_DEPRECATED)
    passed_count: int = Field(description="Deprecated: passed", json_schema_extra=_DEPRECATED)
    failed_count: int = Field(description="Deprecated: failed", json_schema_extra=_DEPRECATED)
    skipped_count: int = Field(description="Deprecated: skipped", json_schema_extra=_DEPRECATED)

    @classmethod
    def of(cls, run: RunSummary) -> "RunPublic":
        return cls(
            id=run.id,
            project_id=run.project_id,
            suite_id=run.suite_id,
            environment_id=run.environment_id,
            run_number=run.run_number,
            status=str(run.status),
            triggered_by=run.triggered_by,
            queued_at=run.queued_at,
            started_at=run.started_at,
            completed_at=run.completed_at,
            total_tests=run.total_tests,
            passed=run.passed,
            failed=run.failed,
            skipped=run.skipped,
            duration_ms=run.duration_ms,
            results_expire_at=run.results_expire_at,
            results_archived=run.results_archived,
            cancel_requested=run.cancel_requested,
            failure_reason=run.failure_reason,
            attempts=run.attempts,
            version=run.version,
            test_suite_id=run.suite_id,
            passed_count=run.passed,
            failed_count=run.failed,
            skipped_count=run.skipped,
        )


class CaseResultPublic(BaseModel):
    """One case's result as the engine recorded it (camelCase, as in the hot store)."""

    model_config = ConfigDict(extra="allow")
    case_id: str
    status: str | None = None
    durationMs: str | None = None
    failureReason: str | None = None
    requestMethod: str | None = None
    requestUrl: str | None = None
    requestHeaders: Any = None
    requestBody: str | None = None
    responseStatus: str | None = None
    responseHeaders: Any = None
    responseBody: str | None = None
    validations: Any = None
    extracted: Any = None
    rows: dict[str, Any] | None = Field(default=None, description="A data-driven case's rows")
    llmExplanation: str | None = Field(
        default=None,
        description="Why the case failed, in words, once asked for (docs/llm.md); empty until",
    )
    llmExplanationError: str | None = Field(
        default=None, description="Why no explanation could be written (set when asking failed)"
    )


class RunResultsPublic(BaseModel):
    summary: RunPublic
    results: list[CaseResultPublic]
    total_cases: int | None = Field(
        default=None, description="with limit or offset: the cases of the run's suite in all"
    )
    next_offset: int | None = Field(
        default=None, description="with limit or offset: the offset of the next page, if any"
    )


class LogLinePublic(BaseModel):
    model_config = ConfigDict(extra="allow")
    timestamp: str | None = None
    level: str | None = None
    message: str | None = None


class RunVariablesPublic(RootModel[dict[str, str]]):
    """A run's variables after its last case, by name (secret values read ***)."""
