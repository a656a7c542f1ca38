"""The notif context's ports on the outbound policy and on Dramatiq."""

import logging
import socket
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import dramatiq
from dramatiq import Message

from application.notif.ports import TargetRefusedError
from infrastructure.http.outbound import OutboundPolicy, OutboundRefusedError

log = logging.getLogger(__name__)

DELIVER_ACTOR = "notif.deliver_webhook"
DELIVER_QUEUE = "webhooks"


class OutboundTargetPolicy:
    """A webhook URL must be one the outbound policy lets Testament post to.

    A name that does not resolve yet is accepted (a receiver's DNS may come later): every
    attempt resolves and checks again, and records a refusal as that attempt's error."""

    def __init__(self, policy: OutboundPolicy) -> None:
        self._policy = policy

    def check(self, url: str) -> None:
        host = urlsplit(url).hostname or ""
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
        except (socket.gaierror, UnicodeError):
            return
        try:
            for address in addresses:
                self._policy.check_address(str(address))
        except OutboundRefusedError as error:
            raise TargetRefusedError(f"url: {error}") from None


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


SEND_MESSAGE_ACTOR = "notif.send_message"
MESSAGES_QUEUE = "notifications"


class DramatiqMessageQueue:
    """Sends `notif.send_message` messages by name, like DramatiqDeliveryQueue."""

    def enqueue(self, channel: str, message_id: UUID, at: datetime | None = None) -> None:
        delay = None
        if at is not None:
            delay = max(int((at - datetime.now(UTC)).total_seconds() * 1000), 0)
        message: Message[Any] = Message(
            queue_name=MESSAGES_QUEUE,
            actor_name=SEND_MESSAGE_ACTOR,
            args=(),
            kwargs={"channel": str(channel), "message_id": str(message_id)},
            options={},
        )
        try:
            dramatiq.get_broker().enqueue(message, delay=delay)
        except Exception:
            log.exception("could not queue notification %s; the sweep will", message_id)
