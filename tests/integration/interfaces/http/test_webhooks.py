"""Outbound webhooks end to end on real PostgreSQL and Redis, with a real receiver on
loopback that checks signatures the way docs/webhooks.md tells customers to."""

import importlib
import json
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import dramatiq
import pytest

from application.notif.delivery import Outcome, RetryPolicy, WebhookDeliveries
from application.notif.ports import TargetRefusedError
from infrastructure.clock import SystemClock
from infrastructure.http.outbound import OutboundPolicy
from infrastructure.projections.catalog import read_model
from infrastructure.projections.rebuild import rebuild
from infrastructure.webhooks.adapters import OutboundTargetPolicy
from infrastructure.webhooks.sender import HttpWebhookSender
from interfaces.bootstrap import Runtime, Servers
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
)
from tests.support.webhook_receiver import receiver

PETSTORE = Path(__file__).parents[3] / "fixtures" / "specs" / "petstore-3.0.yaml"


@pytest.fixture(scope="module")
def redis_broker(servers: Servers) -> Iterator[dramatiq.Broker]:
    from dramatiq.brokers.redis import RedisBroker

    from interfaces.workers.broker import configure_broker

    broker = configure_broker(servers.redis_url, namespace=f"testament-test-{uuid4().hex[:10]}")
    if not isinstance(broker, RedisBroker):
        pytest.fail(f"another test installed a {type(broker).__name__} instead of the Redis broker")
    yield broker


@pytest.fixture
def worker(redis_broker: dramatiq.Broker, http_runtime: Runtime) -> Iterator[dramatiq.Worker]:
    from interfaces.workers.context import set_runtime

    set_runtime(http_runtime)
    started = dramatiq.Worker(
        redis_broker,
        queues={"webhooks", "integration", "parsing"},
        worker_threads=2,
        worker_timeout=100,
    )
    started.start()
    try:
        yield started
    finally:
        started.stop(timeout=10_000)
        set_runtime(None)


@pytest.fixture
def owner(client: TestClient) -> Account:
    return an_account(client)


@pytest.fixture
def project_webhooks(http_runtime: Runtime) -> Callable[[], None]:
    runners = http_runtime.runners((read_model("webhooks"), read_model("projects")))

    def run() -> None:
        for runner in runners:
            runner.catch_up()

    return run


