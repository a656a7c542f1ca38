"""Execution environments of a project: where runs send requests, with which credentials.

Secrets (auth passwords, tokens, keys, secret variables) reach the events only encrypted:
the application seals them before calling the aggregate.
"""

import re
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError, InconsistentValuesError, InvalidValueError
from domain.shared.meta import Meta
from domain.shared.values import require_http_url, require_text, require_verbatim_text


# The names a ``{{placeholder}}`` can use (see infrastructure/execution/templating.py).
class EnvironmentDeletedError(ConflictError):
    """A change to a deleted environment."""


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,99}")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
MAX_HEADERS = 100
MAX_HEADER_NAME_LENGTH = 256
MAX_HEADER_VALUE_LENGTH = 8192
MAX_AUTH_FIELD_LENGTH = 8192
MAX_VARIABLE_VALUE_LENGTH = 10_000


class AuthType(StrEnum):
    NONE = "none"
    BASIC = "basic"
    BEARER = "bearer"
    API_KEY = "api_key"
    OAUTH2_CLIENT_CREDENTIALS = "oauth2_client_credentials"


# The fields of each auth type, and which of them are secrets.
AUTH_FIELDS: dict[AuthType, dict[str, bool]] = {
    AuthType.NONE: {},
    AuthType.BASIC: {"username": False, "password": True},
    AuthType.BEARER: {"token": True},
    AuthType.API_KEY: {"in": False, "name": False, "value": True},
    AuthType.OAUTH2_CLIENT_CREDENTIALS: {
        "token_url": False,
        "client_id": False,
        "client_secret": True,
        "scope": False,
        "audience": False,
    },
}
OPTIONAL_AUTH_FIELDS = {"scope", "audience"}


def require_auth_shape(auth: dict[str, Any]) -> AuthType:
    """This function will check an auth configuration's type and fields (values may be sealed)."""
    try:
        kind = AuthType(auth.get("type", "none"))
    except ValueError:
        raise InvalidValueError(
            "auth.type", f"must be one of {', '.join(t.value for t in AuthType)}"
        ) from None
    fields = AUTH_FIELDS[kind]
    unknown = set(auth) - set(fields) - {"type"}
    if unknown:
        raise InvalidValueError("auth", f"unknown fields for {kind.value}: {sorted(unknown)}")
    for name, secret in fields.items():
        if name not in OPTIONAL_AUTH_FIELDS and not str(auth.get(name) or "").strip():
            raise InvalidValueError(f"auth.{name}", "is required")
        value = auth.get(name)
        if isinstance(value, str) and not secret:
            # A secret arrives sealed (longer than its plaintext, and never holding NUL):
            # its plaintext was checked before sealing, by the HTTP schema.
            require_verbatim_text(f"auth.{name}", value, max_length=MAX_AUTH_FIELD_LENGTH)
    if kind == AuthType.API_KEY and auth["in"] not in ("header", "query", "cookie"):
        raise InvalidValueError("auth.in", "must be header, query or cookie")
    if kind == AuthType.OAUTH2_CLIENT_CREDENTIALS:
        require_http_url("auth.token_url", auth["token_url"])
    return kind


