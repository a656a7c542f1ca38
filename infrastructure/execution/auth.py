"""The environment's authentication, applied to each request unless the case sets its own.

Every credential is handed to the masker as it becomes known, the OAuth2 access tokens
included, so none of them reaches a record or a log.
"""

from typing import Any, Protocol

from infrastructure.execution.encodings import basic_credentials
from infrastructure.execution.masking import SecretMasker
from infrastructure.execution.oauth2 import AuthError, ClientCredentials, TokenFetcher
from infrastructure.execution.outgoing import Outgoing

__all__ = ["Auth", "AuthError", "build_auth"]


class Auth(Protocol):
    """A way to authenticate requests; ``apply`` says whether a 401 may be answered by a refresh."""

    async def apply(self, outgoing: Outgoing) -> str | None:
        """This function will add the credentials to a request that does not carry its own."""
        ...

    async def refresh(self, stale: str) -> None:
        """This function will replace a refused token (static credentials have none to replace)."""
        ...


class _Static:
    """Credentials that never change: a header, a query parameter or a cookie."""

    def __init__(self, place: str, name: str, value: str) -> None:
        self._place = place
        self._name = name
        self._value = value

    async def apply(self, outgoing: Outgoing) -> str | None:
        """This function will add the credentials to a request that does not carry its own."""
        if self._place == "header" and outgoing.header(self._name) is None:
            outgoing.set_header(self._name, self._value)
        elif self._place == "query" and not outgoing.has_query(self._name):
            outgoing.query.append((self._name, self._value))
        elif self._place == "cookie":
            cookies = outgoing.header("Cookie")
            if cookies is None:
                outgoing.set_header("Cookie", f"{self._name}={self._value}")
            elif not any(c.strip().startswith(f"{self._name}=") for c in cookies.split(";")):
                outgoing.set_header("Cookie", f"{cookies}; {self._name}={self._value}")
        return None

    async def refresh(self, stale: str) -> None:
        """This function will replace a refused token (static credentials have none to replace)."""
        return None


class _OAuth2:
    """A bearer token from an OAuth2 client-credentials grant, cached and refreshed."""

    def __init__(self, credentials: ClientCredentials) -> None:
        self._credentials = credentials

    async def apply(self, outgoing: Outgoing) -> str | None:
        """This function will add the credentials to a request that does not carry its own."""
        if outgoing.header("Authorization") is not None:
            return None
        token = await self._credentials.token()
        outgoing.set_header("Authorization", f"Bearer {token}")
        return token

    async def refresh(self, stale: str) -> None:
        """This function will replace a refused token (static credentials have none to replace)."""
        await self._credentials.refresh(stale)


def _text(config: dict[str, Any], key: str, kind: str) -> str:
    """This function will read a required, non-empty text setting of the auth configuration."""
    value = config.get(key)
    if not isinstance(value, str) or not value:
        raise AuthError(f"the {kind} authentication of the environment has no {key}")
    return value


def build_auth(config: dict[str, Any], masker: SecretMasker, fetch: TokenFetcher) -> Auth:
    """This function will build the environment's auth, registering its secrets with the masker."""
    kind = str(config.get("type") or "none").lower()
    if kind == "none":
        return _Static("none", "", "")
    if kind == "basic":
        username = _text(config, "username", kind)
        password = str(config.get("password") or "")
        masker.add_basic_credentials(username, password)
        encoded = basic_credentials(username, password)
        return _Static("header", "Authorization", f"Basic {encoded}")
    if kind == "bearer":
        token = _text(config, "token", kind)
        masker.add(token)
        return _Static("header", "Authorization", f"Bearer {token}")
    if kind == "api_key":
        place = str(config.get("in") or "header").lower()
        if place not in ("header", "query", "cookie"):
            raise AuthError(f"an API key goes in a header, the query or a cookie, not {place!r}")
        value = _text(config, "value", kind)
        masker.add(value)
        return _Static(place, _text(config, "name", kind), value)
    if kind == "oauth2_client_credentials":
        secret = _text(config, "client_secret", kind)
        masker.add(secret)
        credentials = ClientCredentials(
            token_url=_text(config, "token_url", kind),
            client_id=_text(config, "client_id", kind),
            client_secret=secret,
            scope=config.get("scope"),
            audience=config.get("audience"),
            masker=masker,
            fetch=fetch,
        )
        return _OAuth2(credentials)
    raise AuthError(f"unknown authentication type {kind!r}")
