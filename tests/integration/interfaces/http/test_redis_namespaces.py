"""Every Redis key a deployment writes starts with its namespace (issue 20, item 16).

Two deployments share one Redis and one database here, each with a namespace of its own.
One goes through a newcomer's flow (register, a wrong password, log in, upload and parse a
spec, generate a suite, run a suite, read its results, log out); then every key in Redis
that names its users or runs, or that appeared while it ran with its namespace anywhere in
the name, must start with `<namespace>:`. The other deployment must not see those results.
"""

import dataclasses
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import redis

from infrastructure.security.passwords import Argon2PasswordHasher
from infrastructure.settings import Settings
from interfaces.bootstrap import Runtime, Servers, build_runtime, identity_application
from interfaces.http.app import create_app
from tests.integration.interfaces.http.support import TestClient, a_project, an_account, login
from tests.integration.interfaces.http.test_runs import a_suite_with_cases
from tests.support.target_api import build_target, serve

PETSTORE = Path(__file__).parents[3] / "fixtures" / "specs" / "petstore-3.0.yaml"
PLAIN = {
    "name": "no wait",
    "request": {"method": "GET", "url": "/slow?seconds=0"},
    "expectations": {"expected_status": [200]},
}


@dataclasses.dataclass
class Deployment:
    namespace: str
    runtime: Runtime
    client: TestClient


@pytest.fixture(scope="module")
def target_url() -> Iterator[str]:
    app, _ = build_target()
    with serve(app) as url:
        yield url


def a_deployment(settings: Settings, servers: Servers) -> Iterator[Deployment]:
    namespace = f"ns-{uuid.uuid4().hex[:10]}"
    built = build_runtime(
        settings.model_copy(update={"queue_namespace": namespace, "pool_size": 2}), servers
    )
    identity = identity_application(
        built.settings,
        {**built.identity.env},
        hasher=Argon2PasswordHasher(time_cost=1, memory_cost=1024),
    )
    runtime = dataclasses.replace(built, identity=identity)
    try:
        with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
            yield Deployment(namespace, runtime, client)
    finally:
        identity.close()
        built.close()


@pytest.fixture(scope="module")
def first(settings: Settings, servers: Servers, runtime: Runtime) -> Iterator[Deployment]:
    yield from a_deployment(settings, servers)


@pytest.fixture(scope="module")
def second(settings: Settings, servers: Servers, runtime: Runtime) -> Iterator[Deployment]:
    yield from a_deployment(settings, servers)


@pytest.fixture(scope="module")
def store(servers: Servers) -> Iterator[Any]:
    client = redis.Redis.from_url(servers.redis_url, decode_responses=True)
    yield client
    client.close()


@pytest.fixture(scope="module")
def flow(first: Deployment, store: Any, target_url: str) -> dict[str, Any]:
    """The first deployment's newcomer flow; what it made, and the keys it left."""
    before = set(store.scan_iter("*", count=1000))
    client, runtime = first.client, first.runtime
    account = an_account(client)
    assert login(client, account.email, "not the password").status_code == 401
    project_id = a_project(client, account, base_url="").json()["id"]
    uploaded = client.post(
        f"/projects/{project_id}/specs",
        files={"file": ("petstore-3.0.yaml", PETSTORE.read_bytes(), "application/yaml")},
        headers=account.auth,
    )
    assert runtime.apidoc.parse_specification(UUID(uploaded.json()["id"])) == "Success"
    generated = client.post(
        f"/projects/{project_id}/suites/generate",
        json={"name": "generated"},
        headers=account.auth,
    )
    assert generated.status_code == 201, generated.text
    client.post(
        f"/projects/{project_id}/environments",
        headers=account.auth,
        json={"name": "local", "base_url": target_url},
    )
    suite_id = a_suite_with_cases(client, account, project_id, [PLAIN])
    run = client.post(f"/suites/{suite_id}/runs", headers=account.auth, json={}).json()
    assert runtime.testexec.execute_test_run(UUID(run["id"])) == "Completed"
    results = client.get(f"/runs/{run['id']}/results", headers=account.auth)
    assert results.status_code == 200, results.text
    assert client.post("/auth/logout", json={"refresh_token": account.refresh_token}).is_success
    written = [k for k in store.scan_iter("*", count=1000) if k not in before]
    return {"run": run["id"], "user": str(account.id), "account": account, "written": written}


class TestEveryKeyADeploymentWrites:
    def test_starts_with_its_namespace(self, first: Deployment, flow: dict[str, Any]) -> None:
        mine = [
            k
            for k in flow["written"]
            if flow["run"] in k or flow["user"] in k or first.namespace in k
        ]
        kinds = {k.split(":")[1] for k in mine if k.startswith(f"{first.namespace}:")}
        # The flow wrote hot results, the recent runs, the throttle and an ended session.
        assert {"testrun", "user", "login", "ended-session"} <= kinds, sorted(mine)[:20]
        assert [k for k in mine if not k.startswith(f"{first.namespace}:")] == []

    def test_are_not_seen_by_another_deployment(
        self, first: Deployment, second: Deployment, flow: dict[str, Any]
    ) -> None:
        run_id = UUID(flow["run"])
        assert first.runtime.hot_results.summary(run_id) is not None
        assert second.runtime.hot_results.summary(run_id) is None
        assert second.runtime.hot_results.recent_runs(UUID(flow["user"])) == []
        assert first.runtime.hot_results.recent_runs(UUID(flow["user"])) == [flow["run"]]
