"""Testament as it runs on real servers: `serve`, `projector` and `worker` as separate
processes on the session's PostgreSQL and Redis, testing a real API on loopback.

From an uploaded OpenAPI document to a generated, approved suite, a run followed live over
server-sent events, its results in Redis and PostgreSQL, `testament run` for CI, and a worker
killed with SIGKILL in the middle of a run.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
import redis

from infrastructure.settings import Settings
from interfaces.bootstrap import Servers
from tests.support.sse import run_events
from tests.support.target_api import build_target, free_port, serve


@dataclass
class Deployment:
    """The three processes and how to reach them."""

    base_url: str
    env: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, *args: str) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "interfaces.cli.main", *args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def output(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def deployment(
    servers: Servers, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    data_dir = tmp_path_factory.mktemp("distributed")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESTAMENT_")}
    env.update(
        TESTAMENT_DATABASE_URL=servers.database_url,
        TESTAMENT_REDIS_URL=servers.redis_url,
        # Queues of its own: another test session on this Redis never takes its messages.
        TESTAMENT_QUEUE_NAMESPACE=f"testament-e2e-{uuid.uuid4().hex[:10]}",
        # The session's key: the identity log is encrypted with a key derived from it, and
        # later tests on this database (rebuilds, projectors) must be able to read it.
        TESTAMENT_SECRET_KEY=settings.resolved_secret_key(),
        TESTAMENT_DATA_DIR=str(data_dir),
        TESTAMENT_PORT=str(port),
        TESTAMENT_ALLOW_PRIVATE_TARGETS="true",
        TESTAMENT_REGISTRATION="open",  # servers mode is invite-only by default
        TESTAMENT_RUN_STALL_SECONDS="2",
        TESTAMENT_MAINTENANCE_INTERVAL_SECONDS="1",
        # The default: a generated suite must pass with its cases running concurrently.
        TESTAMENT_RUN_CONCURRENCY="8",
        PYTHONUNBUFFERED="1",
    )
    deployment = Deployment(base_url=f"http://127.0.0.1:{port}", env=env, logs=data_dir)
    migrated = subprocess.run(
        [sys.executable, "-m", "interfaces.cli.main", "migrate"],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert migrated.returncode == 0, migrated.stderr.decode()
    deployment.start("projector", "projector")
    deployment.start("worker", "worker", "--threads", "2")
    deployment.start("serve", "serve")
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{deployment.base_url}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or deployment.processes["serve"].poll() is not None:
            deployment.stop()
            pytest.fail("the server did not start:\n" + deployment.output("serve"))
        time.sleep(0.2)
    try:
        yield deployment
    finally:
        deployment.stop()


@pytest.fixture(scope="module")
def target() -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    app, state = build_target()
    with serve(app) as url:
        yield url, state, app.openapi()


@pytest.fixture(scope="module")
def api(deployment: Deployment) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=deployment.base_url, timeout=30) as client:
        email = f"runner-{uuid.uuid4().hex[:8]}@example.com"
        assert (
            client.post(
                "/auth/register", json={"email": email, "password": "password-123"}
            ).status_code
            == 202
        )
        token = client.post(
            "/auth/login", json={"email": email, "password": "password-123"}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def _until(check: Any, what: str, timeout: float = 45.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def approved_suite(
    api: httpx.Client, target: tuple[str, dict[str, Any], dict[str, Any]]
) -> dict[str, Any]:
    url, _, openapi = target
    project = api.post("/projects", json={"name": "Pets under test"}).json()
    upload = api.post(
        f"/projects/{project['id']}/specs",
        files={"file": ("openapi.json", json.dumps(openapi).encode(), "application/json")},
    )
    assert upload.status_code == 202, upload.text
    spec_id = upload.json()["id"]
    # Parsed by the worker, reached through the outbox (projector → publisher → dispatch → parse).
    spec = _until(
        lambda: (
            (s := api.get(f"/projects/{project['id']}/specs/{spec_id}")).status_code == 200
            and s.json()["parse_status"] == "Success"
            and s.json()
        ),
        "the worker to parse the specification",
    )
    assert spec["endpoint_count"] == 5
    suite = api.post(
        f"/projects/{project['id']}/suites/generate", json={"name": "Generated"}
    ).json()
    assert suite["approval_status"] == "PendingReview"
    approved = api.post(f"/suites/{suite['id']}/proposals/1/approve", json={"notes": "looks right"})
    assert approved.status_code == 200, approved.text
    environment = api.post(
        f"/projects/{project['id']}/environments",
        json={
            "name": "local",
            "base_url": url,
            "variables": [{"name": "apiSecret", "value": "s3cr3t-value", "secret": True}],
        },
    )
    assert environment.status_code == 201, environment.text
    return {"project": project, "suite": approved.json(), "environment": environment.json()}


class TestDistributedRun:
    def test_a_run_is_followed_live_and_its_counts_agree_in_redis_and_postgres(
        self,
        api: httpx.Client,
        approved_suite: dict[str, Any],
        servers: Servers,
        deployment: Deployment,
    ) -> None:
        suite_id = approved_suite["suite"]["id"]
        queued = api.post(f"/suites/{suite_id}/runs", json={})
        assert queued.status_code == 202, queued.text
        run = queued.json()
        assert run["status"] == "Pending" and run["run_number"] == 1
        with api.stream("GET", f"/runs/{run['id']}/events", timeout=60) as stream:
            events = list(run_events(stream.iter_lines()))
        final = events[-1][1]
        assert final["status"] == "Completed"
        case_events = [data for kind, data in events if kind == "case"]
        # Every result exactly once, however late the stream was opened: the results
        # recorded before it are replayed, the rest arrive live.
        keys = [(data["caseId"], data["row"]) for data in case_events]
        assert len(keys) == len(set(keys)) == final["total_tests"], events[:3]
        client = redis.Redis.from_url(servers.redis_url, decode_responses=True)
        hot = client.hgetall(
            f"{deployment.env['TESTAMENT_QUEUE_NAMESPACE']}:testrun:{run['id']}:results"
        )
        assert hot["status"] == "Completed"
        assert (int(hot["passed"]), int(hot["failed"]), int(hot["skipped"])) == (
            final["passed"],
            final["failed"],
            final["skipped"],
        )
        assert final["passed"] + final["failed"] + final["skipped"] == final["total_tests"]
        assert (
            0
            < client.ttl(
                f"{deployment.env['TESTAMENT_QUEUE_NAMESPACE']}:testrun:{run['id']}:results"
            )
            <= 7 * 86400
        )
        assert run["id"] in client.zrange(
            f"{deployment.env['TESTAMENT_QUEUE_NAMESPACE']}:user:{final['triggered_by']}:recent_runs",
            0,
            -1,
        )
        variables = client.hgetall(
            f"{deployment.env['TESTAMENT_QUEUE_NAMESPACE']}:testrun:{run['id']}:variables"
        )
        assert variables.get("authToken") and variables.get("petId")
        rows = _until(
            lambda: [
                r for r in api.get(f"/suites/{suite_id}/runs").json() if r["status"] == "Completed"
            ],
            "the run summary in testexec.test_runs",
        )
        assert (rows[0]["passed_count"], rows[0]["failed_count"], rows[0]["skipped_count"]) == (
            final["passed"],
            final["failed"],
            final["skipped"],
        )
        results = api.get(f"/runs/{run['id']}/results").json()["results"]
        chained = [
            r
            for r in results
            if r["requestMethod"] == "GET" and variables["petId"] in r["requestUrl"]
        ]
        assert chained and chained[0]["status"] == "Passed", (
            "the created pet's id reached a later request"
        )
        serialized = (
            json.dumps(results)
            + json.dumps(variables)
            + json.dumps(api.get(f"/environments/{approved_suite['environment']['id']}").json())
        )
        assert "s3cr3t-value" not in serialized

    def test_testament_run_reports_for_ci_with_junit(
        self,
        deployment: Deployment,
        api: httpx.Client,
        approved_suite: dict[str, Any],
        tmp_path: Path,
    ) -> None:
        junit = tmp_path / "junit.xml"
        token = api.headers["Authorization"][7:]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "interfaces.cli.main",
                "run",
                "--suite",
                approved_suite["suite"]["id"],
                "--url",
                deployment.base_url,
                "--token",
                token,
                "--junit",
                str(junit),
            ],
            capture_output=True,
            timeout=120,
            env=deployment.env,
        )
        out = result.stdout.decode()
        assert "run 2 Completed" in out, out + result.stderr.decode()
        tree = ElementTree.parse(junit).getroot()
        failures = int(tree.get("failures", "0"))
        assert int(tree.get("tests", "0")) == len(tree.findall("testcase"))
        assert len(tree.findall("testcase/failure")) == failures
        assert result.returncode == (1 if failures else 0)

    def test_a_worker_killed_mid_run_is_replaced_and_no_case_is_counted_twice(
        self,
        deployment: Deployment,
        api: httpx.Client,
        approved_suite: dict[str, Any],
        target: tuple[str, dict[str, Any], dict[str, Any]],
        servers: Servers,
    ) -> None:
        project_id = approved_suite["project"]["id"]
        suite = api.post(f"/projects/{project_id}/suites", json={"name": "Slow"}).json()
        # Eight at a time, a second each: the first wave has passed, the next is in flight.
        for i in range(24):
            added = api.post(
                f"/suites/{suite['id']}/cases",
                json={
                    "name": f"slow {i}",
                    "request": {"method": "GET", "url": "/slow?seconds=1", "timeout_ms": 5000},
                    "expectations": {"expected_status": [200]},
                },
            )
            assert added.status_code == 201, added.text
        run = api.post(f"/suites/{suite['id']}/runs", json={}).json()
        client = redis.Redis.from_url(servers.redis_url, decode_responses=True)
        results_key = f"{deployment.env['TESTAMENT_QUEUE_NAMESPACE']}:testrun:{run['id']}:results"
        done = lambda: int(client.hget(results_key, "passed") or 0)  # noqa: E731
        _until(lambda: done() >= 8, "eight cases to pass", timeout=60)
        deployment.processes["worker"].send_signal(signal.SIGKILL)
        deployment.processes["worker"].wait(timeout=10)
        before = done()
        assert before < 24 and api.get(f"/runs/{run['id']}").json()["status"] == "Running"
        deployment.start("worker", "worker", "--threads", "2")
        final = _until(
            lambda: (
                (r := api.get(f"/runs/{run['id']}").json())["status"] in ("Completed", "Failed")
                and r
            ),
            "the run to finish on the new worker",
            timeout=90,
        )
        assert final["status"] == "Completed", final
        assert (final["passed"], final["failed"], final["skipped"]) == (24, 0, 0)
        assert final["attempts"] == 2
        hot = client.hgetall(
            f"{deployment.env['TESTAMENT_QUEUE_NAMESPACE']}:testrun:{run['id']}:results"
        )
        assert (int(hot["passed"]), int(hot["failed"])) == (24, 0)
        executions = [
            k
            for k in client.scan_iter(
                f"{deployment.env['TESTAMENT_QUEUE_NAMESPACE']}:testrun:{run['id']}:execution:*"
            )
        ]
        assert len(executions) == 24
        # The cases the killed worker had sent without recording went out again, and say so.
        results = api.get(f"/runs/{run['id']}/results").json()["results"]
        again = [r for r in results if r["interruptedAttempts"] != "0"]
        assert again, [(r["attempts"], r["interruptedAttempts"]) for r in results]
        assert all((r["attempts"], r["interruptedAttempts"]) == ("2", "1") for r in again)
        assert all(r["attempts"] == "1" for r in results if r not in again)
        lines = [line["message"] for line in api.get(f"/runs/{run['id']}/logs").json()]
        assert any(line.startswith("attempt 2 of this run") for line in lines), lines
        resent = [line for line in lines if "by an earlier worker of this run" in line]
        assert len(resent) == len(again), (resent, len(again))


def _seconds(later: str, earlier: str) -> float:
    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds()


class TestDispatch:
    def test_a_queued_run_starts_within_a_fraction_of_a_second(
        self, api: httpx.Client, approved_suite: dict[str, Any]
    ) -> None:
        """Queued → started, through the outbox projection, its immediate publish and the
        worker: the ticker (every 0.5 s) and the dispatch hop it replaced took 0.45 to 2.8 s.
        The bound leaves room for a loaded machine; bench/e2e.py measures the figures."""
        project_id = approved_suite["project"]["id"]
        suite = api.post(f"/projects/{project_id}/suites", json={"name": "Quick"}).json()
        added = api.post(
            f"/suites/{suite['id']}/cases",
            json={
                "name": "quick",
                "request": {"method": "GET", "url": "/slow?seconds=0", "timeout_ms": 5000},
                "expectations": {"expected_status": [200]},
            },
        )
        assert added.status_code == 201, added.text
        waits = []
        for _ in range(9):
            run = api.post(f"/suites/{suite['id']}/runs", json={}).json()
            done = _until(
                lambda run_id=run["id"]: (
                    (r := api.get(f"/runs/{run_id}").json())["status"] not in ("Pending", "Running")
                    and r
                ),
                "the quick run to finish",
                timeout=30,
            )
            assert done["status"] == "Completed", done
            waits.append(_seconds(done["started_at"], done["queued_at"]))
        waits.sort()
        assert waits[len(waits) // 2] < 0.5, waits


# --- The client commands as a pipeline runs them: fresh `testament` processes, authenticated
# by an API key, against this deployment (issue 15).


@pytest.fixture(scope="module")
def owner(deployment: Deployment) -> Iterator[tuple[httpx.Client, str]]:
    """An account (logged in) and an API key of scope write it made."""
    with httpx.Client(base_url=deployment.base_url, timeout=30) as client:
        email = f"pipeline-{uuid.uuid4().hex[:8]}@example.com"
        registered = client.post(
            "/auth/register", json={"email": email, "password": "password-123"}
        )
        assert registered.status_code == 202
        token = client.post(
            "/auth/login", json={"email": email, "password": "password-123"}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        key = client.post("/me/api-keys", json={"name": "pipeline", "scope": "write"})
        assert key.status_code == 201, key.text
        yield client, key.json()["key"]


def cli_process(
    deployment: Deployment, tmp_path: Path, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    """This function will run `testament` in a fresh process with only client settings."""
    clean = {k: v for k, v in deployment.env.items() if not k.startswith("TESTAMENT_")}
    return subprocess.run(
        [sys.executable, "-m", "interfaces.cli.main", *args],
        env={**clean, "TESTAMENT_CONFIG": str(tmp_path / "credentials.json"), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ci_in_one_command_with_an_api_key_in_fresh_processes(
    deployment: Deployment,
    target: tuple[str, dict[str, Any], dict[str, Any]],
    owner: tuple[httpx.Client, str],
    tmp_path: Path,
) -> None:
    url, _, openapi = target
    client, key = owner
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(openapi))
    junit_file, report_file = tmp_path / "junit.xml", tmp_path / "report.json"
    ran = cli_process(
        deployment,
        tmp_path,
        "test",
        str(spec),
        "--base-url",
        url,
        "--approve",
        "--junit",
        str(junit_file),
        "--report",
        str(report_file),
        TESTAMENT_URL=deployment.base_url,
        TESTAMENT_API_KEY=key,
    )
    assert report_file.exists(), ran.stdout + ran.stderr
    report = json.loads(report_file.read_text())
    run = report["run"]
    passed = run["status"] == "Completed" and run["failed"] == 0 and run["skipped"] == 0
    assert ran.returncode == (0 if passed else 1), ran.stdout + ran.stderr
    tree = ElementTree.parse(junit_file).getroot()
    assert int(tree.get("tests") or 0) == len(report["results"]) > 0
    history = client.get(f"/suites/{report['suite_id']}/history").json()
    approvals = [h for h in history if "approve" in h["type"].lower()]
    assert approvals and approvals[-1]["reason"] == "testament test --approve"
    assert approvals[-1]["api_key_id"] is not None

    # Logged in once with the key, later commands need nothing else.
    logged = cli_process(
        deployment, tmp_path, "login", "--url", deployment.base_url, "--api-key", key
    )
    assert logged.returncode == 0, logged.stderr
    listed = cli_process(deployment, tmp_path, "runs", "list", "--output", "json")
    assert listed.returncode == 0, listed.stderr
    assert run["id"] in [r["id"] for r in json.loads(listed.stdout)]
    shown = cli_process(deployment, tmp_path, "runs", "show", run["id"], "-o", "json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["run"]["id"] == run["id"]
