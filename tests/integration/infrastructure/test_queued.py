"""Periodic messages: at most one of a kind waits in the queue, per deployment."""

import uuid
from typing import Any

import redis

from interfaces.workers.queued import send_unless_queued, taken


class Recorder:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, **kwargs: Any) -> None:
        self.sent.append(kwargs)


class TestSendUnlessQueued:
    def test_sends_again_only_after_the_actor_took_the_message(self, servers: Any) -> None:
        client = redis.Redis.from_url(servers.redis_url)
        namespace = f"ns-{uuid.uuid4().hex[:8]}"
        kind, actor = f"test:{uuid.uuid4().hex}", Recorder()
        try:
            assert send_unless_queued(client, namespace, kind, actor, 60, schema="apidoc")
            assert not send_unless_queued(client, namespace, kind, actor, 60, schema="apidoc")
            taken(client, namespace, kind)
            assert send_unless_queued(client, namespace, kind, actor, 60, schema="apidoc")
            assert actor.sent == [{"schema": "apidoc"}, {"schema": "apidoc"}]
        finally:
            taken(client, namespace, kind)
            client.close()

    def test_two_deployments_sharing_a_redis_do_not_hold_back_each_other(
        self, servers: Any
    ) -> None:
        client = redis.Redis.from_url(servers.redis_url)
        first, second = f"one-{uuid.uuid4().hex[:8]}", f"two-{uuid.uuid4().hex[:8]}"
        ours, theirs = Recorder(), Recorder()
        try:
            # The other deployment's message waits (no worker of its own took it yet) ...
            assert send_unless_queued(client, first, "resume_stalled_runs", theirs, 60)
            # ... and ours is sent all the same, and taking ours leaves theirs waiting.
            assert send_unless_queued(client, second, "resume_stalled_runs", ours, 60)
            taken(client, second, "resume_stalled_runs")
            assert not send_unless_queued(client, first, "resume_stalled_runs", theirs, 60)
            assert len(ours.sent) == 1 and len(theirs.sent) == 1
            markers = {key.decode() for key in client.scan_iter(match="*resume_stalled_runs")}
            assert f"{first}:queued:resume_stalled_runs" in markers
        finally:
            taken(client, first, "resume_stalled_runs")
            taken(client, second, "resume_stalled_runs")
            client.close()
