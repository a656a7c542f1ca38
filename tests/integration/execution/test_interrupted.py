"""A worker killed (SIGKILL) after sending cases and before recording them: the resumed
run sends them again and says so, counting every send across the two workers."""

import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

from infrastructure.redis.results import RedisHotResults
from tests.integration.execution.support import case, run
from tests.integration.execution.target import Target

ROOT = Path(__file__).resolve().parents[3]

# The first worker: its own process, so that it can die as a worker dies.
_FIRST_WORKER = textwrap.dedent(
    """
    import sys, uuid
    from application.testexec.execution import (
        EnvironmentConfig, ExecutionCase, ExecutionPlan, ExecutionSettings,
    )
    from infrastructure.execution.engine import HttpExecutionEngine
    from infrastructure.redis.results import RedisHotResults

    redis_url, run_id, base_url = sys.argv[1:4]
    hot = RedisHotResults(redis_url, namespace="dramatiq")
    sink = hot.sink(uuid.UUID(run_id), uuid.uuid4(), 1, lambda: False, resuming=False)
    cases = [
        ExecutionCase(id=name, name=name, endpoint_key=name, request=request,
                      expectations={"expected_status": [200]})
        for name, request in (
            ("fast", {"method": "GET", "url": "/counted/fast"}),
            ("hung", {"method": "GET", "url": "/slow?name=hung&seconds={{delay}}",
                      "timeout_ms": 60000}),
            ("later", {"method": "GET", "url": "/counted/later"}),
        )
    ]
    HttpExecutionEngine().run(
        ExecutionPlan(run_id=run_id, cases=cases),
        EnvironmentConfig(base_url=base_url, variables={"delay": "60"}),
        sink,
        ExecutionSettings(concurrency=1, allow_private_targets=True),
    )
    """
)


def _until(condition: object, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


class TestAWorkerKilledMidRun:
    def test_the_resumed_run_counts_every_send_and_says_which_cases_it_sends_again(
        self, target: Target, hot: RedisHotResults, servers: Any
    ) -> None:
        run_id = uuid.uuid4()
        first = subprocess.Popen(
            [sys.executable, "-c", _FIRST_WORKER, servers.redis_url, str(run_id), target.url],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            # "fast" passed (its result still in the sink's batch), "hung" is in flight.
            _until(lambda: target.counts["hung"] == 1, "the hung case to be sent")
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            assert hot.execution(run_id, "fast") is None  # sent, never recorded

            second = hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=True)
            cases = [
                case("fast", "/counted/fast"),
                case("hung", "/slow?name=hung&seconds={{delay}}"),
                case("later", "/counted/later"),
            ]
            outcome, _ = run(cases, target.url, sink=second, variables={"delay": "0"})
            second.close()

            assert (outcome.passed, outcome.failed) == (3, 0)
            assert target.counts["counted:fast"] == 2 and target.counts["hung"] == 2
            assert target.counts["counted:later"] == 1
            for name in ("fast", "hung"):
                stored = hot.execution(run_id, name)
                assert stored is not None
                assert (stored["attempts"], stored["interruptedAttempts"]) == ("2", "1"), name
            later = hot.execution(run_id, "later")
            assert later is not None
            assert (later["attempts"], later["interruptedAttempts"]) == ("1", "0")
            warnings = [line["message"] for line in hot.logs(run_id) if line["level"] == "warning"]
            assert len(warnings) == 2, warnings
            assert all("sent 1 time by an earlier worker" in w for w in warnings), warnings
            assert {w.split(":")[0] for w in warnings} == {"case fast", "case hung"}
        finally:
            if first.poll() is None:
                first.kill()
            hot.forget(run_id)

    def test_retries_of_one_worker_are_counted_once_each(self, target: Target) -> None:
        target.flaky_failures = 2
        _, sink = run([case("flaky", "/flaky")], target.url, retries=2)
        result = sink.result("flaky")
        assert (result.attempts, result.interrupted_attempts) == (3, 0)
        assert sink.sent["flaky"] == 3