def require_variables(variables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """This function will check variables ({name, value, secret}): names unique and well formed."""
    seen: set[str] = set()
    checked = []
    for index, variable in enumerate(variables):
        name = str(variable.get("name", ""))
        if not _NAME.fullmatch(name):
            raise InvalidValueError(
                f"variables.{index}.name", f"{name!r} is not a valid variable name"
            )
        if name in seen:
            raise InconsistentValuesError(f"variables.{index}.name", f"{name!r} appears twice")
        seen.add(name)
        secret = bool(variable.get("secret"))
        value = str(variable.get("value", ""))
        if not secret:
            # A secret arrives sealed (longer than its plaintext, and never holding NUL):
            # its plaintext was checked before sealing, by the HTTP schema.
            require_verbatim_text(
                f"variables.{index}.value", value, max_length=MAX_VARIABLE_VALUE_LENGTH
            )
        checked.append({"name": name, "value": value, "secret": secret})
    return checked


def require_headers(headers: dict[str, Any]) -> dict[str, str]:
    """This function will check default headers: few, well named, one line each, bounded."""
    if len(headers) > MAX_HEADERS:
        raise InvalidValueError("headers", f"must hold at most {MAX_HEADERS} headers")
    checked: dict[str, str] = {}
    for name, value in headers.items():
        name, value = str(name), str(value)
        if len(name) > MAX_HEADER_NAME_LENGTH or not _HEADER_NAME.fullmatch(name):
            raise InvalidValueError(
                "headers",
                f"{name[:40]!r} is not a valid header name (at most"
                f" {MAX_HEADER_NAME_LENGTH} token characters)",
            )
        if "\n" in value or "\r" in value:
            raise InvalidValueError(f"headers.{name}", "must not contain line breaks")
        checked[name] = require_verbatim_text(
            f"headers.{name}", value, max_length=MAX_HEADER_VALUE_LENGTH
        )
    return checked


class ExecutionEnvironment(Aggregate):
    """A named target of a project: base URL, variables, default headers, authentication."""

    class Created(Aggregate.Created):
        project_id: UUID
        name: str
        base_url: str
        variables: list[dict[str, Any]]
        headers: dict[str, str]
        auth: dict[str, Any]
        meta: Meta

    @event(Created)
    def __init__(
        self,
        *,
        project_id: UUID,
        name: str,
        base_url: str,
        variables: list[dict[str, Any]],
        headers: dict[str, str],
        auth: dict[str, Any],
        meta: Meta,
    ) -> None:
        self.project_id = project_id
        self.name = name
        self.base_url = base_url
        self.variables = variables
        self.headers = headers
        self.auth = auth
        self.is_default = False
        self.deleted = False

    @classmethod
    def start(
        cls,
        *,
        project_id: UUID,
        name: str,
        base_url: str,
        variables: list[dict[str, Any]],
        headers: dict[str, Any],
        auth: dict[str, Any],
        meta: Meta,
    ) -> "ExecutionEnvironment":
        require_auth_shape(auth)
        url = require_http_url("base_url", base_url)
        if not url:
            raise InvalidValueError("base_url", "is required")
        return cls(
            project_id=project_id,
            name=require_text("name", name, max_length=100),
            base_url=url,
            variables=require_variables(variables),
            headers=require_headers(headers),
            auth=auth,
            meta=meta,
        )

    class Changed(Aggregate.Event):
        changes: dict[str, Any]
        meta: Meta

    def change(self, *, meta: Meta, **values: Any) -> list[str]:
        """This function will change name, base URL, variables, headers or auth (sealed)."""
        if self.deleted:
            raise EnvironmentDeletedError("the environment is deleted")
        checked: dict[str, Any] = {}
        for field, value in values.items():
            if value is None:
                continue
            if field == "name":
                checked[field] = require_text("name", value, max_length=100)
            elif field == "base_url":
                checked[field] = require_http_url("base_url", value) or self.base_url
            elif field == "variables":
                checked[field] = require_variables(value)
            elif field == "headers":
                checked[field] = require_headers(value)
            elif field == "auth":
                require_auth_shape(value)
                checked[field] = value
            else:
                raise InvalidValueError(field, "is not a field of an environment")
        changes = {k: v for k, v in checked.items() if getattr(self, k) != v}
        if changes:
            self._change(changes=changes, meta=meta)
        return sorted(changes)

    @event(Changed)
    def _change(self, *, changes: dict[str, Any], meta: Meta) -> None:
        for field, value in changes.items():
            setattr(self, field, value)

    class DefaultSet(Aggregate.Event):
        is_default: bool
        meta: Meta

    @event(DefaultSet)
    def set_default(self, *, is_default: bool, meta: Meta) -> None:
        self.is_default = is_default

    class Deleted(Aggregate.Event):
        meta: Meta

    @event(Deleted)
    def delete(self, *, meta: Meta) -> None:
        self.deleted = True
        self.is_default = False


class EnvironmentRegistry(Aggregate):
    """The environments of one project and which is the default: one default per project."""

    class Opened(Aggregate.Created):
        project_id: UUID

    @event(Opened)
    def __init__(self, *, project_id: UUID) -> None:
        self.project_id = project_id
        self.default_id: str | None = None

    @staticmethod
    def create_id(project_id: UUID, **_: Any) -> UUID:
        return registry_id(project_id)

    class DefaultChosen(Aggregate.Event):
        environment_id: str | None

    @event(DefaultChosen)
    def choose_default(self, *, environment_id: str | None) -> None:
        self.default_id = environment_id


def registry_id(project_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"testament:environments:{project_id}")
