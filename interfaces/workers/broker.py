"""The Dramatiq broker, set before any actor module is imported (the one import-time exception)."""

import importlib

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from interfaces.workers.time_limits import make_time_limits_repeat

ACTOR_MODULES = (
    "interfaces.workers.actors.outbox",
    "interfaces.workers.actors.specifications",
    "interfaces.workers.actors.runs",
    "interfaces.workers.actors.audit",
)

_broker: dramatiq.Broker | None = None
_booted: set[int] = set()


def configure_broker(redis_url: str | None, namespace: str = "dramatiq") -> dramatiq.Broker:
    """This function will install the broker (a StubBroker when redis_url is None, for tests)
    and then import the actors so they bind to it. Calling it again returns the same broker.

    The namespace prefixes every Redis key of the broker, so test runs do not share queues.
    """
    global _broker
    if _broker is None:
        _broker = (
            StubBroker() if redis_url is None else RedisBroker(url=redis_url, namespace=namespace)  # type: ignore[no-untyped-call]
        )
        make_time_limits_repeat(_broker)
        dramatiq.set_broker(_broker)
        for module in ACTOR_MODULES:
            importlib.import_module(module)
    return _broker


def new_worker(
    broker: dramatiq.Broker, *, threads: int, queues: set[str] | None = None
) -> dramatiq.Worker:
    """This function will make a worker whose middleware has booted, so time limits fire.

    Dramatiq's own CLI emits `process_boot` before it starts workers; a worker made in-process
    must too: the TimeLimit middleware starts the thread that stops an actor past its
    `time_limit` only then. Without it no time limit ever fired, and a stuck parse stayed
    Processing for ever. Once per broker and process (the thread can start only once).
    """
    if id(broker) not in _booted:
        _booted.add(id(broker))
        broker.emit_after("process_boot")
    return dramatiq.Worker(broker, queues=queues, worker_threads=threads)
