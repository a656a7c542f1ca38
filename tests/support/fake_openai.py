"""A local server speaking OpenAI's Chat Completions protocol, answering from a script.

The real `openai` SDK is pointed at it. Each request takes the next scripted step (the last
one repeats): a reply, an HTTP status, a pause (for timeouts), or a function of the request
(a model that does what the prompt says, to test prompt injection). Every request body is
kept, so a test can read exactly what would have reached the model.
"""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    content: str
    tokens: int = 40


@dataclass(frozen=True)
class Status:
    code: int
    retry_after_ms: int | None = 10


@dataclass(frozen=True)
class Pause:
    seconds: float
    then: Reply


@dataclass(frozen=True)
class Respond:
    """A reply computed from the request's messages."""

    answer: Callable[[list[dict[str, Any]]], str]


Step = Reply | Status | Pause | Respond


def completion(content: str, model: str, tokens: int) -> dict[str, Any]:
    """This function will write a Chat Completions response body."""
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": tokens // 2,
            "completion_tokens": tokens - tokens // 2,
            "total_tokens": tokens,
        },
    }


@dataclass
class FakeOpenAI:
    """The server and its script; `url` is the base URL the SDK takes (…/v1)."""

    script: list[Step] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def answer(self, *steps: Step) -> "FakeOpenAI":
        """This function will replace the script and forget earlier requests."""
        self.script = list(steps)
        self.requests.clear()
        self.headers.clear()
        return self

    def prompts(self) -> list[str]:
        """This function will give every message text every request carried."""
        return [m["content"] for body in self.requests for m in body.get("messages", [])]

    def _next(self) -> Step:
        if not self.script:
            return Status(500, None)
        return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    def start(self) -> "FakeOpenAI":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(body)
                fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {"error": {"message": "not found"}})
                    return
                step = fake._next()
                if isinstance(step, Status):
                    extra = {}
                    if step.retry_after_ms is not None:
                        extra["retry-after-ms"] = str(step.retry_after_ms)
                    self._send(step.code, {"error": {"message": f"status {step.code}"}}, extra)
                    return
                if isinstance(step, Pause):
                    time.sleep(step.seconds)
                    step = step.then
                if isinstance(step, Respond):
                    step = Reply(step.answer(body.get("messages", [])))
                self._send(200, completion(step.content, body.get("model", "fake"), step.tokens))

            def _send(
                self, code: int, payload: dict[str, Any], extra: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (extra or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client timed out
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
