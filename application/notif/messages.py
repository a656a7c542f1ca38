"""E-mail and SMS notifications: rows first (notif.email_messages, notif.sms_messages),
then sent by a worker, with attempts counted, exponential backoff, a deadline after which
a message is expired, and a log of every attempt in the row.

A worker claims a message by moving its next attempt past a lease: one killed while
sending leaves it due again when the lease ends. At least once: an SMTP server that had
stored the message before the killed worker heard its answer gets a copy, with the same
Message-ID (from the row id alone), so a mail system can recognise it.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol
from uuid import UUID


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


@dataclass(frozen=True, kw_only=True)
class NewMessage:
    """A message to queue; `fields` are the channel's columns (e-mail: sender, tos, ccs,
    bccs, subject, body; SMS: phone_number, message)."""

    id: UUID
    channel: Channel
    fields: dict[str, Any]
    attachments: list[tuple[UUID, str]] = field(default_factory=list)  # (file entry, name)


@dataclass(frozen=True, kw_only=True)
class ClaimedMessage:
    id: UUID
    channel: Channel
    fields: dict[str, Any]
    attempt: int
    max_attempts: int
    # An e-mail's attachments: (file entry in the storage context, the name it is sent as).
    attachments: list[tuple[UUID, str]] = field(default_factory=list)


class SendRefusedError(Exception):
    """A provider that did not take a message; `permanent` when trying again cannot help
    (an SMTP 5xx, an invalid number)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class MessageSender(Protocol):
    """Hands one message to its provider; raises SendRefusedError, returns a log line."""

    def send(self, message: ClaimedMessage) -> str: ...


class MessageStore(Protocol):
    def add(
        self, message: NewMessage, *, max_attempts: int, now: datetime, expires_at: datetime
    ) -> None: ...

    def claim(
        self, channel: Channel, message_id: UUID, *, now: datetime, lease: timedelta
    ) -> ClaimedMessage | None: ...

    def sent(self, channel: Channel, message_id: UUID, *, now: datetime, log: str) -> None: ...

    def failed(
        self,
        channel: Channel,
        message_id: UUID,
        *,
        now: datetime,
        retry_at: datetime | None,
        log: str,
    ) -> None: ...

    def due(self, channel: Channel, *, now: datetime, limit: int) -> list[UUID]: ...

    def archive(self, channel: Channel, *, older_than: datetime) -> int: ...


class MessageQueue(Protocol):
    def enqueue(self, channel: Channel, message_id: UUID, at: datetime | None = None) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True, kw_only=True)
class MessagePolicy:
    max_attempts: int = 5
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    lifetime: timedelta = timedelta(hours=24)
    lease: timedelta = timedelta(seconds=60)

    def delay_after(self, attempt: int) -> timedelta:
        delay: timedelta = self.first_delay * (2 ** (attempt - 1))
        return min(delay, self.max_delay)


class Sent(StrEnum):
    NOTHING_TO_DO = "nothing_to_do"
    SENT = "sent"
    RETRY = "retry"
    EXPIRED = "expired"


class Notifications:
    """Queues messages and makes each attempt."""

    def __init__(
        self,
        *,
        store: MessageStore,
        senders: dict[Channel, MessageSender],
        queue: MessageQueue,
        clock: Clock,
        policy: MessagePolicy,
    ) -> None:
        self._store, self._senders, self._queue = store, senders, queue
        self._clock, self.policy = clock, policy

    def queue(self, message: NewMessage) -> UUID:
        """This function will write a message's row (once per id) and ask a worker to send it."""
        now = self._clock.now()
        self._store.add(
            message,
            max_attempts=self.policy.max_attempts,
            now=now,
            expires_at=now + self.policy.lifetime,
        )
        self._queue.enqueue(message.channel, message.id)
        return message.id

    def attempt(self, channel: Channel, message_id: UUID) -> Sent:
        """This function will make one attempt at a due message, and record it in its log."""
        now = self._clock.now()
        claimed = self._store.claim(channel, message_id, now=now, lease=self.policy.lease)
        if claimed is None:
            return Sent.NOTHING_TO_DO
        try:
            line = self._senders[channel].send(claimed)
        except SendRefusedError as error:
            finished = self._clock.now()
            retry_at = None
            if not error.permanent and claimed.attempt < claimed.max_attempts:
                retry_at = finished + self.policy.delay_after(claimed.attempt)
            outcome = "retry at " + retry_at.isoformat() if retry_at else "expired"
            self._store.failed(
                channel,
                message_id,
                now=finished,
                retry_at=retry_at,
                log=f"{finished.isoformat()} attempt {claimed.attempt} failed: {error}; {outcome}",
            )
            if retry_at is None:
                return Sent.EXPIRED
            self._queue.enqueue(channel, message_id, retry_at)
            return Sent.RETRY
        finished = self._clock.now()
        self._store.sent(
            channel,
            message_id,
            now=finished,
            log=f"{finished.isoformat()} attempt {claimed.attempt} sent: {line}",
        )
        return Sent.SENT

    def sweep(self, limit: int = 500) -> int:
        """This function will queue every due message (lost messages, dead workers)."""
        now, count = self._clock.now(), 0
        for channel in Channel:
            for message_id in self._store.due(channel, now=now, limit=limit):
                self._queue.enqueue(channel, message_id)
                count += 1
        return count

    def archive(self, older_than: timedelta) -> int:
        """This function will move sent and expired messages older than a delay to the
        archive tables."""
        cutoff = self._clock.now() - older_than
        return sum(self._store.archive(channel, older_than=cutoff) for channel in Channel)
