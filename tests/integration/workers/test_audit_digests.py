"""The periodic digest: the maintenance ticker's message, taken by a worker, signs one."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import dramatiq
import pytest
from dramatiq.brokers.redis import RedisBroker

from infrastructure.audit.digests import Digest
from interfaces.bootstrap import Runtime
from interfaces.workers.context import set_runtime


@pytest.fixture
def audit_worker(broker: RedisBroker, runtime: Runtime) -> Iterator[dramatiq.Worker]:
    set_runtime(runtime)
    started = dramatiq.Worker(broker, queues={"audit"}, worker_threads=1, worker_timeout=100)
    started.start()
    try:
        yield started
    finally:
        started.stop(timeout=10_000)
        set_runtime(None)
        broker.flush_all()


def test_a_worker_takes_the_digest_when_none_is_recent(
    broker: RedisBroker, audit_worker: dramatiq.Worker, runtime: Runtime
) -> None:
    from interfaces.workers.actors.audit import take_audit_digest

    before = runtime.audit_digests.page(after=0, limit=None)
    take_audit_digest.send()
    broker.join("audit", timeout=20_000)
    after = runtime.audit_digests.page(after=0, limit=None)
    # One is signed unless the last is younger than the period (another test took one).
    assert _recent(after)
    assert len(after) == len(before) + (0 if _recent(before) else 1)


def _recent(digests: list[Digest]) -> bool:
    if not digests:
        return False
    last = datetime.fromisoformat(digests[-1].taken_at)
    return last > datetime.now(UTC) - timedelta(minutes=60)
