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
    "interfaces.workers.actors.webhooks",
    "interfaces.workers.actors.notifications",
    "interfaces.workers.actors.subscriptions",
    "interfaces.workers.actors.llm",
    "interfaces.workers.actors.reports",
    "interfaces.workers.actors.audit",
)

# How long an idle consumer sleeps between two looks at its queue, at most. Dramatiq's
# default (1 s, reached after a few empty looks) was most of a run's dispatch time: a run
# queued on an idle worker waited 0.5 to 1 s to be seen. At 50 ms (it sleeps 25 to 50 ms
# once idle) a worker looks about 27 times a second per queue and per delay queue: some
# 200 small Redis calls a second for the four queues, about 2% of one core.
WORKER_POLL_MS = 50

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
    broker: dramatiq.Broker,
    *,
    threads: int,
    queues: set[str] | None = None,
    poll_ms: int = WORKER_POLL_MS,
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
    return dramatiq.Worker(broker, queues=queues, worker_threads=threads, worker_timeout=poll_ms)
