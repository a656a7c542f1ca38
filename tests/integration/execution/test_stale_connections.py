"""Kept-alive connections the server closed: resent once if reused, a failure if fresh.

The server here is a real TCP server that does what uvicorn does after an unhandled 500:
it answers without `Connection: close`, keeps the connection open, and closes it when the
next request arrives, without answering it.
"""

import asyncio
import threading
from collections.abc import Iterator

import pytest

from application.testexec.execution import CaseStatus
from infrastructure.execution.transport import RESENT_NOTE
from tests.integration.execution.support import case, run


class ClosingServer:
    """Answers the first `answered` requests of each connection, then closes it unanswered."""

    def __init__(self, answered: int) -> None:
        self.answered = answered
        self.connections = 0
        self.requests = 0
        self.url = ""
        self._ready = threading.Event()
        self._stopping: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)

    async def _serve(self) -> None:
        self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
        server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        self._ready.set()
        async with server:
            await self._stopping.wait()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        served = 0
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.requests += 1
                if served >= self.answered or not head:
                    break
                served += 1
                body = b'{"detail": "Internal Server Error"}'
                writer.write(
                    b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\n"
                    + f"content-length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    def start(self) -> "ClosingServer":
        self._thread.start()
        self._ready.wait(5)
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(5)


@pytest.fixture
def closes_after_one() -> Iterator[ClosingServer]:
    server = ClosingServer(answered=1).start()
    yield server
    server.stop()


@pytest.fixture
def closes_at_once() -> Iterator[ClosingServer]:
    server = ClosingServer(answered=0).start()
    yield server
    server.stop()


class TestStaleConnections:
    def test_a_request_lost_on_a_reused_connection_is_sent_again_on_a_fresh_one(
        self, closes_after_one: ClosingServer
    ) -> None:
        cases = [
            case("first", "/crash", status=[500]),
            case("second", "/crash", method="POST", status=[500], depends_on=["first"]),
        ]
        outcome, sink = run(cases, closes_after_one.url, concurrency=1)

        second = sink.result("second")
        assert second.status == CaseStatus.PASSED, second.failure_reason
        assert second.response["note"] == RESENT_NOTE
        assert second.attempts == 1
        assert "note" not in sink.result("first").response
        assert closes_after_one.connections == 2
        assert outcome.passed == 2

    def test_a_connection_closed_on_its_first_request_is_still_a_failure(
        self, closes_at_once: ClosingServer
    ) -> None:
        _, sink = run([case("only", "/crash", status=[500])], closes_at_once.url)

        result = sink.result("only")
        assert result.status == CaseStatus.FAILED
        assert result.failure_reason == (
            "the server closed the connection without a response (after 1 attempt)"
        )
        assert closes_at_once.requests == 1
