"""The cost of plan limits: POST /projects and queueing a run (POST /suites/{id}/runs), with
the limit checks on, as a ratio to the same commands with them switched off, in one run.

Two API applications on one throwaway database, one built with TESTAMENT_ENFORCE_PLAN_LIMITS
on, one with it off, driven in-process over ASGI by the same client code, in alternating
rounds so that drift in the machine's load falls on both alike. The user is on a plan whose
limits are finite but far away, so every check does its whole work (loading the plan and the
subscription; for a project, the count on the user's ProjectQuota; for a run, the monthly and
in-flight counts on the user's RunSlots) and nothing is refused. Queued runs are cancelled
every 200 so the slot list stays short. Both sides record the project in the user's
ProjectQuota and the run in their RunSlots (the counts are kept whether or not they are
enforced); what is measured is the check.

  TARGET limit_check_overhead measured=<ratio> goal=1.1 met=<yes|no>

The ratio is the larger of the two commands' (median latency with checks / without).

Servers: TESTAMENT_DATABASE_URL and TESTAMENT_REDIS_URL, or the embedded ones:

  .venv/bin/python bench/limits.py --n 300 --rounds 5
"""

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from application.identity.commands import GrantRole  # noqa: E402
from domain.shared.meta import system_meta  # noqa: E402
from domain.users.model import Role  # noqa: E402
from infrastructure.security.passwords import Argon2PasswordHasher  # noqa: E402
from infrastructure.settings import Settings  # noqa: E402
from interfaces.bootstrap import (  # noqa: E402
    Runtime,
    build_runtime,
    identity_application,
    migrate,
)
from interfaces.http.app import create_app  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from bench.commands import throwaway_servers  # noqa: E402

SECRET_KEY = "limits-bench-secret-key-0123456789-abcdef"
PASSWORD = "correct horse battery staple"
GOAL = 1.1
FAR = 1_000_000
CASE = {
    "name": "ping",
    "request": {"method": "GET", "url": "/ping"},
    "expectations": {"expected_status": [200]},
}


def _cheap(runtime: Runtime) -> Runtime:
    identity = identity_application(
        runtime.settings,
        runtime.identity.env,
        hasher=Argon2PasswordHasher(time_cost=1, memory_cost=1024),
    )
    return dataclasses.replace(runtime, identity=identity)


def _login(client: TestClient, email: str) -> dict[str, str]:
    client.post("/auth/register", json={"email": email, "password": PASSWORD}).raise_for_status()
    tokens = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    tokens.raise_for_status()
    return {"Authorization": f"Bearer {tokens.json()['access_token']}"}


def _far_plan(client: TestClient, admin: dict[str, str]) -> str:
    limits = {
        "MaxProjects": FAR,
        "MaxEndpointsPerProject": FAR,
        "MaxTestCasesPerSuite": FAR,
        "MaxTestRunsPerMonth": FAR,
        "MaxConcurrentRuns": FAR,
        "RetentionDays": 7,
        "MaxLlmCallsPerMonth": FAR,
        "MaxStorageMB": FAR,
    }
    plan = client.post(
        "/admin/plans",
        headers=admin,
        json={
            "name": "Bench",
            "display_name": "Bench",
            "price_monthly": "1.00",
            "price_yearly": "10.00",
            "currency": "USD",
            "sort_order": 9,
            "limits": limits,
            "export_formats": ["csv"],
            "llm_features": True,
        },
    )
    plan.raise_for_status()
    return str(plan.json()["id"])


def _runnable_suite(client: TestClient, auth: dict[str, str]) -> str:
    project = client.post(
        "/projects", json={"name": "runs", "base_url": "http://127.0.0.1:9"}, headers=auth
    ).json()
    client.post(
        f"/projects/{project['id']}/environments",
        json={"name": "local", "base_url": "http://127.0.0.1:9"},
        headers=auth,
    ).raise_for_status()
    suite = client.post(f"/projects/{project['id']}/suites", json={"name": "s"}, headers=auth)
    suite.raise_for_status()
    client.post(f"/suites/{suite.json()['id']}/cases", json=CASE, headers=auth).raise_for_status()
    return str(suite.json()["id"])


