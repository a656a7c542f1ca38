"""The outbound policy against a real HTTP server on loopback."""

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, RedirectResponse

from infrastructure.http.outbound import OutboundPolicy, OutboundRefusedError, fetch
from tests.support.target_api import serve


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    app = FastAPI()

    @app.get("/spec")
    def spec(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"openapi: 3.0.0 # host={request.headers['host']}")

    @app.get("/to-metadata")
    def to_metadata() -> RedirectResponse:
        return RedirectResponse("http://169.254.169.254/latest/meta-data/")

    @app.get("/big")
    def big() -> PlainTextResponse:
        return PlainTextResponse("x" * 5000)

    with serve(app) as url:
        yield url


class TestFetch:
    def test_connects_to_the_address_it_checked_without_resolving_again(
        self, server: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        port = server.rsplit(":", 1)[1]
        lookups: list[str] = []
        real = socket.getaddrinfo

        def rebinding_dns(host: str, *args: Any, **kwargs: Any) -> Any:
            # A hostile name server: the first answer passes the check; any later one would not.
            if host != "api.rebind.test":
                return real(host, *args, **kwargs)
            lookups.append(host)
            address = "127.0.0.1" if len(lookups) == 1 else "169.254.169.254"
            return real(address, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
        fetched = fetch(
            f"http://api.rebind.test:{port}/spec",
            OutboundPolicy(allow_private=True),
            max_bytes=1000,
        )
        assert fetched.content.endswith(f"host=api.rebind.test:{port}".encode())
        assert lookups == ["api.rebind.test"]

    def test_refuses_a_redirect_to_a_metadata_address(self, server: str) -> None:
        with pytest.raises(OutboundRefusedError, match="metadata"):
            fetch(f"{server}/to-metadata", OutboundPolicy(allow_private=True), max_bytes=1000)

    def test_refuses_loopback_unless_allowed(self, server: str) -> None:
        with pytest.raises(OutboundRefusedError, match="loopback or private"):
            fetch(f"{server}/spec", OutboundPolicy(allow_private=False), max_bytes=1000)

    def test_stops_reading_past_the_size_limit(self, server: str) -> None:
        with pytest.raises(OutboundRefusedError, match="larger than 1000 bytes"):
            fetch(f"{server}/big", OutboundPolicy(allow_private=True), max_bytes=1000)

    @pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "http:///nohost"])
    def test_refuses_what_is_not_http(self, url: str) -> None:
        with pytest.raises(OutboundRefusedError):
            fetch(url, OutboundPolicy(allow_private=True), max_bytes=1000)
