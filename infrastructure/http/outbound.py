"""The outbound policy: which addresses Testament may send requests to, and a bounded fetch.

Link-local, cloud-metadata, multicast and reserved addresses are always refused (the first
two hand out credentials); loopback and private ranges (carrier-grade NAT, unique local,
site-local, benchmarking...) only when the deployment allows them. An IPv6 address that
carries an IPv4 address is judged by that address too (addresses.py).
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from infrastructure.http.addresses import Reach, classify


class OutboundRefusedError(Exception):
    """A request the outbound policy does not allow; the message says which rule."""


@dataclass(frozen=True)
class OutboundPolicy:
    """Where requests may go: public addresses always, private ones when allowed."""

    allow_private: bool

    def check_address(self, address: str) -> None:
        """This function will refuse an address the policy does not allow, saying what it is
        (addresses.py: the special ranges, and the IPv4 address inside an IPv6 one)."""
        ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
        reach, what = classify(ip)
        if reach == Reach.NEVER:
            raise OutboundRefusedError(f"{ip} is {what}")
        if reach == Reach.PRIVATE and not self.allow_private:
            raise OutboundRefusedError(
                f"{ip} is a loopback or private address ({what}), and this deployment does "
                "not allow them (TESTAMENT_ALLOW_PRIVATE_TARGETS)"
            )

    def check_url(self, url: str) -> None:
        """This function will refuse a URL whose scheme or any resolved address is not allowed."""
        self.resolve(url)

    def resolve(self, url: str) -> str:
        """This function will return the address to connect to for a URL, after checking every
        address its host resolves to. Connecting to this address (not resolving again) keeps a
        hostile DNS server from answering differently between the check and the connection."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise OutboundRefusedError(
                f"only http and https URLs are allowed, not {parts.scheme or 'none'!r}"
            )
        if not parts.hostname:
            raise OutboundRefusedError("the URL has no host")
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError) as error:
            raise OutboundRefusedError(f"cannot resolve {parts.hostname}: {error}") from None
        addresses = [str(info[4][0]) for info in infos]
        for address in addresses:
            self.check_address(address)
        return addresses[0]


@dataclass(frozen=True)
class Fetched:
    content: bytes
    content_type: str
    url: str


def pinned_url(url: str, address: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """This function will point a URL at a checked address, keeping its name for Host and TLS."""
    parts = urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    pinned = parts._replace(netloc=netloc).geturl()
    headers = {"Host": parts.netloc.rsplit("@", 1)[-1], "Accept": "*/*"}
    extensions = {"sni_hostname": parts.hostname or ""} if parts.scheme == "https" else {}
    return pinned, headers, extensions


def fetch(
    url: str,
    policy: OutboundPolicy,
    *,
    max_bytes: int,
    timeout: float = 15.0,
    max_redirects: int = 5,
) -> Fetched:
    """This function will GET a URL under the policy, checking every redirect and refusing
    a body over max_bytes. Raises OutboundRefusedError with the reason."""
    current = url
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        for _ in range(max_redirects + 1):
            target, headers, extensions = pinned_url(current, policy.resolve(current))
            try:
                request = client.build_request(
                    "GET", target, headers=headers, extensions=extensions
                )
                response = client.send(request, stream=True)
                try:
                    if response.is_redirect and "location" in response.headers:
                        current = urljoin(current, response.headers["location"])
                        continue
                    if response.status_code >= 400:
                        raise OutboundRefusedError(
                            f"{current} answered HTTP {response.status_code}"
                        )
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise OutboundRefusedError(f"the document is larger than {max_bytes} bytes")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body.extend(chunk)
                        if len(body) > max_bytes:
                            raise OutboundRefusedError(
                                f"the document is larger than {max_bytes} bytes"
                            )
                    return Fetched(bytes(body), response.headers.get("content-type", ""), current)
                finally:
                    response.close()
            except httpx.HTTPError as error:
                raise OutboundRefusedError(f"fetching {current} failed: {error}") from None
    raise OutboundRefusedError(f"more than {max_redirects} redirects")
