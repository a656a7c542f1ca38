"""OAuth2 client credentials: one token for the whole run, fetched again when it expires."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from infrastructure.execution.masking import SecretMasker
from infrastructure.execution.response import JsonUnavailableError, Received

TokenFetcher = Callable[[str, list[tuple[str, str]]], Awaitable[Received]]

# A token is renewed a little before it expires, so that it does not expire in flight.
_MAX_MARGIN_S = 30.0
# A failed token request is not repeated for every waiting case at once.
_FAILURE_PAUSE_S = 1.0


class AuthError(Exception):
    """Authentication that cannot be done: a bad configuration or a token that cannot be had."""


def _lifetime(value: Any) -> float | None:
    """This function will read expires_in (seconds, a number or numeric text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


class ClientCredentials:
    """The token cache of one client: a single request at a time, shared by every case."""

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        scope: Any,
        audience: Any,
        masker: SecretMasker,
        fetch: TokenFetcher,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = token_url
        self._form = [
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", client_secret),
        ]
        if scope:
            self._form.append(("scope", str(scope)))
        if audience:
            self._form.append(("audience", str(audience)))
        self._masker = masker
        self._fetch = fetch
        self._clock = clock
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._expires_at = float("inf")
        self._failure: tuple[float, str] | None = None

    def _valid(self) -> bool:
        """This function will tell whether the cached token may still be used."""
        return self._token is not None and self._clock() < self._expires_at

    async def token(self) -> str:
        """This function will give a current token, fetching one when there is none (AuthError)."""
        if not self._valid():
            async with self._lock:
                if not self._valid():
                    await self._renew()
        assert self._token is not None
        return self._token

    async def refresh(self, stale: str) -> None:
        """This function will fetch a new token, unless another request already replaced it."""
        async with self._lock:
            if self._token == stale or not self._valid():
                self._token = None
                await self._renew()

    async def _renew(self) -> None:
        """This function will fetch a token and cache it until shortly before it expires."""
        if self._failure is not None and self._clock() < self._failure[0]:
            raise AuthError(self._failure[1])
        try:
            received = await self._fetch(self._url, self._form)
            token, lifetime = self._read(received)
        except AuthError as error:
            self._failure = (self._clock() + _FAILURE_PAUSE_S, str(error))
            raise
        self._failure = None
        self._masker.add(token)
        self._token = token
        if lifetime is None:
            self._expires_at = float("inf")
        else:
            self._expires_at = self._clock() + lifetime - min(_MAX_MARGIN_S, lifetime * 0.1)

    def _read(self, received: Received) -> tuple[str, float | None]:
        """This function will read the token and its lifetime from the token response."""
        where = f"the OAuth2 token endpoint {self._url}"
        if not 200 <= received.status < 300:
            raise AuthError(f"{where} answered HTTP {received.status}")
        try:
            document = received.json()
        except JsonUnavailableError as error:
            raise AuthError(f"{where} did not answer with a token: {error}") from None
        token = document.get("access_token") if isinstance(document, dict) else None
        if not isinstance(token, str) or not token:
            raise AuthError(f"{where} answered without an access_token")
        return token, _lifetime(document.get("expires_in"))
