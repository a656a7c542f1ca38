"""The HTTP client of a run: one aiohttp session, the outbound policy, bounded reading.

Redirects are not followed (an API test asserts the 3xx itself), and no cookie jar is
kept, so concurrent chains do not leak sessions into each other: a case that needs a
cookie extracts it and sends it as a header.
"""

import asyncio
import time
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from infrastructure.execution.network import NetworkError, PolicyResolver, describe_error, is_ip
from infrastructure.execution.outgoing import Outgoing
from infrastructure.execution.response import Received
from infrastructure.http.outbound import OutboundPolicy, OutboundRefusedError

__all__ = ["NetworkError", "Transport"]


class Transport:
    """One client session for a run, sized to its concurrency, with keep-alive."""

    def __init__(self, *, concurrency: int, max_response_bytes: int, allow_private: bool) -> None:
        self._concurrency = max(concurrency, 1)
        self._max_bytes = max_response_bytes
        self._policy = OutboundPolicy(allow_private=allow_private)
        self._checked: dict[str, str] = {}
        self._timeouts: dict[int, aiohttp.ClientTimeout] = {}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "Transport":
        """This function will open the run's client session."""
        connector = aiohttp.TCPConnector(
            # Room beyond the case slots for OAuth2 token requests made while cases wait.
            limit=self._concurrency + 2,
            limit_per_host=0,
            resolver=PolicyResolver(self._policy),
            ttl_dns_cache=10,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(total=None),
            headers={"User-Agent": "Testament"},
        )
        if hasattr(self._session, "_retry_connection"):
            # aiohttp silently resends an idempotent request once after a reset; the engine
            # does its own retries, so that `attempts` counts what the target really received.
            self._session._retry_connection = False
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """This function will close the run's client session and its connections."""
        if self._session is not None:
            await self._session.close()

    async def check_target(self, url: str) -> None:
        """This function will refuse (OutboundRefusedError) a URL the outbound policy forbids."""
        # The origin ("http://host:port") keys the verdict without parsing the URL each time.
        origin = url.split("/", 3)[:3]
        key = "/".join(origin)
        verdict = self._checked.get(key)
        if verdict is None:
            parts = urlsplit(url)
            try:
                if parts.hostname and not is_ip(parts.hostname):
                    # Name resolution blocks; it runs off the event loop.
                    await asyncio.get_running_loop().run_in_executor(
                        None, self._policy.check_url, url
                    )
                else:
                    self._policy.check_url(url)
                verdict = ""
            except OutboundRefusedError as error:
                verdict = str(error)
            except ValueError as error:
                verdict = f"the URL is invalid ({error})"
            self._checked[key] = verdict
        if verdict:
            raise OutboundRefusedError(verdict)

    def _timeout(self, milliseconds: int) -> aiohttp.ClientTimeout:
        """This function will give the (shared) timeout object for a number of milliseconds."""
        timeout = self._timeouts.get(milliseconds)
        if timeout is None:
            timeout = self._timeouts[milliseconds] = aiohttp.ClientTimeout(
                total=milliseconds / 1000
            )
        return timeout

    async def send(self, outgoing: Outgoing) -> Received:
        """This function will send a request once and read its response (NetworkError)."""
        if self._session is None:
            raise RuntimeError("the transport is not open")
        started = time.perf_counter()
        try:
            async with self._session.request(
                outgoing.method,
                outgoing.full_url,
                headers=outgoing.headers,
                data=outgoing.data(),
                allow_redirects=False,
                timeout=self._timeout(outgoing.timeout_ms),
            ) as response:
                body, truncated = await self._read(response)
                size = (
                    response.content_length if truncated and response.content_length else len(body)
                )
                return Received(
                    status=response.status,
                    headers=_headers(response),
                    body=body,
                    truncated=truncated,
                    size=size,
                    elapsed_ms=round((time.perf_counter() - started) * 1000),
                    url=str(response.url),
                )
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as error:
            raise describe_error(error, outgoing.timeout_ms) from None

    async def _read(self, response: aiohttp.ClientResponse) -> tuple[bytes, bool]:
        """This function will read at most max_response_bytes of the body, and say if it cut it."""
        limit = self._max_bytes
        length = response.content_length
        # A compressed body can inflate far past its Content-Length, so it is read in bounds.
        if length is not None and length <= limit and "Content-Encoding" not in response.headers:
            return await response.read(), False
        buffer = bytearray()
        while len(buffer) <= limit:
            chunk = await response.content.read(limit + 1 - len(buffer))
            if not chunk:
                return bytes(buffer), False
            buffer += chunk
        # The rest is never read: closing drops the connection instead of draining it.
        response.close()
        return bytes(buffer[:limit]), True


def _headers(response: aiohttp.ClientResponse) -> dict[str, str]:
    """This function will give the response headers with lower-cased names, repeats joined."""
    headers: dict[str, Any] = {}
    for name, value in response.headers.items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers
