"""Webhook deliveries: how many per second reach a local receiver, and how long from the
event to its delivery (p50/p99), against the baseline of a signed POST made directly from
this process to the same receiver (the floor: one loopback HTTP exchange).

Starts a real deployment in servers mode (migrate, projector, worker, serve) on a throwaway
database. Two kinds of delivery are measured:

- event to delivery: a specification is uploaded, the worker parses it, and the `Parsed`
  event travels the whole way (projection into the apidoc outbox, the outbox publisher,
  the dispatcher, the fan-out, the delivery actor) to the receiver. The latency is from the
  event's own timestamp (the `created_at` of the payload) to the receiver's clock.
- throughput: `POST /webhooks/{id}/test` as fast as one client sends, until every one is
  received: deliveries per second, and the latency of each from its request.

Prints the figures, the ratio to the baseline, and:

  TARGET webhook_delivery_p50_ms measured=<ms> goal=200 met=<yes|no>

Servers: TESTAMENT_DATABASE_URL and TESTAMENT_REDIS_URL, or the embedded ones. Run it as:

  .venv/bin/python bench/webhooks.py --specs 30 --tests 300
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.commands import throwaway_servers  # noqa: E402
from infrastructure.webhooks.signing import signature_header  # noqa: E402
from tests.support.deployment import Deployment, deployment_env  # noqa: E402
from tests.support.target_api import free_port  # noqa: E402
from tests.support.webhook_receiver import Receiver, receiver  # noqa: E402

SECRET_KEY = "webhooks-bench-secret-key-0123456789abcdef"
PASSWORD = "correct horse battery staple"
PETSTORE = ROOT / "tests" / "fixtures" / "specs" / "petstore-3.0.yaml"
GOAL_P50_MS = 200


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _client(base_url: str) -> httpx.Client:
    email = f"hooks-{uuid.uuid4().hex[:8]}@example.com"
    http = httpx.Client(base_url=base_url, timeout=60)
    http.post("/auth/register", json={"email": email, "password": PASSWORD}).raise_for_status()
    logged_in = http.post("/auth/login", json={"email": email, "password": PASSWORD})
    logged_in.raise_for_status()
    http.headers["Authorization"] = f"Bearer {logged_in.json()['access_token']}"
    return http


def _webhook(http: httpx.Client, hooks: Receiver, events: list[str]) -> tuple[str, str]:
    project = http.post("/projects", json={"name": f"hooks {uuid.uuid4().hex[:6]}"})
    project.raise_for_status()
    project_id: str = project.json()["id"]
    created = http.post(
        f"/projects/{project_id}/webhooks", json={"url": hooks.url, "events": events}
    )
    created.raise_for_status()
    hooks.secrets.append(created.json()["secret"])
    return project_id, created.json()["webhook"]["id"]


def _wait(hooks: Receiver, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(hooks.handled) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(hooks.handled)} of {count} deliveries arrived")
        time.sleep(0.005)


def event_to_delivery(http: httpx.Client, hooks: Receiver, specs: int) -> list[float]:
    """This function will upload specifications one after another and give, for each Parsed
    event, the milliseconds from the event to its delivery."""
    project_id, _ = _webhook(http, hooks, ["spec.parsed"])
    for n in range(specs):
        http.post(
            f"/projects/{project_id}/specs",
            files={"file": (f"petstore-{n}.yaml", PETSTORE.read_bytes(), "application/yaml")},
        ).raise_for_status()
        _wait(hooks, n + 1, 60)
    parsed = [r for r in hooks.requests if r.event == "spec.parsed"]
    from datetime import datetime

    return [
        (r.at - datetime.fromisoformat(r.body["created_at"]).timestamp()) * 1000 for r in parsed
    ]


def test_events(http: httpx.Client, hooks: Receiver, count: int) -> tuple[float, list[float]]:
    """This function will send test events as fast as one client can and give the
    deliveries per second and each one's milliseconds from its request."""
    _, webhook_id = _webhook(http, hooks, ["spec.parsed"])
    before = len(hooks.handled)
    sent_at: dict[str, float] = {}
    started = time.time()
    for _ in range(count):
        asked = time.time()
        response = http.post(f"/webhooks/{webhook_id}/test")
        response.raise_for_status()
        sent_at[response.json()["delivery_id"]] = asked
    _wait(hooks, before + count, 120)
    received = {r.delivery_id: r.at for r in hooks.requests if r.delivery_id in sent_at}
    finished = max(received.values())
    latencies = [(received[d] - at) * 1000 for d, at in sent_at.items()]
    return count / (finished - started), latencies


def direct_baseline(hooks: Receiver, count: int) -> list[float]:
    """This function will time signed POSTs from this process straight to the receiver."""
    timings = []
    with httpx.Client(timeout=10) as client:
        for n in range(count):
            body = f'{{"id":"direct-{n}","type":"webhook.test"}}'.encode()
            timestamp = int(time.time())
            started = time.perf_counter()
            client.post(
                hooks.url,
                content=body,
                headers={
                    "Content-Type": "application/json",
                    "Testament-Webhook-Id": f"direct-{n}",
                    "Testament-Webhook-Timestamp": str(timestamp),
                    "Testament-Webhook-Signature": signature_header(
                        hooks.secrets[:1], timestamp, body
                    ),
                },
            ).raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=30)
    parser.add_argument("--tests", type=int, default=300)
    args = parser.parse_args()
    print("load average at start: " + " ".join(f"{v:.2f}" for v in os.getloadavg()), flush=True)
    with tempfile.TemporaryDirectory() as tmp, throwaway_servers(Path(tmp)) as servers:
        port = free_port()
        env = deployment_env(
            database_url=servers.database_url,
            redis_url=servers.redis_url,
            secret_key=SECRET_KEY,
            data_dir=Path(tmp) / "data",
            port=port,
            TESTAMENT_QUEUE_NAMESPACE=f"testament-hooks-{uuid.uuid4().hex[:8]}",
            TESTAMENT_REGISTRATION="open",
            TESTAMENT_ALLOW_PRIVATE_TARGETS="true",
        )
        deployment = Deployment(base_url=f"http://127.0.0.1:{port}", env=env, logs=Path(tmp))
        migrated = deployment.cli("migrate")
        if migrated.returncode != 0:
            print(migrated.stderr)
            return 2
        deployment.start("projector", "projector")
        deployment.start("worker", "worker", "--threads", "4")
        deployment.start("serve", "serve")
        try:
            deployment.wait_healthy()
            http = _client(deployment.base_url)
            with receiver() as hooks:
                event_ms = event_to_delivery(http, hooks, args.specs)
                rate, test_ms = test_events(http, hooks, args.tests)
                direct_ms = direct_baseline(hooks, 200)
            http.close()
        finally:
            deployment.stop()
    p50, p99 = percentile(event_ms, 0.5), percentile(event_ms, 0.99)
    direct_p50 = statistics.median(direct_ms)
    print(
        f"event to delivery ({len(event_ms)} specifications parsed): p50 {p50:.0f} ms, p99 {p99:.0f} ms"
    )
    print(
        f"test events ({args.tests}): {rate:.0f} deliveries/s, request to delivery"
        f" p50 {percentile(test_ms, 0.5):.0f} ms, p99 {percentile(test_ms, 0.99):.0f} ms"
    )
    print(f"baseline, a signed POST straight to the receiver: p50 {direct_p50:.1f} ms")
    print(f"ratio event-to-delivery p50 / baseline p50: {p50 / direct_p50:.0f}x")
    met = "yes" if p50 <= GOAL_P50_MS else "no"
    print(f"TARGET webhook_delivery_p50_ms measured={p50:.0f} goal={GOAL_P50_MS} met={met}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
