"""Actors of the outbox: publish, archive, and dispatch published events to their handlers."""

from datetime import timedelta
from typing import Any

import dramatiq

from infrastructure.messaging.outbox import DISPATCH_ACTOR, DISPATCH_QUEUE, OutboxPublisher
from interfaces.workers.context import get_runtime
from interfaces.workers.handlers import HANDLERS
from interfaces.workers.queued import taken

OUTBOX_SCHEMAS = ("apidoc", "testexec", "testreport")


def publisher(schema: str) -> OutboxPublisher:
    runtime = get_runtime()
    return OutboxPublisher(runtime.pool, dramatiq.get_broker(), schema)


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
    outbox = publisher(schema)
    while outbox.publish_pending() > 0:
        pass


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
    """Hand a published event to each subscribed handler once, deduplicated by message id."""
    runtime = get_runtime()
    for name, handler in HANDLERS.get(event_type, []):
        request_type = f"outbox:{name}"
        if runtime.idempotency.seen(request_type, message_id):
            continue
        handler({"message_id": message_id, "event_type": event_type, **event})
        runtime.idempotency.record(request_type, message_id)
