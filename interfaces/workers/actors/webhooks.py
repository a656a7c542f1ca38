"""Actors of outbound webhooks: fan published events out, attempt deliveries, sweep."""

from typing import Any
from uuid import UUID, uuid5

import dramatiq

from application.notif.messages import Channel, NewMessage
from application.notif.templates import render
from infrastructure.contexts.webhook_sources import webhook_sources
from infrastructure.webhooks.adapters import DELIVER_ACTOR, DELIVER_QUEUE
from interfaces.workers.context import get_runtime
from interfaces.workers.queued import taken


@dramatiq.actor(
    actor_name=DELIVER_ACTOR, queue_name=DELIVER_QUEUE, max_retries=3, time_limit=120_000
)
def deliver_webhook(*, delivery_id: str) -> None:
    """Make one attempt at a delivery; its retries are scheduled from its row, not here.
    When the attempt disabled its webhook, the owner is e-mailed."""
    runtime = get_runtime()
    attempted = runtime.webhook_deliveries.attempt(UUID(delivery_id))
    if attempted.disabled is not None:
        tell_owner_disabled(attempted.disabled, UUID(delivery_id))


def tell_owner_disabled(webhook_id: UUID, delivery_id: UUID) -> None:
    """E-mail a webhook's owner that it was disabled, in their language for the project."""
    runtime = get_runtime()
    webhook = runtime.notif.webhook(webhook_id)
    account = runtime.users.get(webhook.owner_id) if webhook is not None else None
    if webhook is None or account is None:
        return
    language = runtime.notif.preferences(webhook.owner_id, webhook.project_id).language
    values = {"url": webhook.url, "reason": webhook.disabled_reason, "webhook_id": webhook.id}
    subject, body = render("webhook_disabled", language, values, runtime.texts)
    runtime.notifications.queue(
        NewMessage(
            # One notice per disabling: the delivery that disabled it names it.
            id=uuid5(delivery_id, "webhook-disabled"),
            channel=Channel.EMAIL,
            fields={
                "from": runtime.live_settings.value("email_from"),
                "tos": account.email,
                "ccs": "",
                "bccs": "",
                "subject": subject,
                "body": body,
            },
        )
    )


@dramatiq.actor(actor_name="notif.sweep_webhooks", queue_name=DELIVER_QUEUE, max_retries=0)
def sweep_webhooks() -> None:
    """Queue deliveries that are due and not held (a lost message, a worker that died)."""
    runtime = get_runtime()
    taken(runtime.redis, runtime.settings.queue_namespace, "sweep_webhooks")
    runtime.webhook_deliveries.sweep()


@dramatiq.actor(actor_name="notif.webhook_fan_out", queue_name=DELIVER_QUEUE, max_retries=10)
def fan_out(**event: Any) -> None:
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
    # One published event can mean two webhook events (a run that completed with failures).
    return uuid5(UUID(message_id), event)
