"""How `testament run` follows a run: over server-sent events, polling when it cannot."""

import json
from typing import Any

import httpx

from interfaces.cli.run import Session, _follow

RUN_ID = "7d4f0b1e-0000-4000-8000-000000000001"


def _summary(status: str, passed: int = 0) -> dict[str, Any]:
    return {
        "id": RUN_ID,
        "status": status,
        "total_tests": 2,
        "passed": passed,
        "failed": 0,
        "skipped": 0,
    }


def _session(handler: Any) -> Session:
    client = httpx.Client(base_url="http://testament.test", transport=httpx.MockTransport(handler))
    return Session(client, token="t", email=None, password=None, retry_for=0, sleep=lambda _: None)


class TestFollow:
    def test_returns_the_final_summary_the_stream_sends_without_polling(self) -> None:
        asked: list[str] = []
        stream = "".join(
            f"event: {kind}\ndata: {json.dumps(data)}\n\n"
            for kind, data in (
                ("summary", _summary("Running")),
                ("case", {"caseId": "a"}),
                ("case", {"caseId": "b"}),
                ("summary", _summary("Completed", passed=2)),
            )
        )

        def handler(request: httpx.Request) -> httpx.Response:
            asked.append(request.url.path)
            return httpx.Response(200, text=stream, headers={"content-type": "text/event-stream"})

        finished = _follow(_session(handler), _summary("Pending"), 2, timeout=5)
        assert finished == _summary("Completed", passed=2)
        assert asked == [f"/runs/{RUN_ID}/events"]

    def test_polls_when_the_stream_is_refused(self) -> None:
        answers = iter([_summary("Running", passed=1), _summary("Completed", passed=2)])

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/events"):
                return httpx.Response(404, json={"title": "Not Found"})
            return httpx.Response(200, json=next(answers))

        finished = _follow(_session(handler), _summary("Pending"), 2, timeout=5)
        assert finished is not None and finished["status"] == "Completed"
