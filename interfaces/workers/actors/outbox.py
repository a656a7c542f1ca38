"""Actors of the outbox: publish and archive; and, for messages queued before the outbox sent
events straight to their actors, the dispatcher they were sent to."""

from datetime import timedelta
from typing import Any

import dramatiq

from infrastructure.messaging.outbox import DISPATCH_ACTOR, DISPATCH_QUEUE, OutboxPublisher
from interfaces.workers.context import get_runtime
from interfaces.workers.queued import taken
from interfaces.workers.routes import outbox_consumers, outbox_routes

OUTBOX_SCHEMAS = ("apidoc", "testexec", "testgen", "storage", "sub", "llm", "testreport")


def publisher(schema: str) -> OutboxPublisher:
    runtime = get_runtime()
    return OutboxPublisher(
        runtime.pool,
        dramatiq.get_broker(),
        schema,
        outbox_routes(runtime.settings),
        outbox_consumers(runtime.settings),
    )


@dramatiq.actor(
    actor_name="outbox.publish_outbox", queue_name="outbox", max_retries=3, time_limit=60_000
)
def publish_outbox(*, schema: str) -> None:
    """Send a context's unpublished outbox rows; keep going while full batches come back."""
    if schema not in OUTBOX_SCHEMAS:
        raise ValueError(f"no outbox in schema {schema!r}")
    runtime = get_runtime()
    # A later tick may queue the next one.
    taken(runtime.redis, runtime.settings.queue_namespace, f"publish_outbox:{schema}")
    publisher(schema).publish_all()


@dramatiq.actor(
    actor_name="outbox.archive_outbox", queue_name="outbox", max_retries=3, time_limit=300_000
)
def archive_outbox(*, schema: str, older_than_seconds: int) -> None:
    """Move long-published rows to archived_outbox_messages."""
    if schema not in OUTBOX_SCHEMAS:
        raise ValueError(f"no outbox in schema {schema!r}")
    publisher(schema).archive(timedelta(seconds=older_than_seconds))


@dramatiq.actor(actor_name=DISPATCH_ACTOR, queue_name=DISPATCH_QUEUE, max_retries=10)
def dispatch_event(*, message_id: str, event_type: str, **event: Any) -> None:
    """Send an event published before the switch on to the actor its route names.

    Publishers no longer send here; a message already waiting under this name when a
    deployment upgrades must still start its run or its parse, so the actor stays. The
    message it sends keeps the event's id, like the publisher's: a copy is the same message,
    and the actors it reaches are idempotent (a run held or finished, a spec parsed)."""
    route = outbox_routes(get_runtime().settings).get(event_type)
    if route is not None:
        dramatiq.get_broker().enqueue(route.message(message_id, str(event["object_id"])))
    for consumer in outbox_consumers(get_runtime().settings).get(event_type, ()):
        old = {"message_id": message_id, "event_type": event_type, **event}
        dramatiq.get_broker().enqueue(consumer.message(old))
