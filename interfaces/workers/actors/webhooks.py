"""Actors of outbound webhooks: fan published events out, attempt deliveries, sweep."""

from typing import Any
from uuid import UUID

import dramatiq

from infrastructure.contexts.webhook_sources import SOURCES, webhook_sources
from infrastructure.webhooks.adapters import DELIVER_ACTOR, DELIVER_QUEUE
from interfaces.workers.context import get_runtime
from interfaces.workers.handlers import subscribe
from interfaces.workers.queued import taken


@dramatiq.actor(
    actor_name=DELIVER_ACTOR, queue_name=DELIVER_QUEUE, max_retries=3, time_limit=120_000
)
def deliver_webhook(*, delivery_id: str) -> None:
    """Make one attempt at a delivery; its retries are scheduled from its row, not here."""
    get_runtime().webhook_deliveries.attempt(UUID(delivery_id))


@dramatiq.actor(actor_name="notif.sweep_webhooks", queue_name=DELIVER_QUEUE, max_retries=0)
def sweep_webhooks() -> None:
    """Queue deliveries that are due and not held (a lost message, a worker that died)."""
    runtime = get_runtime()
    taken(runtime.redis, runtime.settings.queue_namespace, "sweep_webhooks")
    runtime.webhook_deliveries.sweep()


def fan_out(event: dict[str, Any]) -> None:
    """Make the deliveries of a published event (idempotent: ids derive from the message)."""
    runtime = get_runtime()
    for source in webhook_sources(
        runtime.applications(), event["event_type"], UUID(event["object_id"]), event["version"]
    ):
        runtime.webhook_deliveries.fan_out(
            source_id=_source_id(event["message_id"], source.event),
            project_id=source.project_id,
            event=source.event,
            occurred_at=source.occurred_at,
            data=source.data,
        )


def _source_id(message_id: str, event: str) -> UUID:
    from uuid import uuid5

    # One published event can mean two webhook events (a run that completed with failures).
    return uuid5(UUID(message_id), event)


for _event_type in SOURCES:
    subscribe(_event_type, "notif.webhook_fan_out", fan_out)
