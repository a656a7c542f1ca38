"""Postman ``auth`` objects turned into security schemes, without their secrets.

Only ``{{variable}}`` placeholders are kept from credentials: a literal token or password
would otherwise be stored forever in the event log.
"""

import re
from typing import Any

from domain.specifications.parsed import ParsedSecurityScheme, ParseIssue
from infrastructure.specs.common import child, text

_PLACEHOLDER = re.compile(r"^\{\{[^{}]+\}\}$")
_HTTP_SCHEMES = ("bearer", "basic", "digest", "ntlm", "oauth1", "hawk", "awsv4", "akamai")
_SECRETS = {
    "bearer": ("token",),
    "basic": ("username", "password"),
    "digest": ("username", "password"),
    "apikey": ("value",),
}
_GRANTS = {
    "authorization_code": "authorizationCode",
    "authorization_code_with_pkce": "authorizationCode",
    "client_credentials": "clientCredentials",
    "password_credentials": "password",
    "password": "password",
    "implicit": "implicit",
}
INHERIT = "inherit"


def auth_parameters(node: Any) -> dict[str, Any]:
    """This function will read auth settings: key/value pairs (v2.1) or an object (v2.0)."""
    if isinstance(node, dict):
        return node
    if not isinstance(node, list):
        return {}
    return {
        text(entry.get("key")): entry.get("value")
        for entry in node
        if isinstance(entry, dict) and text(entry.get("key"))
    }


def auth_scheme(
    node: Any, pointer: str, issues: list[ParseIssue]
) -> ParsedSecurityScheme | str | None:
    """This function will read an ``auth`` object.

    It gives the scheme (unnamed), ``None`` for ``noauth``, or ``INHERIT`` when the
    request takes its parent's auth.
    """
    if node is None:
        return INHERIT
    if not isinstance(node, dict):
        issues.append(ParseIssue(pointer, "auth must be an object"))
        return INHERIT
    kind = text(node.get("type")).lower()
    if kind in ("", INHERIT):
        return INHERIT
    if kind == "noauth":
        return None
    settings = auth_parameters(node.get(kind))
    kept = {
        key: value
        for key, value in settings.items()
        if key in _SECRETS.get(kind, ()) and isinstance(value, str) and _PLACEHOLDER.match(value)
    }
    if kind == "apikey":
        place = text(settings.get("in")) or "header"
        return ParsedSecurityScheme(
            name="",
            type="apiKey",
            in_=place,
            parameter_name=text(settings.get("key")) or "X-API-Key",
            configuration=kept,
        )
    if kind == "oauth2":
        return _oauth2(settings)
    if kind in _HTTP_SCHEMES or kind == "edgegrid":
        return ParsedSecurityScheme(name="", type="http", scheme=kind, configuration=kept)
    issues.append(ParseIssue(child(pointer, "type"), f"auth type '{kind}' is not supported"))
    return INHERIT


def _oauth2(settings: dict[str, Any]) -> ParsedSecurityScheme:
    flow = _GRANTS.get(text(settings.get("grant_type")), "authorizationCode")
    urls = {
        "tokenUrl": text(settings.get("accessTokenUrl")),
        "authorizationUrl": text(settings.get("authUrl")),
    }
    scopes = {scope: "" for scope in text(settings.get("scope")).split() if scope}
    configuration = {key: value for key, value in urls.items() if value}
    return ParsedSecurityScheme(
        name="",
        type="oauth2",
        configuration={"flows": {flow: {**configuration, "scopes": scopes}}},
    )