def a_webhook(
    client: TestClient, owner: Account, url: str, events: list[str] | None = None
) -> dict[str, Any]:
    project_id = a_project(client, owner).json()["id"]
    response = client.post(
        f"/projects/{project_id}/webhooks",
        json={"url": url, "events": events or ["spec.parsed"], "description": "CI"},
        headers=owner.auth,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def delivery_log(client: TestClient, owner: Account, webhook_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/webhooks/{webhook_id}/deliveries", headers=owner.auth)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def settled(
    client: TestClient, owner: Account, webhook_id: str, count: int = 1, timeout: float = 20
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        items = delivery_log(client, owner, webhook_id)
        if len(items) >= count and all(i["status"] != "pending" for i in items):
            return items
        if time.monotonic() > deadline:
            raise AssertionError(f"deliveries not settled: {items}")
        time.sleep(0.05)


class TestWebhookRoutes:
    def test_creates_a_webhook_showing_its_secret_once(
        self, client: TestClient, owner: Account, project_webhooks: Callable[[], None]
    ) -> None:
        created = a_webhook(client, owner, "https://ci.example.com/hooks", ["run.failed"])
        webhook = created["webhook"]
        assert created["secret"].startswith("whsec_")
        assert (webhook["url"], webhook["events"], webhook["status"], webhook["version"]) == (
            "https://ci.example.com/hooks",
            ["run.failed"],
            "Active",
            1,
        )
        project_webhooks()
        read = client.get(f"/webhooks/{webhook['id']}", headers=owner.auth)
        assert read.status_code == 200
        assert created["secret"] not in read.text
        listed = client.get(f"/projects/{webhook['project_id']}/webhooks", headers=owner.auth)
        assert [w["id"] for w in listed.json()["items"]] == [webhook["id"]]

    def test_changes_rotates_pauses_and_deletes(
        self, client: TestClient, owner: Account, project_webhooks: Callable[[], None]
    ) -> None:
        created = a_webhook(client, owner, "https://ci.example.com/hooks")
        path = f"/webhooks/{created['webhook']['id']}"
        changed = client.patch(
            path, json={"events": ["run.completed", "spec.parsed"]}, headers=owner.auth
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["events"] == ["run.completed", "spec.parsed"]
        stale = client.patch(
            path, json={"description": "x"}, headers={**owner.auth, "If-Match": '"1"'}
        )
        assert_problem(stale, 412, "version-mismatch")

        rotated = client.post(
            f"{path}/rotate-secret", json={"overlap_minutes": 5}, headers=owner.auth
        )
        assert rotated.status_code == 200, rotated.text
        assert rotated.json()["secret"] not in (created["secret"], "")
        assert rotated.json()["webhook"]["previous_secret_valid_until"] is not None

        assert client.post(f"{path}/disable", headers=owner.auth).json()["status"] == "Disabled"
        assert_problem(client.post(f"{path}/disable", headers=owner.auth), 409, "webhook-state")
        assert client.post(f"{path}/enable", headers=owner.auth).json()["status"] == "Active"
        assert client.delete(path, headers=owner.auth).json()["status"] == "Deleted"
        assert_problem(client.post(f"{path}/test", headers=owner.auth), 409, "webhook-deleted")
        project_webhooks()
        assert_problem(client.get(path, headers=owner.auth), 404, "not-found")

    @pytest.mark.parametrize(
        ("body", "field", "slug"),
        [
            ({"url": "https://ci.example.com", "events": ["run.exploded"]}, "events", "validation"),
            ({"url": "https://ci.example.com", "events": []}, "events", "validation"),
            ({"url": "ftp://ci.example.com", "events": ["run.failed"]}, "url", "validation"),
            # The form is fine; where it leads is not (a state of DNS): its own type.
            (
                {"url": "http://169.254.169.254/latest", "events": ["run.failed"]},
                "url",
                "target-refused",
            ),
            ({"url": "http://0/hooks", "events": ["run.failed"]}, "url", "target-refused"),
            (
                {"url": "https://ci.example.com", "events": ["run.failed"], "secret": "x"},
                "secret",
                "validation",
            ),
        ],
    )
    def test_refuses_a_bad_subscription_naming_the_field(
        self, client: TestClient, owner: Account, body: dict[str, Any], field: str, slug: str
    ) -> None:
        project_id = a_project(client, owner).json()["id"]
        response = client.post(f"/projects/{project_id}/webhooks", json=body, headers=owner.auth)
        assert_problem(response, 422, slug)
        assert field in response.text

    def test_another_users_project_and_webhook_are_not_found(
        self, client: TestClient, owner: Account
    ) -> None:
        created = a_webhook(client, owner, "https://ci.example.com/hooks")
        stranger = an_account(client)
        project_id = created["webhook"]["project_id"]
        assert_problem(
            client.post(
                f"/projects/{project_id}/webhooks",
                json={"url": "https://x.example.com", "events": ["run.failed"]},
                headers=stranger.auth,
            ),
            404,
            "not-found",
        )
        path = f"/webhooks/{created['webhook']['id']}"
        for response in (
            client.post(f"{path}/test", headers=stranger.auth),
            client.get(f"{path}/deliveries", headers=stranger.auth),
            client.post(f"{path}/rotate-secret", json={}, headers=stranger.auth),
        ):
            assert_problem(response, 404, "not-found")


class TestDeliveries:
    def test_a_test_event_reaches_the_receiver_signed_and_is_logged(
        self, client: TestClient, owner: Account, worker: dramatiq.Worker
    ) -> None:
        with receiver() as hooks:
            created = a_webhook(client, owner, hooks.url)
            hooks.secrets.append(created["secret"])
            webhook_id = created["webhook"]["id"]
            sent = client.post(f"/webhooks/{webhook_id}/test", headers=owner.auth)
            assert sent.status_code == 202, sent.text
            (received,) = hooks.wait_for(1)
            (logged,) = settled(client, owner, webhook_id)
        delivery_id = sent.json()["delivery_id"]
        assert received.signed and received.delivery_id == delivery_id
        assert received.event == "webhook.test"
        assert received.body["id"] == delivery_id and received.body["type"] == "webhook.test"
        assert received.body["api_version"] == "2026-12-01"
        assert (logged["id"], logged["status"], logged["attempt_count"]) == (
            delivery_id,
            "succeeded",
            1,
        )
        (attempt,) = logged["attempts"]
        assert (attempt["status"], attempt["status_code"], attempt["response_excerpt"]) == (
            "succeeded",
            200,
            "ok",
        )
        assert attempt["latency_ms"] >= 0
        assert json.loads(logged["payload"]) == received.body

    def test_during_a_rotation_a_receiver_with_either_secret_accepts(
        self, client: TestClient, owner: Account, worker: dramatiq.Worker
    ) -> None:
        with receiver() as hooks:
            created = a_webhook(client, owner, hooks.url)
            path = f"/webhooks/{created['webhook']['id']}"
            client.post(f"{path}/rotate-secret", json={"overlap_minutes": 10}, headers=owner.auth)
            hooks.secrets.append(created["secret"])  # the receiver has not switched yet
            client.post(f"{path}/test", headers=owner.auth)
            (received,) = hooks.wait_for(1)
            assert received.signed
            client.post(f"{path}/rotate-secret", json={"overlap_minutes": 0}, headers=owner.auth)
            client.post(f"{path}/test", headers=owner.auth)
            deadline = time.monotonic() + 20
            while len(hooks.requests) < 2 and time.monotonic() < deadline:
                time.sleep(0.02)
        # With no overlap, the first secret signs nothing any more: the receiver refuses.
        assert [r.signed for r in hooks.requests] == [True, False]

    def test_a_parsed_specification_is_fanned_out_through_the_outbox_once(
        self,
        client: TestClient,
        owner: Account,
        http_runtime: Runtime,
        project_webhooks: Callable[[], None],
        worker: dramatiq.Worker,
    ) -> None:
        outbox = importlib.import_module("interfaces.workers.actors.outbox")
        with receiver() as hooks:
            created = a_webhook(client, owner, hooks.url, ["spec.parsed", "spec.parse_failed"])
            hooks.secrets.append(created["secret"])
            project_webhooks()
            project_id = created["webhook"]["project_id"]
            uploaded = client.post(
                f"/projects/{project_id}/specs",
                files={"file": ("petstore-3.0.yaml", PETSTORE.read_bytes(), "application/yaml")},
                headers=owner.auth,
            )
            assert uploaded.status_code == 202, uploaded.text
            http_runtime.apidoc.parse_specification(UUID(uploaded.json()["id"]))
            for runner in http_runtime.runners((read_model("apidoc_outbox"),)):
                runner.catch_up()
            publisher = outbox.publisher("apidoc")
            while publisher.publish_pending() > 0:
                pass
            (received,) = hooks.wait_for(1)
            # The outbox message delivered again (at-least-once) makes no second delivery.
            with http_runtime.pool.connection() as conn:
                row = conn.execute(
                    "SELECT * FROM apidoc.outbox_messages WHERE object_id = %s"
                    " AND event_type = 'ApiSpecification.Parsed'",
                    (uploaded.json()["id"],),
                ).fetchone()
            assert row is not None
            outbox.dispatch_event.fn(
                message_id=str(row["id"]),
                event_type=row["event_type"],
                object_id=row["object_id"],
                version=row["row_version"],
                module="apidoc",
                triggered_by_id=None,
                activity_id=None,
                payload={},
            )
            from interfaces.workers.actors.webhooks import fan_out

            fan_out.fn(
                message_id=str(row["id"]),
                event_type=row["event_type"],
                object_id=row["object_id"],
                version=row["row_version"],
            )
            time.sleep(0.5)
            (logged,) = settled(client, owner, created["webhook"]["id"])
        assert received.signed and received.event == "spec.parsed"
        assert received.body["data"]["spec_id"] == uploaded.json()["id"]
        assert received.body["data"]["source_type"] == "OpenAPI 3.0"
        assert received.body["project_id"] == project_id
        assert hooks.attempts() == {logged["id"]: 1}

    def test_the_webhooks_read_model_rebuilds_equal(self, http_runtime: Runtime) -> None:
        for runner in http_runtime.runners((read_model("webhooks"),)):
            runner.catch_up()
        report = rebuild(http_runtime.pool, http_runtime.applications(), "webhooks")
        assert report.equal, report.tables
        assert report.tables[0].live_rows > 0


class RecordedQueue:
    """Where a deliverer driven by the test asks for its next attempt."""

    def __init__(self) -> None:
        self.queued: list[tuple[UUID, datetime | None]] = []

    def enqueue(self, delivery_id: UUID, at: datetime | None = None) -> None:
        self.queued.append((delivery_id, at))


def a_deliverer(runtime: Runtime, queue: RecordedQueue, **policy: Any) -> WebhookDeliveries:
    return WebhookDeliveries(
        runtime.notif,
        reader=runtime.webhooks,
        store=runtime.delivery_log,
        sender=HttpWebhookSender(OutboundPolicy(allow_private=True), timeout_seconds=5),
        queue=queue,
        clock=SystemClock(),
        policy=RetryPolicy(**policy),
    )


def attempt_when_due(deliverer: WebhookDeliveries, delivery_id: UUID, full: bool = False) -> Any:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        attempted = deliverer.attempt(delivery_id)
        if attempted.outcome != Outcome.NOTHING_TO_DO:
            return attempted if full else attempted.outcome
        time.sleep(0.01)
    raise AssertionError("the delivery never came due")


class TestFailingReceiver:
    def test_retries_with_growing_delays_recording_each_attempt_then_gives_up(
        self, client: TestClient, owner: Account, http_runtime: Runtime
    ) -> None:
        queue = RecordedQueue()
        deliverer = a_deliverer(
            http_runtime, queue, max_attempts=3, first_delay=timedelta(milliseconds=100)
        )
        with receiver(mode="fail") as hooks:
            created = a_webhook(client, owner, hooks.url)
            hooks.secrets.append(created["secret"])
            delivery_id = deliverer.send_test(UUID(created["webhook"]["id"]), owner.id)
            outcomes = [attempt_when_due(deliverer, delivery_id) for _ in range(3)]
        assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.FAILED]
        assert deliverer.attempt(delivery_id).outcome == Outcome.NOTHING_TO_DO
        logged = http_runtime.delivery_log.delivery(UUID(created["webhook"]["id"]), delivery_id)
        assert logged is not None
        assert (logged.status, logged.attempt_count, logged.next_attempt_at) == ("failed", 3, None)
        assert [(a.number, a.status, a.status_code) for a in logged.attempts] == [
            (1, "failed", 500),
            (2, "failed", 500),
            (3, "failed", 500),
        ]
        assert logged.attempts[0].response_excerpt == "the receiver is down"
        # Every retry was asked for at a time, each wait about twice the one before.
        retries = [at for _, at in queue.queued if at is not None]
        assert len(retries) == 2
        gaps = [
            (at - a.started_at).total_seconds()
            for at, a in zip(retries, logged.attempts, strict=False)
        ]
        assert 0.09 <= gaps[0] < 0.5 and 0.19 <= gaps[1] < 0.7
        assert len(hooks.requests) == 3 and all(r.signed for r in hooks.requests)

    def test_disables_a_webhook_after_failures_in_a_row_and_cancels_what_is_left(
        self,
        client: TestClient,
        owner: Account,
        http_runtime: Runtime,
        project_webhooks: Callable[[], None],
        redis_broker: dramatiq.Broker,
        catch_up: Callable[[], None],
    ) -> None:
        queue = RecordedQueue()
        deliverer = a_deliverer(
            http_runtime,
            queue,
            max_attempts=1,
            first_delay=timedelta(milliseconds=10),
            disable_after_failures=3,
        )
        with receiver(mode="fail") as hooks:
            created = a_webhook(client, owner, hooks.url, ["spec.parsed"])
            hooks.secrets.append(created["secret"])
            webhook_id = UUID(created["webhook"]["id"])
            project_webhooks()
            ids = [
                deliverer.fan_out(
                    source_id=uuid4(),
                    project_id=UUID(created["webhook"]["project_id"]),
                    event="spec.parsed",
                    occurred_at=datetime.now().astimezone(),
                    data={"n": n},
                )[0]
                for n in range(4)
            ]
            attempted = [attempt_when_due(deliverer, i, full=True) for i in ids]
        outcomes = [a.outcome for a in attempted]
        assert outcomes == [Outcome.FAILED, Outcome.FAILED, Outcome.FAILED, Outcome.CANCELLED]
        assert [a.disabled for a in attempted] == [None, None, webhook_id, None]
        assert len(hooks.requests) == 3
        project_webhooks()
        read = client.get(f"/webhooks/{webhook_id}", headers=owner.auth).json()
        assert read["status"] == "Disabled"
        assert read["disabled_reason"] == "disabled after 3 failed delivery attempts in a row"
        cancelled = http_runtime.delivery_log.delivery(webhook_id, ids[3])
        assert cancelled is not None and cancelled.status == "cancelled"
        # The owner is told, once per disabling, in the language of their preferences.
        from interfaces.workers.actors.webhooks import tell_owner_disabled
        from interfaces.workers.context import set_runtime

        catch_up()
        set_runtime(http_runtime)
        try:
            tell_owner_disabled(webhook_id, ids[2])
            tell_owner_disabled(webhook_id, ids[2])
        finally:
            set_runtime(None)
        with http_runtime.pool.connection() as conn:
            (notice,) = conn.execute(
                "SELECT * FROM notif.email_messages WHERE tos = %s", (owner.email,)
            ).fetchall()
        assert notice["subject"] == f"[Testament] Webhook to {hooks.url} disabled"
        assert "3 failed delivery attempts in a row" in notice["body"]
        # A disabled webhook wants nothing more.
        assert (
            http_runtime.webhooks.subscribed(UUID(created["webhook"]["project_id"]), "spec.parsed")
            == []
        )


class TestOutboundPolicy:
    def test_private_targets_are_refused_when_the_deployment_does_not_allow_them(self) -> None:
        with pytest.raises(TargetRefusedError) as refused:
            OutboundTargetPolicy(OutboundPolicy(allow_private=False)).check("http://127.0.0.1:9/h")
        assert refused.value.message.startswith("url: ")
        assert "loopback or private" in refused.value.message

    def test_the_sender_checks_again_at_delivery_time(self) -> None:
        with receiver() as hooks:
            sender = HttpWebhookSender(OutboundPolicy(allow_private=False))
            sent = sender.send(
                url=hooks.url, body=b"{}", delivery_id=uuid4(), event="webhook.test", secrets=["s"]
            )
        assert sent.status_code is None and "refused by the outbound policy" in sent.error
        assert hooks.requests == []
