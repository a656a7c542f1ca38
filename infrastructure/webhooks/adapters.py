"""The notif context's ports on the outbound policy and on Dramatiq."""

import logging
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import dramatiq
from dramatiq import Message

from domain.shared.errors import InvalidValueError
from infrastructure.http.outbound import OutboundPolicy, OutboundRefusedError

log = logging.getLogger(__name__)

DELIVER_ACTOR = "notif.deliver_webhook"
DELIVER_QUEUE = "webhooks"


class OutboundTargetPolicy:
    """A webhook URL must be one the outbound policy lets Testament post to."""

    def __init__(self, policy: OutboundPolicy) -> None:
        self._policy = policy

    def check(self, url: str) -> None:
        try:
            self._policy.check_url(url)
        except OutboundRefusedError as error:
            raise InvalidValueError("url", str(error)) from None


class DramatiqDeliveryQueue:
    """Sends `notif.deliver_webhook` messages by name, on the broker current when sending
    (the composition root is built before the broker is configured)."""

    def enqueue(self, delivery_id: UUID, at: datetime | None = None) -> None:
        delay = None
        if at is not None:
            delay = max(int((at - datetime.now(UTC)).total_seconds() * 1000), 0)
        message: Message[Any] = Message(
            queue_name=DELIVER_QUEUE,
            actor_name=DELIVER_ACTOR,
            args=(),
            kwargs={"delivery_id": str(delivery_id)},
            options={},
        )
        try:
            dramatiq.get_broker().enqueue(message, delay=delay)
        except Exception:
            # The delivery row is written already: the sweep sends it in a few seconds.
            log.exception("could not queue webhook delivery %s; the sweep will", delivery_id)
