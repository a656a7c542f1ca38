"""The HTTP client of a run: one aiohttp session, the outbound policy, bounded reading.

Redirects are not followed (an API test asserts the 3xx itself), and no cookie jar is
kept, so concurrent chains do not leak sessions into each other: a case that needs a
cookie extracts it and sends it as a header.

A kept-alive connection the server has closed meanwhile (uvicorn closes one after an
unhandled 500 without saying `Connection: close`) fails the next request sent on it before
any response arrives. Such a request, on a REUSED connection only, is sent once more on a
fresh connection, and the response says so (`Received.note`); a request that fails on a
fresh connection is the server's doing and fails.

Timeouts are kept by one watchdog task per run rather than by aiohttp's timer per request:
scheduling and cancelling a timer for every request cost about 8 µs, a twelfth of a fast
request's whole cost. The watchdog looks at the requests in flight every 20 ms and cancels
those past their deadline, which aiohttp's own timeout also does (by cancelling the task);
a timeout fires at most one tick late (aiohttp rounds timeouts of 5 s and more up to the
next whole second).
"""

import asyncio
import contextvars
import errno
import itertools
import time
import weakref
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from infrastructure.execution.network import NetworkError, PolicyResolver, describe_error, is_ip
from infrastructure.execution.outgoing import Outgoing
from infrastructure.execution.response import Received
from infrastructure.http.outbound import OutboundPolicy, OutboundRefusedError

__all__ = ["NetworkError", "Transport"]

_TICK_S = 0.02
_NO_TIMEOUT = aiohttp.ClientTimeout(total=None)
_STALE_ERRNOS = {errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED}
RESENT_NOTE = (
    "sent again on a fresh connection: the server had closed the kept-alive connection "
    "before answering"
)


class _Attempt:
    """What the connector saw of one request: whether its connection was reused."""

    __slots__ = ("reused",)

    def __init__(self) -> None:
        self.reused = False


# Set by `send` in its task's context and filled in by the connector it awaits.
_ATTEMPT: contextvars.ContextVar[_Attempt | None] = contextvars.ContextVar(
    "testament_attempt", default=None
)


