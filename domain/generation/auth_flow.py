"""Finding the operation that logs in, and where its response carries the token."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from domain.generation.constraints import SchemaReader, property_schemas
from domain.generation.credentials import AUTH_TOKEN
from domain.generation.resources import endpoint_key, json_path, shape
from domain.generation.responses import success_response
from domain.specifications.parsed import ParsedEndpoint, ParsedSecurityScheme
from domain.testing.values import ExtractionSource, VariableExtraction

_STRONG = ("login", "log-in", "signin", "sign-in", "authenticate")
_WEAK = ("token", "tokens", "oauth", "oauth2", "auth", "session", "sessions", "jwt")
_NOT_AUTH = (
    "logout", "log-out", "signout", "sign-out", "revoke", "refresh", "register",
    "signup", "sign-up", "me", "password", "verify", "introspect", "userinfo",
)  # fmt: skip
_TOKEN_KEYS = (
    "access_token", "accessToken", "token", "jwt", "id_token", "idToken",
    "authToken", "auth_token", "bearer", "session_token", "sessionToken",
)  # fmt: skip
_WRAPPERS = ("data", "result", "auth")


@dataclass(frozen=True, kw_only=True, slots=True)
class AuthStep:
    """The operation that authenticates, the token it yields, and why it was chosen."""

    endpoint_key: str
    extraction: VariableExtraction
    why: str


def find_auth_step(
    endpoints: list[ParsedEndpoint],
    schemes: list[ParsedSecurityScheme],
    reader: SchemaReader,
) -> AuthStep | None:
    """This function will pick the operation a suite should call first to get a token.

    An OAuth2 ``tokenUrl`` matching an operation's path wins; then login / sign-in paths
    and operation ids; then token, auth and session ones. Only POST operations qualify,
    and logout, refresh, register and similar are never taken for a login.
    """
    token_paths = _token_url_paths(schemes)
    best: tuple[int, ParsedEndpoint, str] | None = None
    for endpoint in endpoints:
        if endpoint.method.upper() != "POST":
            continue
        score, why = _score(endpoint, token_paths)
        if score and (best is None or score > best[0]):
            best = (score, endpoint, why)
    if best is None:
        return None
    _, endpoint, why = best
    path = _token_path(endpoint, reader) or ("$.access_token" if best[0] == 3 else "$.token")
    extraction = VariableExtraction(name=AUTH_TOKEN, source=ExtractionSource.Body, expression=path)
    return AuthStep(endpoint_key=endpoint_key(endpoint), extraction=extraction, why=why)


def _words(text: str) -> str:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", text).lower()
    return "-" + "-".join(part for part in re.split(r"[^a-z0-9]+", spaced) if part) + "-"


def _score(endpoint: ParsedEndpoint, token_paths: list[str]) -> tuple[int, str]:
    """This function will rate how surely an operation is a login (0: not one), and why."""
    words = _words(endpoint.path) + _words(endpoint.operation_id)
    if any(f"-{word}-" in words for word in _NOT_AUTH):
        return 0, ""
    if any(_same_path(endpoint.path, token_path) for token_path in token_paths):
        return 3, "it is the tokenUrl of an OAuth2 security scheme"
    if any(f"-{word}-" in words for word in _STRONG):
        return 2, "its path or operation id names a login"
    if any(f"-{word}-" in words for word in _WEAK):
        return 1, "its path or operation id names a token or session endpoint"
    return 0, ""


def _same_path(path: str, token_path: str) -> bool:
    return bool(token_path) and (
        shape(token_path).endswith(shape(path)) or shape(path).endswith(shape(token_path))
    )


def _token_url_paths(schemes: list[ParsedSecurityScheme]) -> list[str]:
    paths = []
    for scheme in schemes:
        flows = scheme.configuration.get("flows")
        if scheme.type != "oauth2" or not isinstance(flows, Mapping):
            continue
        for flow in flows.values():
            token_url = flow.get("tokenUrl") if isinstance(flow, Mapping) else None
            if isinstance(token_url, str) and token_url:
                paths.append(urlsplit(token_url).path or token_url)
    return paths


def _token_path(endpoint: ParsedEndpoint, reader: SchemaReader) -> str | None:
    """This function will find the token in the success response's schema or examples."""
    response = success_response(endpoint)
    if response is None:
        return None
    found = _token_key(property_schemas(reader.resolve(response.schema)))
    if found:
        return json_path([found])
    properties = property_schemas(reader.resolve(response.schema))
    for wrapper in _WRAPPERS:
        inner = _token_key(property_schemas(reader.resolve(properties.get(wrapper))))
        if inner:
            return json_path([wrapper, inner])
    for example in response.examples.values():
        if isinstance(example, Mapping) and (found := _token_key(example)):
            return json_path([found])
    return None


def _token_key(properties: Mapping[str, Any]) -> str | None:
    return next((key for key in _TOKEN_KEYS if key in properties), None)
