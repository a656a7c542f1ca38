"""Periodic messages: at most one of a kind waits in the queue."""

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
        kind, actor = f"test:{uuid.uuid4().hex}", Recorder()
        try:
            assert send_unless_queued(client, kind, actor, 60, schema="apidoc")
            assert not send_unless_queued(client, kind, actor, 60, schema="apidoc")
            taken(client, kind)
            assert send_unless_queued(client, kind, actor, 60, schema="apidoc")
            assert actor.sent == [{"schema": "apidoc"}, {"schema": "apidoc"}]
        finally:
            taken(client, kind)
            client.close()