class _ReuseAwareConnector(aiohttp.TCPConnector):
    """A connector that tells the request being sent whether its connection was used before.

    Each connection's protocol is remembered (weakly) once it has carried a request, so the
    next request on it knows it rides a kept-alive connection.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._used: weakref.WeakSet[Any] = weakref.WeakSet()

    async def connect(self, req: Any, traces: Any, timeout: Any) -> Any:
        connection = await super().connect(req, traces, timeout)
        attempt = _ATTEMPT.get()
        protocol = connection.protocol
        if attempt is not None and protocol is not None:
            attempt.reused = protocol in self._used
            self._used.add(protocol)
        return connection


def _stale(error: BaseException) -> bool:
    """This function will tell whether an error is a connection closed under a request."""
    if isinstance(error, aiohttp.ServerDisconnectedError):
        return True
    if isinstance(error, aiohttp.ClientConnectorError):
        return False  # no connection was made: not a stale one
    if isinstance(error, aiohttp.ClientOSError | ConnectionError):
        return error.errno in _STALE_ERRNOS or isinstance(error, ConnectionError)
    return False


class _InFlight:
    """A request being sent: the task sending it, its deadline, and whether it expired."""

    __slots__ = ("deadline", "expired", "task")

    def __init__(self, task: "asyncio.Task[Any]", deadline: float) -> None:
        self.task = task
        self.deadline = deadline
        self.expired = False


class Transport:
    """One client session for a run, sized to its concurrency, with keep-alive."""

    def __init__(self, *, concurrency: int, max_response_bytes: int, allow_private: bool) -> None:
        self._concurrency = max(concurrency, 1)
        self._max_bytes = max_response_bytes
        self._policy = OutboundPolicy(allow_private=allow_private)
        self._checked: dict[str, str] = {}
        self._session: aiohttp.ClientSession | None = None
        self._fresh: aiohttp.ClientSession | None = None
        self._in_flight: dict[int, _InFlight] = {}
        self._numbers = itertools.count()
        self._watchdog: asyncio.Task[None] | None = None

    async def __aenter__(self) -> "Transport":
        """This function will open the run's client session."""
        connector = _ReuseAwareConnector(
            # Room beyond the case slots for OAuth2 token requests made while cases wait.
            limit=self._concurrency + 2,
            limit_per_host=0,
            resolver=PolicyResolver(self._policy),
            ttl_dns_cache=10,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=_NO_TIMEOUT,
            headers={"User-Agent": "Testament"},
        )
        self._watchdog = asyncio.get_running_loop().create_task(self._watch())
        self._no_silent_retry(self._session)
        return self

    @staticmethod
    def _no_silent_retry(session: aiohttp.ClientSession) -> None:
        if hasattr(session, "_retry_connection"):
            # aiohttp silently resends an idempotent request once after a reset, reused
            # connection or not; the transport resends only what a stale connection lost,
            # and says so, so that `attempts` counts what the target really received.
            session._retry_connection = False

    def _fresh_session(self) -> aiohttp.ClientSession:
        """This function will give the session whose every request opens a new connection."""
        if self._fresh is None:
            self._fresh = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    force_close=True, resolver=PolicyResolver(self._policy)
                ),
                cookie_jar=aiohttp.DummyCookieJar(),
                timeout=_NO_TIMEOUT,
                headers={"User-Agent": "Testament"},
            )
            self._no_silent_retry(self._fresh)
        return self._fresh

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """This function will close the run's client session and its connections."""
        if self._watchdog is not None:
            self._watchdog.cancel()
            await asyncio.gather(self._watchdog, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        if self._fresh is not None:
            await self._fresh.close()

    def known_verdict(self, url: str) -> str | None:
        """This function will give the policy's verdict on a URL's origin when it is known
        ("" allowed, else why refused), or None before the first check of that origin."""
        return self._checked.get(_origin(url))

    async def check_target(self, url: str) -> None:
        """This function will refuse (OutboundRefusedError) a URL the outbound policy forbids."""
        key = _origin(url)
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

    async def _watch(self) -> None:
        """This function will cancel, every tick, the requests that are past their deadline."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(_TICK_S)
            now = loop.time()
            for request in self._in_flight.values():
                if not request.expired and request.deadline <= now:
                    request.expired = True
                    request.task.cancel()

    async def send(self, outgoing: Outgoing) -> Received:
        """This function will send a request and read its response (NetworkError); once more
        on a fresh connection when a reused one was closed before any response arrived."""
        if self._session is None:
            raise RuntimeError("the transport is not open")
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("a request is sent from a task")
        started = time.perf_counter()
        number = next(self._numbers)
        request = _InFlight(task, task.get_loop().time() + outgoing.timeout_ms / 1000)
        self._in_flight[number] = request
        attempt = _Attempt()
        token = _ATTEMPT.set(attempt)
        try:
            try:
                return await self._exchange(self._session, outgoing, started)
            except _NoResponseError as error:
                if not (attempt.reused and _stale(error.cause)):
                    raise error.cause from None
            received = await self._exchange(self._fresh_session(), outgoing, started)
            received.note = RESENT_NOTE
            return received
        except asyncio.CancelledError:
            # The watchdog's cancellation is a timeout; any other (the run stopping) goes on.
            if request.expired and task.uncancel() == 0:
                raise describe_error(TimeoutError(), outgoing.timeout_ms) from None
            raise
        except _NoResponseError as error:
            raise describe_error(error.cause, outgoing.timeout_ms) from None
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as error:
            raise describe_error(error, outgoing.timeout_ms) from None
        finally:
            _ATTEMPT.reset(token)
            del self._in_flight[number]

    async def _exchange(
        self, session: aiohttp.ClientSession, outgoing: Outgoing, started: float
    ) -> Received:
        """This function will send a request once; a failure before the response's head
        arrived is a `_NoResponseError`, one while reading the body is raised as it is."""
        try:
            response = await session.request(
                outgoing.method,
                outgoing.full_url,
                headers=outgoing.headers,
                data=outgoing.data(),
                allow_redirects=False,
            )
        except (aiohttp.ClientError, OSError) as error:
            raise _NoResponseError(error) from None
        async with response:
            body, truncated = await self._read(response)
            size = response.content_length if truncated and response.content_length else len(body)
            return Received(
                status=response.status,
                headers=_headers(response),
                body=body,
                truncated=truncated,
                size=size,
                elapsed_ms=round((time.perf_counter() - started) * 1000),
                url=str(response.url),
            )

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


class _NoResponseError(Exception):
    """A request that failed before the head of a response arrived."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _origin(url: str) -> str:
    """This function will give the part of a URL before its path ("http://host:port"), which
    keys the policy's verdicts, without parsing the URL each time."""
    start = url.find("//") + 2
    end = url.find("/", start)
    return url if end < 0 else url[:end]


def _headers(response: aiohttp.ClientResponse) -> dict[str, str]:
    """This function will give the response headers with lower-cased names, repeats joined."""
    headers: dict[str, Any] = {}
    for name, value in response.headers.items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers
