"""The body limit, as an ASGI middleware on its own: refuses before reading, cuts streams."""

import asyncio
import json
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from interfaces.http.body_limit import UPLOAD_FRAMING_BYTES, BodyLimitMiddleware


def a_scope(path: str = "/projects", method: str = "POST", length: int | None = None) -> Scope:
    headers = [(b"content-type", b"application/json")]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    return {"type": "http", "method": method, "path": path, "headers": headers, "state": {}}


class Exchange:
    """A client's side of one request: the chunks it sends, what it was asked and answered."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = list(chunks)
        self.reads = 0
        self.sent: list[Message] = []

    async def receive(self) -> Message:
        self.reads += 1
        body = self.chunks.pop(0) if self.chunks else b""
        return {"type": "http.request", "body": body, "more_body": bool(self.chunks)}

    async def send(self, message: Message) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return int(self.sent[0]["status"])

    @property
    def problem(self) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(self.sent[1]["body"])
        return body


async def reading_app(scope: Scope, receive: Receive, send: Send) -> None:
    """An app that reads the whole body, then answers 200 with its length."""
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


def call(scope: Scope, exchange: Exchange, *, body: int = 1024, upload: int = 4096) -> None:
    middleware = BodyLimitMiddleware(reading_app, max_body_bytes=body, max_upload_bytes=upload)
    asyncio.run(middleware(scope, exchange.receive, exchange.send))


class TestBodyLimit:
    def test_refuses_a_declared_length_over_the_limit_without_reading_a_byte(self) -> None:
        exchange = Exchange([b"x" * 2000])

        call(a_scope(length=2000), exchange)

        assert exchange.reads == 0
        assert exchange.status == 413
        assert exchange.problem["type"] == "/problems/too-large"
        assert exchange.problem["limit"] == 1024

    def test_cuts_off_a_stream_with_no_length_at_the_limit(self) -> None:
        exchange = Exchange([b"x" * 600] * 100)  # 60,000 bytes if it were all read

        call(a_scope(), exchange)

        assert exchange.status == 413
        assert exchange.reads == 2  # stopped at the chunk that crossed 1,024 bytes

    def test_cuts_off_a_body_longer_than_it_declared(self) -> None:
        exchange = Exchange([b"x" * 600] * 10)

        call(a_scope(length=10), exchange)

        assert (exchange.status, exchange.reads) == (413, 2)

    def test_lets_a_body_at_the_limit_through(self) -> None:
        exchange = Exchange([b"x" * 512, b"x" * 512])

        call(a_scope(length=1024), exchange)

        assert (exchange.status, exchange.sent[1]["body"]) == (200, b"1024")

    def test_gives_specification_uploads_the_upload_limit(self) -> None:
        size = 4096 + UPLOAD_FRAMING_BYTES
        for path in ("/projects/p1/specs", "/projects/p1/specs/text"):
            allowed = Exchange([b"x" * size])
            call(a_scope(path, length=size), allowed)
            refused = Exchange([b"x" * (size + 1)])
            call(a_scope(path, length=size + 1), refused)

            assert (allowed.status, refused.status) == (200, 413), path

    def test_keeps_the_json_limit_on_other_routes_of_a_specification(self) -> None:
        exchange = Exchange([b"x" * 2000])

        call(a_scope("/projects/p1/specs/manual", length=2000), exchange)

        assert exchange.status == 413
