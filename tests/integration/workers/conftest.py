"""One Dramatiq broker on the real Redis for the whole session, in a namespace of its own.

`configure_broker` installs a process-global broker once and binds the actors to it, so
every test of the session shares this one; its keys are flushed when the session ends.
"""

from collections.abc import Iterator
from uuid import uuid4

import dramatiq
import pytest
import redis
from dramatiq.brokers.redis import RedisBroker

from interfaces.bootstrap import Runtime, Servers
from interfaces.workers.broker import configure_broker
from interfaces.workers.context import set_runtime


@pytest.fixture(scope="session")
def broker(servers: Servers) -> Iterator[RedisBroker]:
    configured = configure_broker(servers.redis_url, namespace=f"testament-test-{uuid4().hex[:10]}")
    if not isinstance(configured, RedisBroker):
        pytest.fail(f"another test installed a {type(configured).__name__} before the Redis one")
    from interfaces.workers.actors.outbox import publish_outbox

    if publish_outbox.broker is not configured:
        pytest.fail("the outbox actors were imported before configure_broker and bound elsewhere")
    try:
        yield configured
    finally:
        configured.flush_all()
        client = redis.Redis.from_url(servers.redis_url)
        try:
            keys = list(client.scan_iter(match=f"{configured.namespace}*", count=500))
            if keys:
                client.delete(*keys)
        finally:
            client.close()


@pytest.fixture
def worker(broker: RedisBroker, runtime: Runtime) -> Iterator[dramatiq.Worker]:
    """A worker in this process on the outbox queues, using the session's runtime."""
    set_runtime(runtime)
    started = dramatiq.Worker(
        broker, queues={"outbox", "integration"}, worker_threads=2, worker_timeout=100
    )
    started.start()
    try:
        yield started
    finally:
        started.stop(timeout=10_000)
        set_runtime(None)
        broker.flush_all()
