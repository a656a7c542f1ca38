"""Runs that count data-set rows, that cannot start any more, and that are cancelled early."""

import threading
import time
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
import redis

from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import TestClient
from tests.integration.interfaces.http.test_runs import a_queued_run
from tests.support.sse import run_events
from tests.support.target_api import build_target, serve

WAIT_ROWS = {
    "name": "wait once per row",
    "request": {"method": "GET", "url": "/slow?seconds={{seconds}}"},
    "expectations": {"expected_status": [200]},
    # The first row is refused by the target (422): the rows after it pass.
    "data_sets": [
        {"name": "waits", "rows": [{"seconds": "soon"}, {"seconds": "0"}, {"seconds": "0"}]}
    ],
}
PLAIN = {
    "name": "no wait",
    "request": {"method": "GET", "url": "/slow?seconds=0"},
    "expectations": {"expected_status": [200]},
}


@pytest.fixture(scope="module")
def target_url() -> Iterator[str]:
    app, _ = build_target()
    with serve(app) as url:
        yield url


class TestRunLifecycle:
    def test_count_every_row_of_a_data_driven_case_and_show_its_worst_row(
        self, client: TestClient, http_runtime: Runtime, target_url: str
    ) -> None:
        account, _, run = a_queued_run(client, [WAIT_ROWS, PLAIN], target_url)
        assert run["total_tests"] == 4
        assert http_runtime.testexec.execute_test_run(UUID(run["id"])) == "Completed"
        done = client.get(f"/runs/{run['id']}", headers=account.auth).json()
        assert (done["total_tests"], done["passed"], done["failed"]) == (4, 3, 1)
        results = client.get(f"/runs/{run['id']}/results", headers=account.auth).json()["results"]
        rows_case = next(r for r in results if "rows" in r)
        assert rows_case["status"] == "Failed" and "422" in rows_case["failureReason"]
        assert sorted(row["status"] for row in rows_case["rows"].values()) == [
            "Failed",
            "Passed",
            "Passed",
        ]

    def test_fail_a_run_whose_environment_was_deleted_after_it_was_queued_saying_why(
        self, client: TestClient, http_runtime: Runtime, target_url: str
    ) -> None:
        account, env_id, run = a_queued_run(client, [PLAIN], target_url)
        assert client.delete(f"/environments/{env_id}", headers=account.auth).status_code == 204
        assert http_runtime.testexec.execute_test_run(UUID(run["id"])) == "Failed"
        done = client.get(f"/runs/{run['id']}", headers=account.auth).json()
        assert done["attempts"] <= 1
        assert done["failure_reason"].startswith("the run cannot start: environment")

    def test_fail_a_run_whose_suite_was_archived_after_it_was_queued_saying_why(
        self, client: TestClient, http_runtime: Runtime, target_url: str
    ) -> None:
        account, _, run = a_queued_run(client, [PLAIN], target_url)
        archived = client.post(f"/suites/{run['suite_id']}/archive", headers=account.auth)
        assert archived.status_code == 200, archived.text
        assert http_runtime.testexec.execute_test_run(UUID(run["id"])) == "Failed"
        done = client.get(f"/runs/{run['id']}", headers=account.auth).json()
        assert done["failure_reason"].startswith("the suite can no longer run")
        assert done["passed"] == done["failed"] == 0

    def test_let_the_summary_of_a_run_cancelled_before_it_started_expire(
        self, client: TestClient, http_runtime: Runtime, target_url: str, servers: Any
    ) -> None:
        account, _, run = a_queued_run(client, [PLAIN], target_url)
        cancelled = client.post(f"/runs/{run['id']}/cancel", headers=account.auth)
        assert cancelled.json()["status"] == "Cancelled"
        redis_client = redis.Redis.from_url(servers.redis_url)
        try:
            ttl = redis_client.ttl(http_runtime.hot_results.keys.run(run["id"])["results"])
            assert 4 * 86400 < ttl <= 5 * 86400  # the Free plan's retention (§5)
        finally:
            redis_client.close()

    def test_replay_the_results_so_far_to_a_follower_who_joins_late(
        self, client: TestClient, http_runtime: Runtime, target_url: str
    ) -> None:
        account, _, run = a_queued_run(client, [WAIT_ROWS, PLAIN], target_url)
        assert http_runtime.testexec.execute_test_run(UUID(run["id"])) == "Completed"
        with client.stream("GET", f"/runs/{run['id']}/events", headers=account.auth) as stream:
            events = list(run_events(stream.iter_lines()))
        assert events[0][0] == events[-1][0] == "summary"
        assert events[0][1]["status"] == events[-1][1]["status"] == "Completed"
        cases = [data for kind, data in events if kind == "case"]
        assert sorted((c["row"] or "", c["status"]) for c in cases) == [
            ("", "Passed"),
            ("waits#0", "Failed"),
            ("waits#1", "Passed"),
            ("waits#2", "Passed"),
        ]

    def test_give_up_on_a_run_interrupted_on_every_attempt_saying_so(
        self,
        client: TestClient,
        http_runtime: Runtime,
        target_url: str,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        class DyingEngine:
            """Dies mid-run, as a worker killed on every attempt would."""

            def run(self, *args: Any) -> Any:
                raise RuntimeError("the worker died")

        account, _, run = a_queued_run(client, [PLAIN], target_url)
        monkeypatch.setattr(http_runtime.testexec, "_engine", DyingEngine())
        for attempt in (1, 2, 3):
            with pytest.raises(RuntimeError):
                http_runtime.testexec.execute_test_run(UUID(run["id"]))
            running = client.get(f"/runs/{run['id']}", headers=account.auth).json()
            assert (running["status"], running["attempts"]) == ("Running", attempt)
        assert http_runtime.testexec.execute_test_run(UUID(run["id"])) == "Failed"
        done = client.get(f"/runs/{run['id']}", headers=account.auth).json()
        assert done["failure_reason"] == "the run was interrupted 3 times; giving up"

    def test_stop_a_running_run_at_the_next_case_and_keep_what_ran(
        self, client: TestClient, http_runtime: Runtime, target_url: str, servers: Any
    ) -> None:
        slow = {**PLAIN, "request": {"method": "GET", "url": "/slow?seconds=0.3"}}
        cases = [{**slow, "name": f"slow {n}"} for n in range(8)]
        # Chained: one case at a time, so the run is surely in its middle when cancelled.
        account, _, run = a_queued_run(client, cases, target_url, chained=True)
        outcome: list[str] = []
        worker = threading.Thread(
            target=lambda: outcome.append(http_runtime.testexec.execute_test_run(UUID(run["id"])))
        )
        worker.start()
        counts = redis.Redis.from_url(servers.redis_url, decode_responses=True)
        try:
            deadline = time.monotonic() + 10
            while (
                int(
                    counts.hget(http_runtime.hot_results.keys.run(run["id"])["results"], "passed")
                    or 0
                )
                < 1
            ):
                assert time.monotonic() < deadline, "no case passed"
                time.sleep(0.05)
            cancelled = client.post(f"/runs/{run['id']}/cancel", headers=account.auth)
            assert cancelled.status_code == 200 and cancelled.json()["cancel_requested"] is True
            worker.join(timeout=10)
        finally:
            counts.close()
        assert outcome == ["Cancelled"]
        done = client.get(f"/runs/{run['id']}", headers=account.auth).json()
        assert done["status"] == "Cancelled"
        assert 1 <= done["passed"] < 8 and done["failed"] == 0
        results = client.get(f"/runs/{run['id']}/results", headers=account.auth).json()
        assert len(results["results"]) == done["passed"]
