"""Actors of the audit trail: the periodic signed digest of the hash chain."""

import dramatiq

from interfaces.workers.context import get_runtime
from interfaces.workers.queued import taken


@dramatiq.actor(actor_name="audit.take_digest", queue_name="audit", max_retries=3)
def take_audit_digest() -> None:
    """Sign a digest of every log's head when the last one is older than the period."""
    runtime = get_runtime()
    taken(runtime.redis, runtime.settings.queue_namespace, "take_audit_digest")
    runtime.audit_digests.take_if_due()
