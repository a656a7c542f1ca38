"""The Dramatiq broker, set before any actor module is imported (the one import-time exception)."""

import importlib

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

ACTOR_MODULES = (
    "interfaces.workers.actors.outbox",
    "interfaces.workers.actors.specifications",
    "interfaces.workers.actors.runs",
)

_broker: dramatiq.Broker | None = None


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
        dramatiq.set_broker(_broker)
        for module in ACTOR_MODULES:
            importlib.import_module(module)
    return _broker
