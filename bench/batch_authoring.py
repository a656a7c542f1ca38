"""Bulk authoring: 1,000 cases written through POST /suites/{id}/cases:batch, against the
baseline of the same 1,000 cases written one POST /suites/{id}/cases at a time.

Starts a real deployment in servers mode (migrate, projector, serve) on a throwaway
database, registers and logs in a user, creates a project, then for each round writes the
cases into fresh suites over HTTP on loopback, as a client would. Each case is a GET with a
status, a JSONPath and a response-time check. Prints both rates (medians of the rounds),
their ratio, and:

  TARGET batch_cases_per_s measured=<n> goal=1000 met=<yes|no>

Baseline (issue 15, before the batch route): 1,000 single POSTs took 26 s.

Servers: TESTAMENT_DATABASE_URL and TESTAMENT_REDIS_URL, or the embedded ones. Run it as:

  .venv/bin/python bench/batch_authoring.py --cases 1000 --rounds 3
"""

import argparse
import socket
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.commands import throwaway_servers  # noqa: E402
from tests.support.deployment import Deployment, deployment_env  # noqa: E402

SECRET_KEY = "batch-authoring-bench-secret-key-0123456789"
PASSWORD = "correct horse battery staple"
GOAL_CASES_PER_S = 1000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def a_case(n: int) -> dict[str, Any]:
    return {
        "name": f"get item {n}",
        "test_type": "HappyPath",
        "priority": "Medium",
        "tags": ["bench"],
        "endpoint_key": "GET /items/{id}",
        "request": {"method": "GET", "url": f"/items/{n}"},
        "expectations": {
            "expected_status": [200],
            "jsonpath_checks": [{"path": "$.id", "operator": "equals", "expected": n}],
            "max_response_time_ms": 500,
        },
    }


def _client(base_url: str) -> httpx.Client:
    """This function will register an account, log it in, and give a client acting for it."""
    email = f"batch-{uuid.uuid4().hex[:8]}@example.com"
    http = httpx.Client(base_url=base_url, timeout=300)
    http.post("/auth/register", json={"email": email, "password": PASSWORD}).raise_for_status()
    logged_in = http.post("/auth/login", json={"email": email, "password": PASSWORD})
    logged_in.raise_for_status()
    http.headers["Authorization"] = f"Bearer {logged_in.json()['access_token']}"
    return http


def _suite(http: httpx.Client, project_id: str, name: str) -> str:
    created = http.post(f"/projects/{project_id}/suites", json={"name": name})
    created.raise_for_status()
    suite_id: str = created.json()["id"]
    return suite_id


def one_at_a_time(http: httpx.Client, suite_id: str, cases: list[dict[str, Any]]) -> float:
    started = time.perf_counter()
    for case in cases:
        http.post(f"/suites/{suite_id}/cases", json=case).raise_for_status()
    return time.perf_counter() - started


def in_one_batch(http: httpx.Client, suite_id: str, cases: list[dict[str, Any]]) -> float:
    started = time.perf_counter()
    response = http.post(f"/suites/{suite_id}/cases:batch", json={"cases": cases})
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    if response.json()["created"] != len(cases):
        raise RuntimeError(f"the batch created {response.json()['created']} cases")
    return elapsed


def measure(base_url: str, count: int, rounds: int) -> tuple[list[float], list[float]]:
    cases = [a_case(n) for n in range(count)]
    http = _client(base_url)
    try:
        project = http.post("/projects", json={"name": "batch authoring"})
        project.raise_for_status()
        project_id = project.json()["id"]
        single, batch = [], []
        # Interleaved, so both meet the same load of the shared machine.
        for round_ in range(rounds):
            batch.append(in_one_batch(http, _suite(http, project_id, f"batch {round_}"), cases))
            single.append(one_at_a_time(http, _suite(http, project_id, f"one {round_}"), cases))
            print(
                f"round {round_ + 1}: batch {batch[-1]:.2f} s, one at a time {single[-1]:.2f} s",
                flush=True,
            )
    finally:
        http.close()
    return single, batch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, throwaway_servers(Path(tmp)) as servers:
        port = _free_port()
        env = deployment_env(
            database_url=servers.database_url,
            redis_url=servers.redis_url,
            secret_key=SECRET_KEY,
            data_dir=Path(tmp) / "data",
            port=port,
            TESTAMENT_QUEUE_NAMESPACE=f"testament-batch-{uuid.uuid4().hex[:8]}",
            TESTAMENT_REGISTRATION="open",
        )
        deployment = Deployment(base_url=f"http://127.0.0.1:{port}", env=env, logs=Path(tmp))
        migrated = deployment.cli("migrate")
        if migrated.returncode != 0:
            print(migrated.stderr)
            return 2
        deployment.start("projector", "projector")
        deployment.start("serve", "serve")
        try:
            deployment.wait_healthy()
            single, batch = measure(deployment.base_url, args.cases, args.rounds)
        finally:
            deployment.stop()
    single_rate = args.cases / statistics.median(single)
    batch_rate = args.cases / statistics.median(batch)
    print(f"cases per round: {args.cases}, rounds: {args.rounds} (medians)")
    print(f"one POST at a time: {statistics.median(single):.2f} s, {single_rate:.0f} cases/s")
    print(f"one batch:          {statistics.median(batch):.2f} s, {batch_rate:.0f} cases/s")
    print(f"ratio batch / one at a time: {batch_rate / single_rate:.1f}x")
    met = "yes" if batch_rate >= GOAL_CASES_PER_S else "no"
    print(f"TARGET batch_cases_per_s measured={batch_rate:.0f} goal={GOAL_CASES_PER_S} met={met}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
