"""bench/llm_eval.py: silent without an endpoint, figures and targets with one."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench import llm_eval, llm_eval_more
from tests.support.fake_openai import FakeOpenAI, Respond

ROOT = Path(__file__).resolve().parents[3]


class TestLlmEval:
    def test_without_an_endpoint_it_says_not_configured_and_succeeds(self) -> None:
        env = {"PATH": "/usr/bin:/bin"}
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "llm_eval.py")],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

        assert done.returncode == 0, done.stderr
        assert "not configured" in done.stdout

    def test_with_an_endpoint_it_measures_each_failure_and_prints_targets(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        fake = FakeOpenAI().start()
        fake.answer(Respond(a_model))
        monkeypatch.setenv("TESTAMENT_LLM_BASE_URL", fake.url)
        monkeypatch.setenv("TESTAMENT_LLM_MODEL", "fake-model")
        try:
            assert llm_eval.main() == 0
        finally:
            fake.stop()

        out = capsys.readouterr().out
        statuses = sum(1 for expected, _ in llm_eval.FAILURES if expected == "status")
        share = statuses / len(llm_eval.FAILURES)
        assert f"TARGET explanation_names_failed_check measured={share:.3f} goal=0.9 met=no" in out
        assert "TARGET explanation_schema_valid measured=1.000 goal=1 met=yes" in out
        assert "TARGET explanation_tokens_per_call measured=40.000 goal=1500 met=yes" in out
        assert "TARGET order_proposal_schema_valid measured=1.000 goal=1 met=yes" in out
        # The second suite's order puts the injected case first: refused before review.
        assert "TARGET order_proposal_submitted measured=0.500 goal=0.9 met=no" in out
        assert "TARGET documentation_endpoint_precision measured=0.857 goal=0.9 met=no" in out
        assert "TARGET documentation_endpoint_recall measured=0.857 goal=0.9 met=no" in out
        calls = len(llm_eval.FAILURES) + len(llm_eval_more.SUITES) + len(llm_eval_more.DOCUMENTS)
        assert len(fake.requests) == calls
        assert all("sk-bench-1" not in text for text in fake.prompts())
        assert all("sk-bench-doc-1234567" not in text for text in fake.prompts())


EXPLANATION = {
    "failedCheck": "status",
    "expected": "200",
    "received": "404",
    "likelyCause": "missing pet",
    "whatToCheck": ["the id"],
}


def a_model(messages: list[dict[str, Any]]) -> str:
    """A scripted model: explanations naming `status`, an order keeping the first suite's
    dependencies and breaking the second's, and the documents' endpoints but one, plus one
    that is not there."""
    system, user = messages[0]["content"], messages[1]["content"]
    if system.startswith("You explain"):
        return json.dumps(EXPLANATION)
    if system.startswith("You order"):
        keys = ["c4", "c3", "c2", "c1"] if "delete the pet" in user else ["c4", "c1", "c2", "c3"]
        return json.dumps(
            {
                "order": [{"case": key, "reason": "here"} for key in keys],
                "reasoning": "dependencies first",
                "considered_factors": ["dependencies"],
            }
        )
    endpoints = {
        "# Pets": ["GET /pets", "POST /pets", "GET /pets/{petId}"],
        "<h1>Orders": ["PUT /orders/{orderId}", "DELETE /orders/{orderId}"],
        "health check": ["GET /health", "GET /admin"],  # /metrics missed, /admin invented
    }
    found = next(keys for marker, keys in endpoints.items() if marker in user)
    return json.dumps(
        {
            "endpoints": [
                {
                    "method": key.split(" ")[0],
                    "path": key.split(" ")[1],
                    "summary": "",
                    "parameters": [],
                    "request_body_schema_json": "",
                    "responses": [],
                }
                for key in found
            ],
            "notes": "",
        }
    )