def _timed(n: int, call: Callable[[int], Any]) -> list[float]:
    latencies = []
    for i in range(n):
        started = time.perf_counter()
        call(i)
        latencies.append(time.perf_counter() - started)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="commands per round and side")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as workdir, throwaway_servers(Path(workdir)) as servers:
        base = Settings(
            database_url=servers.database_url,
            redis_url=servers.redis_url,
            secret_key=SECRET_KEY,
            data_dir=Path(workdir) / "data",
            registration="open",
            allow_private_targets=True,
            access_log=False,
            # Its own Redis keys: a shared Redis holds other runs' failed log-ins per address.
            queue_namespace=f"bench-limits-{os.getpid()}",
            login_address_max_failures=1_000_000,
        )
        migrate(base, servers).close()
        on = _cheap(build_runtime(base.model_copy(update={"enforce_plan_limits": True}), servers))
        off = _cheap(build_runtime(base.model_copy(update={"enforce_plan_limits": False}), servers))
        try:
            run(on, off, args.n, args.rounds)
        finally:
            on.close()
            off.close()


def run(on: Runtime, off: Runtime, n: int, rounds: int) -> None:
    with TestClient(create_app(on)) as checked, TestClient(create_app(off)) as unchecked:
        admin = _login(checked, "admin@bench.example")
        admin_id = on.tokens.check_access(admin["Authorization"][7:]).user_id
        on.identity.grant_role(GrantRole(user_id=admin_id, role=Role.ADMIN, meta=system_meta()))
        plan_id = _far_plan(checked, admin)
        auth = _login(checked, "user@bench.example")
        user_id = on.tokens.check_access(auth["Authorization"][7:]).user_id
        checked.put(
            f"/admin/users/{user_id}/subscription", json={"plan_id": plan_id}, headers=admin
        ).raise_for_status()
        suite_id = _runnable_suite(checked, auth)
        figures: dict[str, dict[str, list[float]]] = {
            "POST /projects": {"on": [], "off": []},
            "queue a run": {"on": [], "off": []},
        }
        queued: list[str] = []

        def project(client: TestClient) -> Callable[[int], Any]:
            def call(i: int) -> None:
                created = client.post(
                    "/projects", json={"name": f"p{i}", "base_url": ""}, headers=auth
                )
                assert created.status_code == 201, created.text

            return call

        def queue(client: TestClient) -> Callable[[int], Any]:
            def call(i: int) -> None:
                started = client.post(f"/suites/{suite_id}/runs", json={}, headers=auth)
                assert started.status_code == 202, started.text
                queued.append(started.json()["id"])

            return call

        def drain(client: TestClient) -> None:
            for run_id in queued:
                client.post(f"/runs/{run_id}/cancel", headers=auth)
            queued.clear()

        sides = [("off", unchecked), ("on", checked)]
        # A warm-up round on each side, not counted (first requests build caches).
        for _, client in sides:
            _timed(20, project(client))
            _timed(20, queue(client))
            drain(client)
        for round_ in range(rounds):
            # Alternate which side goes first, so neither always runs on a warmer machine.
            for side, client in sides if round_ % 2 == 0 else sides[::-1]:
                figures["POST /projects"][side].append(
                    statistics.median(_timed(n, project(client)))
                )
                latencies: list[float] = []
                for start in range(0, n, 200):
                    latencies += _timed(min(200, n - start), queue(client))
                    drain(client)
                figures["queue a run"][side].append(statistics.median(latencies))
        ratios = []
        for name, sides in figures.items():
            with_checks = statistics.median(sides["on"]) * 1000
            without = statistics.median(sides["off"]) * 1000
            ratio = with_checks / without
            ratios.append(ratio)
            print(
                f"{name}: median latency {with_checks:.2f} ms with limit checks, "
                f"{without:.2f} ms without (medians of {rounds} rounds of {n}): ratio {ratio:.3f}"
            )
        measured = max(ratios)
        met = "yes" if measured <= GOAL else "no"
        print(f"TARGET limit_check_overhead measured={measured:.3f} goal={GOAL} met={met}")


if __name__ == "__main__":
    main()
