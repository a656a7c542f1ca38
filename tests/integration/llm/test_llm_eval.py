"""bench/llm_eval.py: silent without an endpoint, figures and targets with one."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import llm_eval
from tests.support.fake_openai import FakeOpenAI, Reply

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
        answer = {
            "failedCheck": "status",
            "expected": "200",
            "received": "404",
            "likelyCause": "missing pet",
            "whatToCheck": ["the id"],
        }
        fake.answer(Reply(json.dumps(answer), tokens=100))
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
        assert "TARGET explanation_tokens_per_call measured=100.000 goal=1500 met=yes" in out
        assert len(fake.requests) == len(llm_eval.FAILURES)
        assert all("sk-bench-1" not in text for text in fake.prompts())
