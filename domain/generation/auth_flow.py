"""Finding the operation that logs in, and where its response carries the token.

Only strong evidence makes an operation the login step, because every secured case waits
behind it: the OAuth2 ``tokenUrl``, an operation a bearer scheme's description names, the
WORDS (not substrings) of an operation id, a summary or the last segment of a path saying
login / sign in / token / session, or a success response whose schema has a token field.
A word such as "auth" inside ``/no_auth/pets`` is weak evidence: no login is invented from
it, and the generation notes say so.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from domain.generation.constraints import SchemaReader, property_schemas
from domain.generation.credentials import AUTH_TOKEN
from domain.generation.resources import endpoint_key, json_path, shape
from domain.generation.responses import success_response
from domain.specifications.parsed import ParsedEndpoint, ParsedSecurityScheme
from domain.testing.values import ExtractionSource, VariableExtraction

_LOGIN_WORDS = (
    "login", "log-in", "signin", "sign-in", "authenticate", "authentication", "token",
    "tokens", "session", "sessions",
)  # fmt: skip
_WEAK_WORDS = ("auth", "oauth", "oauth2", "jwt", "credentials")
_NOT_AUTH = (
    "logout", "log-out", "signout", "sign-out", "revoke", "refresh", "register",
    "signup", "sign-up", "me", "password", "verify", "introspect", "userinfo",
)  # fmt: skip
_TOKEN_KEYS = (
    "access_token", "accessToken", "token", "jwt", "id_token", "idToken",
    "authToken", "auth_token", "bearer", "session_token", "sessionToken",
)  # fmt: skip
_MAX_DEPTH = 4  # how deep in a response a token is looked for: {"data": {"user": {"token"}}}


@dataclass(frozen=True, kw_only=True, slots=True)
class AuthStep:
    """The operation that authenticates, the token it yields, and why it was chosen."""

    endpoint_key: str
    extraction: VariableExtraction
    why: str


@dataclass(frozen=True, kw_only=True, slots=True)
class AuthSearch:
    """What the search for a login found, and what it saw and set aside (for the report)."""

    step: AuthStep | None
    notes: list[str] = field(default_factory=list)


def find_auth_step(
    endpoints: list[ParsedEndpoint],
    schemes: list[ParsedSecurityScheme],
    reader: SchemaReader,
) -> AuthStep | None:
    """This function will pick the operation a suite should call first to get a token."""
    return search_auth_step(endpoints, schemes, reader).step


def search_auth_step(
    endpoints: list[ParsedEndpoint],
    schemes: list[ParsedSecurityScheme],
    reader: SchemaReader,
) -> AuthSearch:
    """This function will pick the login operation on strong evidence only, and say why.

    The OAuth2 ``tokenUrl`` wins, then an operation a bearer scheme's description names,
    then login words, then a token field alone; a token field in the response breaks ties.
    Only POST operations qualify, and logout, refresh, register and the like never do.
    """
    token_paths = _token_url_paths(schemes)
    described = " ".join(s.description for s in schemes if s.type in ("http", "oauth2"))
    best: tuple[int, ParsedEndpoint, str, _TokenPath | None] | None = None
    weak: list[str] = []
    failing: list[str] = []
    for endpoint in endpoints:
        if endpoint.method.upper() != "POST" or _excluded(endpoint):
            continue
        if _never_succeeds(endpoint):
            # oas-examples' security.json: "Forced invalid authentication" (POST
            # /status/401) has a login word but documents only 401: no token can come of it.
            if _has_word(_all_words(endpoint), _WEAK_WORDS + _LOGIN_WORDS):
                failing.append(endpoint_key(endpoint))
            continue
        token = _token_path(endpoint, reader)
        score, why = _score(endpoint, token_paths, described, token)
        if not score:
            if _has_word(_all_words(endpoint), _WEAK_WORDS):
                weak.append(endpoint_key(endpoint))
            continue
        if best is None or score > best[0]:
            best = (score, endpoint, why, token)
    notes = [
        f"{key}: its name mentions auth, but nothing says it logs in (no login word, no "
        "token in its response); it was not taken for the login step"
        for key in weak
    ]
    notes += [
        f"{key}: documents no success response, so it cannot hand out a token; it was not "
        "taken for the login step"
        for key in failing
    ]
    if best is None:
        return AuthSearch(step=None, notes=notes)
    score, endpoint, why, token = best
    if token is None:
        guess = "$.access_token" if score >= _TOKEN_URL else "$.token"
        token = _TokenPath(guess, f"the response documents no token field; {guess} is assumed")
    key = endpoint_key(endpoint)
    extraction = VariableExtraction(
        name=AUTH_TOKEN, source=ExtractionSource.Body, expression=token.path
    )
    notes.append(
        f"{key}: the login step ({why}); {AUTH_TOKEN} is read from {token.path}: {token.why}"
    )
    return AuthSearch(step=AuthStep(endpoint_key=key, extraction=extraction, why=why), notes=notes)


_TOKEN_URL, _DESCRIBED, _NAMED_WITH_TOKEN, _NAMED, _TOKEN_ONLY = 50, 40, 30, 20, 10


def _score(
    endpoint: ParsedEndpoint,
    token_paths: list[str],
    described: str,
    token: "_TokenPath | None",
) -> tuple[int, str]:
    """This function will rate how surely an operation is a login (0: not one), and why."""
    if any(_same_path(endpoint.path, token_path) for token_path in token_paths):
        return _TOKEN_URL, "it is the tokenUrl of an OAuth2 security scheme"
    if _described_in(endpoint, described):
        return _DESCRIBED, "a bearer security scheme's description names it"
    if _has_word(_name_words(endpoint), _LOGIN_WORDS):
        if token is not None and token.from_schema:
            return _NAMED_WITH_TOKEN, "its name says it logs in and its response has a token"
        return _NAMED, "its operation id, summary or path says it logs in"
    if token is not None and token.from_schema and not _path_parameters(endpoint):
        return _TOKEN_ONLY, "its response schema has a token field"
    return 0, ""


def _words(text: str) -> str:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", text).lower()
    return "-" + "-".join(part for part in re.split(r"[^a-z0-9]+", spaced) if part) + "-"


def _has_word(words: str, wanted: tuple[str, ...]) -> bool:
    return any(f"-{word}-" in words for word in wanted)


def _name_words(endpoint: ParsedEndpoint) -> str:
    """This function will give the words that name what an operation does: its operation id,
    its summary and the last fixed segment of its path (`/users/login`, not `/no_auth/x`)."""
    return (
        _words(endpoint.operation_id) + _words(endpoint.summary) + _words(_last_segment(endpoint))
    )


def _all_words(endpoint: ParsedEndpoint) -> str:
    return _words(endpoint.path) + _words(endpoint.operation_id) + _words(endpoint.summary)


def _last_segment(endpoint: ParsedEndpoint) -> str:
    fixed = [part for part in endpoint.path.split("/") if part and not part.startswith("{")]
    return fixed[-1] if fixed else ""


def _excluded(endpoint: ParsedEndpoint) -> bool:
    return _has_word(_words(endpoint.path) + _words(endpoint.operation_id), _NOT_AUTH)


def _never_succeeds(endpoint: ParsedEndpoint) -> bool:
    """This function will tell whether an operation documents responses, none of them a
    success (2xx or `default`)."""
    documented = [response.status_code.lower() for response in endpoint.responses]
    return bool(documented) and success_response(endpoint) is None and "default" not in documented


def _path_parameters(endpoint: ParsedEndpoint) -> bool:
    return "{" in endpoint.path


def _described_in(endpoint: ParsedEndpoint, described: str) -> bool:
    """This function will tell whether a security scheme's description names the operation
    ("get a token from POST /auth/login", or its operation id)."""
    if not described:
        return False
    path = re.escape(endpoint.path.rstrip("/"))
    if re.search(rf"(?<![\w/{{}}-]){path}(?![\w/{{}}-])", described):
        return True
    operation_id = endpoint.operation_id
    return (
        bool(operation_id) and re.search(rf"\b{re.escape(operation_id)}\b", described) is not None
    )


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


@dataclass(frozen=True, slots=True)
class _TokenPath:
    """Where the token is read, and why there."""

    path: str
    why: str
    from_schema: bool = False


def _token_path(endpoint: ParsedEndpoint, reader: SchemaReader) -> _TokenPath | None:
    """This function will find the token in the success response: in its schema at any depth
    (bounded), the shallowest and best-named field first; else in its examples."""
    response = success_response(endpoint)
    if response is None:
        return None
    found = _in_schema(reader.resolve(response.schema), reader)
    if found is not None:
        return _TokenPath(json_path(found), "a token field of the response schema", True)
    for example in response.examples.values():
        found = _in_example(example)
        if found is not None:
            return _TokenPath(json_path(found), "a token field of the response example")
    return None


def _in_schema(schema: dict[str, Any], reader: SchemaReader) -> list[str | int] | None:
    """This function will search a schema breadth first for a token-named string field."""
    level: list[tuple[list[str | int], dict[str, Any]]] = [([], schema)]
    for _ in range(_MAX_DEPTH):
        deeper: list[tuple[list[str | int], dict[str, Any]]] = []
        for keys, node in level:
            properties = {
                name: reader.resolve(value) for name, value in property_schemas(node).items()
            }
            for name in _TOKEN_KEYS:
                if name in properties and properties[name].get("type") in (None, "string"):
                    return [*keys, name]
            for name, value in properties.items():
                if value.get("type") in (None, "object") and property_schemas(value):
                    deeper.append(([*keys, name], value))
        level = deeper
    return None


def _in_example(example: Any) -> list[str | int] | None:
    level: list[tuple[list[str | int], Any]] = [([], example)]
    for _ in range(_MAX_DEPTH):
        deeper: list[tuple[list[str | int], Any]] = []
        for keys, node in level:
            if not isinstance(node, Mapping):
                continue
            for name in _TOKEN_KEYS:
                if isinstance(node.get(name), str):
                    return [*keys, name]
            deeper += [([*keys, k], v) for k, v in node.items() if isinstance(v, Mapping)]
        level = deeper
    return None
