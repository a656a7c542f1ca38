"""Actors of the sub context: record the end of paid plans that lapsed."""

from datetime import UTC, datetime

import dramatiq

from interfaces.workers.context import get_runtime
from interfaces.workers.queued import taken


@dramatiq.actor(
    actor_name="sub.expire_lapsed_subscriptions", queue_name="maintenance", max_retries=3
)
def expire_lapsed_subscriptions() -> None:
    """Record Expired (back to Free) for paid plans whose period ended unrenewed, or whose
    grace after a failed payment passed."""
    runtime = get_runtime()
    taken(runtime.redis, runtime.settings.queue_namespace, "expire_lapsed_subscriptions")
    today = datetime.now(UTC).date()
    runtime.sub.expire_lapsed(runtime.subscriptions.lapsing(today, 500))
