"""What can go wrong on the network, said plainly; and name resolution under the policy.

A request is retried only for a transient failure (a refused or reset connection, a
timeout), never for an answer, however bad; an address the outbound policy refuses is
not transient either.
"""

import ipaddress
import socket

import aiohttp
from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver

from infrastructure.http.outbound import OutboundPolicy, OutboundRefusedError


class NetworkError(Exception):
    """A request that got no (complete) response; ``retryable`` for transient failures."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class RefusedAddressError(OSError):
    """A resolved address the outbound policy refuses (DNS rebinding, say)."""


class PolicyResolver(ThreadedResolver):
    """The default resolver, checking each address it gives against the outbound policy."""

    def __init__(self, policy: OutboundPolicy) -> None:
        super().__init__()
        self._policy = policy

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """This function will resolve a host, refusing it when an address is not allowed."""
        results = await super().resolve(host, port, family)
        for result in results:
            try:
                self._policy.check_address(result["host"])
            except OutboundRefusedError as error:
                raise RefusedAddressError(str(error)) from None
        return results


def is_ip(host: str) -> bool:
    """This function will tell whether a host is an IP address (no resolution needed)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def describe_error(error: BaseException, timeout_ms: int) -> NetworkError:
    """This function will turn a client error into a NetworkError saying what happened."""
    if isinstance(error, TimeoutError):
        return NetworkError(f"no response within {timeout_ms} ms", retryable=True)
    if isinstance(error, aiohttp.ClientConnectorError):
        if isinstance(error.os_error, RefusedAddressError):
            return NetworkError(str(error.os_error), retryable=False)
        reason = error.os_error.strerror or str(error.os_error) or type(error.os_error).__name__
        return NetworkError(
            f"cannot connect to {error.host}:{error.port} ({reason})", retryable=True
        )
    if isinstance(error, aiohttp.ServerDisconnectedError):
        return NetworkError("the server closed the connection without a response", retryable=True)
    if isinstance(error, aiohttp.ClientPayloadError):
        return NetworkError(
            f"the connection broke while reading the body ({error})", retryable=True
        )
    if isinstance(error, aiohttp.ClientOSError | ConnectionError):
        return NetworkError(f"the connection failed ({error})", retryable=True)
    if isinstance(error, aiohttp.ClientResponseError):
        return NetworkError(
            f"the server sent an invalid response ({error.message})", retryable=False
        )
    if isinstance(error, aiohttp.InvalidURL):
        return NetworkError(f"the URL {error} is invalid", retryable=False)
    return NetworkError(f"the request failed ({type(error).__name__}: {error})", retryable=False)
