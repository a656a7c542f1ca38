"""The variables of an import (globals, collection, environment) and request auth as headers.

Postman's precedence is kept: globals, then collection variables, then the environment.
Credentials never go into a case: a literal token or password becomes a secret variable
of the imported environment, and the case refers to it by name.
"""

import base64
import re
from dataclasses import dataclass, field
from typing import Any

from infrastructure.specs.common import text
from infrastructure.specs.postman_auth import auth_parameters

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
_SECRET_NAME = re.compile(r"pass|secret|token|api[-_]?key|credential", re.IGNORECASE)
_VALID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


@dataclass
class Variables:
    """The variables an imported environment will hold, with which are secret."""

    values: dict[str, str] = field(default_factory=dict)
    secret: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    environment_auth: dict[str, Any] | None = None  # OAuth2 client credentials, for every case
    _counter: int = 0

    def add_file(self, node: Any, origin: str) -> None:
        """This function will add the values of a globals or environment file
        (``values``) or of collection ``variable`` entries."""
        entries = node.get("values") if isinstance(node, dict) else node
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or entry.get("enabled") is False:
                continue
            if entry.get("disabled") is True:
                continue
            name = text(entry.get("key")) or text(entry.get("id"))
            if not name:
                continue
            if not _VALID.match(name):
                self.warnings.append(
                    f"the {origin} variable {name!r} has a name Testament cannot hold"
                )
                continue
            raw = entry.get("value")
            self.values[name] = raw if isinstance(raw, str) else "" if raw is None else _spell(raw)
            if entry.get("type") == "secret" or _SECRET_NAME.search(name):
                self.secret.add(name)

    def resolve(self, value: str) -> str | None:
        """This function will resolve placeholders from the known values, None if one is unknown."""
        missing = False

        def replace(match: re.Match[str]) -> str:
            nonlocal missing
            found = self.values.get(match.group(1))
            if found is None:
                missing = True
                return ""
            return found

        resolved = _PLACEHOLDER.sub(replace, value)
        return None if missing else resolved

    def secret_reference(self, value: str, hint: str) -> str:
        """This function will give a placeholder for a credential: the one written, or a new
        secret variable holding a literal one."""
        whole = _PLACEHOLDER.fullmatch(value.strip())
        if whole is not None:
            self.secret.add(whole.group(1))
            return value.strip()
        for name, known in self.values.items():
            if known == value and name in self.secret:
                return "{{" + name + "}}"
        self._counter += 1
        name = f"postman_{hint}_{self._counter}"
        self.values[name] = value
        self.secret.add(name)
        return "{{" + name + "}}"

    def as_environment(self) -> list[dict[str, Any]]:
        """This function will give the variables in the shape environments take."""
        return [
            {"name": name, "value": value, "secret": name in self.secret}
            for name, value in self.values.items()
        ]


def _spell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class AuthEffect:
    """What an auth object adds to a request: headers and query parameters."""

    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)


def auth_effect(node: Any, variables: Variables, warnings: list[str], where: str) -> AuthEffect:
    """This function will turn an (already inherited) auth object into headers or query."""
    if not isinstance(node, dict):
        return AuthEffect()
    kind = text(node.get("type")).lower()
    settings = auth_parameters(node.get(kind))
    if kind in ("", "noauth", "inherit"):
        return AuthEffect()
    if kind == "bearer":
        token = variables.secret_reference(text(settings.get("token")), "token")
        return AuthEffect(headers={"Authorization": f"Bearer {token}"})
    if kind == "basic":
        username, password = text(settings.get("username")), text(settings.get("password"))
        resolved = [variables.resolve(username), variables.resolve(password)]
        if resolved[0] is None or resolved[1] is None:
            warnings.append(
                f"{where}: basic auth uses variables set at run time; the header is built"
                " from their imported values and may need editing"
            )
        pair = f"{resolved[0] or ''}:{resolved[1] or ''}"
        encoded = base64.b64encode(pair.encode()).decode()
        return AuthEffect(
            headers={"Authorization": f"Basic {variables.secret_reference(encoded, 'basic')}"}
        )
    if kind == "apikey":
        name = text(settings.get("key")) or "X-API-Key"
        reference = variables.secret_reference(text(settings.get("value")), "apikey")
        if text(settings.get("in")) == "query":
            return AuthEffect(query={name: reference})
        return AuthEffect(headers={name: reference})
    if kind == "oauth2":
        token = text(settings.get("accessToken"))
        if text(settings.get("grant_type")) == "client_credentials" and settings.get(
            "accessTokenUrl"
        ):
            return _client_credentials(settings, variables, warnings, where)
        if token:
            reference = variables.secret_reference(token, "token")
            return AuthEffect(headers={"Authorization": f"Bearer {reference}"})
        warnings.append(
            f"{where}: OAuth2 without an access token: set the environment's auth to"
            f" oauth2_client_credentials (token URL {text(settings.get('accessTokenUrl')) or 'unknown'})"
        )
        return AuthEffect()
    warnings.append(f"{where}: auth type {kind!r} is not imported; set it on the environment")
    return AuthEffect()


def _client_credentials(
    settings: dict[str, Any], variables: Variables, warnings: list[str], where: str
) -> AuthEffect:
    """This function will make OAuth2 client credentials the environment's auth: the engine
    fetches the token, caches it and renews it once on a 401, as Postman does per request."""
    fields = {
        "token_url": variables.resolve(text(settings.get("accessTokenUrl"))),
        "client_id": variables.resolve(text(settings.get("clientId"))),
        "client_secret": variables.resolve(text(settings.get("clientSecret"))),
    }
    missing = [name for name, value in fields.items() if not value]
    if missing:
        warnings.append(
            f"{where}: OAuth2 client credentials without {', '.join(missing)}; not imported"
        )
        return AuthEffect()
    auth: dict[str, Any] = {"type": "oauth2_client_credentials", **fields}
    scope = text(settings.get("scope"))
    if scope:
        auth["scope"] = scope
    if variables.environment_auth is None:
        variables.environment_auth = auth
    elif variables.environment_auth != auth:
        warnings.append(
            f"{where}: a second OAuth2 client is not imported (an environment has one auth)"
        )
    return AuthEffect()
