"""Webhooks on a real deployment (`serve`, `projector`, `worker` as processes): an uploaded
specification reaches a receiver signed, and a worker killed with SIGKILL in the middle of
a delivery loses nothing and duplicates nothing the receiver cannot de-duplicate."""

import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from infrastructure.settings import Settings
from interfaces.bootstrap import Servers
from tests.support.deployment import Deployment, deployment_env
from tests.support.target_api import free_port
from tests.support.webhook_receiver import receiver

PETSTORE = Path(__file__).parents[1] / "fixtures" / "specs" / "petstore-3.0.yaml"


@pytest.fixture(scope="module")
def deployment(
    servers: Servers, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    data_dir = tmp_path_factory.mktemp("webhooks")
    port = free_port()
    env = deployment_env(
        database_url=servers.database_url,
        redis_url=servers.redis_url,
        secret_key=settings.resolved_secret_key(),
        data_dir=data_dir,
        port=port,
        TESTAMENT_QUEUE_NAMESPACE=f"testament-e2e-{uuid.uuid4().hex[:10]}",
        TESTAMENT_ALLOW_PRIVATE_TARGETS="true",
        TESTAMENT_REGISTRATION="open",
        # A delivery's attempt is given up for lost 3 s after it started; the receiver must
        # answer within 2 s, so a live attempt is never taken for a lost one.
        TESTAMENT_WEBHOOK_TIMEOUT_SECONDS="2",
        TESTAMENT_WEBHOOK_LEASE_SECONDS="3",
        TESTAMENT_WEBHOOK_SWEEP_INTERVAL_SECONDS="0.5",
    )
    deployment = Deployment(base_url=f"http://127.0.0.1:{port}", env=env, logs=data_dir)
    migrated = deployment.cli("migrate", timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    deployment.start("projector", "projector")
    deployment.start("worker", "worker", "--threads", "2")
    deployment.start("serve", "serve")
    try:
        # Generous: on a shared 2-core machine under load (average 20+), `serve` printed
        # nothing for over 60 s in a full run (with coverage), while it starts in seconds idle.
        deployment.wait_healthy(timeout=240)
        yield deployment
    finally:
        deployment.stop()


@pytest.fixture(scope="module")
def api(deployment: Deployment) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=deployment.base_url, timeout=30) as client:
        email = f"hooks-{uuid.uuid4().hex[:8]}@example.com"
        password = "correct horse battery staple"
        registered = client.post("/auth/register", json={"email": email, "password": password})
        assert registered.status_code == 202, registered.text
        tokens = client.post("/auth/login", json={"email": email, "password": password})
        assert tokens.status_code == 200, tokens.text
        client.headers["Authorization"] = f"Bearer {tokens.json()['access_token']}"
        yield client


def a_webhook(api: httpx.Client, url: str, events: list[str]) -> dict[str, Any]:
    project = api.post("/projects", json={"name": f"Hooks {uuid.uuid4().hex[:6]}"})
    assert project.status_code == 201, project.text
    created = api.post(
        f"/projects/{project.json()['id']}/webhooks", json={"url": url, "events": events}
    )
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


def settled_delivery(api: httpx.Client, webhook_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        items = api.get(f"/webhooks/{webhook_id}/deliveries").json()["items"]
        if items and items[0]["status"] != "pending":
            found: dict[str, Any] = items[0]
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"the delivery did not settle: {items}")
        time.sleep(0.1)


class TestWebhooksOnADeployment:
    def test_a_parsed_specification_reaches_the_receiver_signed(self, api: httpx.Client) -> None:
        with receiver() as hooks:
            created = a_webhook(api, hooks.url, ["spec.parsed"])
            hooks.secrets.append(created["secret"])
            project_id = created["webhook"]["project_id"]
            uploaded = api.post(
                f"/projects/{project_id}/specs",
                files={"file": ("petstore-3.0.yaml", PETSTORE.read_bytes(), "application/yaml")},
            )
            assert uploaded.status_code == 202, uploaded.text
            (received,) = hooks.wait_for(1, timeout=60)
            logged = settled_delivery(api, created["webhook"]["id"])
        assert received.signed and received.event == "spec.parsed"
        assert received.body["data"]["spec_id"] == uploaded.json()["id"]
        assert logged["status"] == "succeeded" and logged["id"] == received.delivery_id

    def test_a_worker_killed_mid_delivery_loses_nothing(
        self, api: httpx.Client, deployment: Deployment
    ) -> None:
        with receiver(mode="hold_first") as hooks:
            created = a_webhook(api, hooks.url, ["run.failed"])
            hooks.secrets.append(created["secret"])
            webhook_id = created["webhook"]["id"]
            sent = api.post(f"/webhooks/{webhook_id}/test")
            assert sent.status_code == 202, sent.text
            assert hooks.held.wait(30), deployment.output("worker")
            worker = deployment.processes["worker"]
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            deployment.start("worker-2", "worker", "--threads", "2")
            hooks.wait_for(1, timeout=60)
            logged = settled_delivery(api, webhook_id)
        delivery_id = sent.json()["delivery_id"]
        # At least once: the receiver saw the delivery twice under one id, and handled it once.
        assert hooks.attempts() == {delivery_id: 2}
        assert hooks.handled == {delivery_id}
        assert logged["status"] == "succeeded"
        assert [(a["number"], a["status"]) for a in logged["attempts"]] == [
            (1, "interrupted"),
            (2, "succeeded"),
        ]
        assert logged["attempt_count"] == 1  # an interrupted attempt is not held against it
