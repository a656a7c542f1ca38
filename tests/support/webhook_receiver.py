"""A real webhook receiver on loopback, written as a customer would write one from
docs/webhooks.md: it checks the signature with its own HMAC code (not Testament's), refuses
stale timestamps, and de-duplicates by delivery id.

Its behaviour is set per test: answer 200, fail with 500, or hold the first request of a
delivery open (to kill a worker in the middle of it).
"""

import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def verify_signature(secret: str, headers: Any, body: bytes, tolerance: int = 300) -> bool:
    """The verification snippet of docs/webhooks.md, as a receiver runs it."""
    timestamp = headers.get("Testament-Webhook-Timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    signed = timestamp.encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    for part in headers.get("Testament-Webhook-Signature", "").split(","):
        scheme, _, value = part.strip().partition("=")
        if scheme == "v1" and hmac.compare_digest(value, expected):
            return True
    return False


@dataclass
class Received:
    delivery_id: str
    event: str
    body: dict[str, Any]
    signed: bool
    at: float


@dataclass
class Receiver:
    """What the receiver got, and how it answers."""

    url: str = ""
    secrets: list[str] = field(default_factory=list)
    mode: str = "ok"  # ok, fail, hold_first
    requests: list[Received] = field(default_factory=list)
    handled: set[str] = field(default_factory=set)
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def attempts(self) -> Counter[str]:
        with self.lock:
            return Counter(r.delivery_id for r in self.requests)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.handled) >= count:
                    return list(self.requests)
            time.sleep(0.02)
        raise AssertionError(f"{len(self.handled)} of {count} deliveries handled: {self.requests}")


@contextmanager
def receiver(secrets: list[str] | None = None, mode: str = "ok") -> Iterator[Receiver]:
    state = Receiver(secrets=list(secrets or []), mode=mode)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            delivery_id = self.headers.get("Testament-Webhook-Id", "")
            signed = any(verify_signature(s, self.headers, body) for s in state.secrets)
            with state.lock:
                first = delivery_id not in {r.delivery_id for r in state.requests}
                state.requests.append(
                    Received(
                        delivery_id=delivery_id,
                        event=self.headers.get("Testament-Webhook-Event", ""),
                        body=json.loads(body),
                        signed=signed,
                        at=time.time(),
                    )
                )
            if state.mode == "hold_first" and first:
                state.held.set()
                state.release.wait(60)
                return  # the connection is dropped: no answer
            if not signed:
                self._answer(401, b"bad signature")
            elif state.mode == "fail":
                self._answer(500, b"the receiver is down")
            else:
                with state.lock:
                    # De-duplication by delivery id: a second copy changes nothing.
                    state.handled.add(delivery_id)
                self._answer(200, b"ok")

        def _answer(self, status: int, text: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
