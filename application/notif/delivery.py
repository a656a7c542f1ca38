"""Webhook deliveries: rows first, then attempts with backoff, each recorded.

A delivery is a row before anything is sent. A worker claims it with a lease (so a worker
killed mid-send loses nothing: the lease ends and a sweep sends it again, under the same
delivery id the receiver de-duplicates by), posts it, and records the attempt.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol
from uuid import UUID, uuid4, uuid5

from application.notif.app import NotifApplication
from application.notif.payloads import TEST_EVENT, envelope
from application.notif.ports import Clock, SentRequest, WebhookSender
from application.notif.queries import WebhookReader
from domain.webhooks.model import WebhookStatus


@dataclass(frozen=True, kw_only=True)
class NewDelivery:
    id: UUID
    webhook_id: UUID
    project_id: UUID
    event: str
    body: str
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class ClaimedDelivery:
    """A delivery a worker holds the lease of, for one attempt."""

    id: UUID
    webhook_id: UUID
    event: str
    body: str
    attempt: int  # the attempt this is, of max_attempts (interrupted ones do not count)
    max_attempts: int
    row_number: int  # its row among the delivery's recorded attempts, interrupted included


class DeliveryStore(Protocol):
    """notif.webhook_deliveries and their attempts."""

    def add(self, deliveries: list[NewDelivery], *, max_attempts: int) -> None:
        """Insert, ignoring an id already there (a fan-out done twice)."""
        ...

    def claim(
        self, delivery_id: UUID, *, now: datetime, lease: timedelta
    ) -> ClaimedDelivery | None:
        """Take a pending, due, unleased delivery, counting and opening one attempt; None when
        there is nothing to do. An attempt left open by a worker that died is closed as
        interrupted."""
        ...

    def finish(
        self,
        claimed: ClaimedDelivery,
        sent: SentRequest,
        *,
        now: datetime,
        retry_at: datetime | None,
    ) -> int:
        """Record the attempt and the delivery's new state (succeeded, pending until retry_at,
        or failed); return the webhook's failed attempts in a row."""
        ...

    def reset_failures(self, webhook_id: UUID) -> None:
        """Count the webhook's failures in a row from zero (it was just disabled for them)."""
        ...

    def cancel(self, delivery_id: UUID, *, now: datetime, reason: str) -> None: ...

    def due(self, *, now: datetime, limit: int) -> list[UUID]: ...


class DeliveryQueue(Protocol):
    """Asks a worker to attempt a delivery now, or at a time."""

    def enqueue(self, delivery_id: UUID, at: datetime | None = None) -> None: ...


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How often, how late, and when to give up on a webhook."""

    max_attempts: int = 8
    first_delay: timedelta = timedelta(seconds=10)
    max_delay: timedelta = timedelta(hours=1)
    lease: timedelta = timedelta(seconds=30)
    disable_after_failures: int = 20

    def delay_after(self, attempt: int) -> timedelta:
        """This function will give the wait after a failed attempt: doubling, capped."""
        delay: timedelta = self.first_delay * (2 ** (attempt - 1))
        return min(delay, self.max_delay)


class Outcome(StrEnum):
    NOTHING_TO_DO = "nothing_to_do"
    SUCCEEDED = "succeeded"
    RETRY = "retry"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, kw_only=True)
class Attempted:
    outcome: Outcome
    retry_at: datetime | None = None
    # The webhook this attempt disabled (its failures in a row reached the limit), whose
    # owner is to be told.
    disabled: UUID | None = None


class WebhookDeliveries:
    """Fans events out to subscriptions and makes delivery attempts."""

    def __init__(
        self,
        notif: NotifApplication,
        *,
        reader: WebhookReader,
        store: DeliveryStore,
        sender: WebhookSender,
        queue: DeliveryQueue,
        clock: Clock,
        policy: RetryPolicy,
        live: Callable[[RetryPolicy], RetryPolicy] | None = None,
    ) -> None:
        self._notif, self._reader, self._store = notif, reader, store
        self._sender, self._queue, self._clock, self._policy = sender, queue, clock, policy
        # The runtime settings an Admin may change (config context), applied at each use.
        self._live = live

    @property
    def policy(self) -> RetryPolicy:
        """The retry policy in force now: the deployment's, with an Admin's changes."""
        return self._live(self._policy) if self._live is not None else self._policy

    def fan_out(
        self,
        *,
        source_id: UUID,
        project_id: UUID,
        event: str,
        occurred_at: datetime,
        data: dict[str, Any],
    ) -> list[UUID]:
        """This function will make one delivery per subscription that wants the event and
        queue them. The delivery id derives from the source event and the webhook, so doing
        this twice for one event (an outbox message delivered again) makes nothing new."""
        deliveries = []
        for webhook_id in self._reader.subscribed(project_id, event):
            delivery_id = uuid5(source_id, str(webhook_id))
            deliveries.append(
                NewDelivery(
                    id=delivery_id,
                    webhook_id=webhook_id,
                    project_id=project_id,
                    event=event,
                    body=envelope(
                        delivery_id=delivery_id,
                        event=event,
                        project_id=project_id,
                        occurred_at=occurred_at,
                        data=data,
                    ),
                    created_at=self._clock.now(),
                )
            )
        return self._add_and_queue(deliveries)

    def send_test(self, webhook_id: UUID, requester_id: UUID) -> UUID:
        """This function will queue a `webhook.test` delivery to a subscription, enabled or
        not. Raises NotFoundError, WebhookDeletedError."""
        webhook = self._notif.owned_webhook(webhook_id, requester_id)
        webhook.require_not_deleted()
        delivery_id, now = uuid4(), self._clock.now()
        body = envelope(
            delivery_id=delivery_id,
            event=TEST_EVENT,
            project_id=webhook.project_id,
            occurred_at=now,
            data={"webhook_id": str(webhook.id), "message": "a test event from Testament"},
        )
        self._add_and_queue(
            [
                NewDelivery(
                    id=delivery_id,
                    webhook_id=webhook.id,
                    project_id=webhook.project_id,
                    event=TEST_EVENT,
                    body=body,
                    created_at=now,
                )
            ]
        )
        return delivery_id

    def _add_and_queue(self, deliveries: list[NewDelivery]) -> list[UUID]:
        # The rows are written first: a message lost after this is found by the sweep.
        self._store.add(deliveries, max_attempts=self.policy.max_attempts)
        for delivery in deliveries:
            self._queue.enqueue(delivery.id)
        return [delivery.id for delivery in deliveries]

    def attempt(self, delivery_id: UUID) -> Attempted:
        """This function will make one attempt at a delivery that is due, record it, and say
        what comes next. Safe to call twice: a delivery leased or done is left alone."""
        now = self._clock.now()
        claimed = self._store.claim(delivery_id, now=now, lease=self.policy.lease)
        if claimed is None:
            return Attempted(outcome=Outcome.NOTHING_TO_DO)
        webhook = self._notif.webhook(claimed.webhook_id)
        allowed = webhook is not None and (
            webhook.status == WebhookStatus.ACTIVE
            or (claimed.event == TEST_EVENT and webhook.status != WebhookStatus.DELETED)
        )
        if webhook is None or not allowed:
            status = webhook.status if webhook is not None else "gone"
            self._store.cancel(claimed.id, now=now, reason=f"the webhook is {status}")
            return Attempted(outcome=Outcome.CANCELLED)
        sent = self._sender.send(
            url=webhook.url,
            body=claimed.body.encode(),
            delivery_id=claimed.id,
            event=claimed.event,
            secrets=self._notif.signing_secrets(webhook, now),
        )
        finished = self._clock.now()
        retry_at = None
        if not sent.succeeded and claimed.attempt < claimed.max_attempts:
            retry_at = finished + self.policy.delay_after(claimed.attempt)
        in_a_row = self._store.finish(claimed, sent, now=finished, retry_at=retry_at)
        if sent.succeeded:
            return Attempted(outcome=Outcome.SUCCEEDED)
        disabled = None
        if in_a_row >= self.policy.disable_after_failures:
            # Counted afresh, so a webhook enabled again gets the same allowance.
            if self._notif.disable_for_failures(webhook.id, in_a_row):
                disabled = webhook.id
            self._store.reset_failures(webhook.id)
        if retry_at is not None:
            self._queue.enqueue(claimed.id, retry_at)
            return Attempted(outcome=Outcome.RETRY, retry_at=retry_at, disabled=disabled)
        return Attempted(outcome=Outcome.FAILED, disabled=disabled)

    def sweep(self, limit: int = 500) -> int:
        """This function will queue every delivery that is due and not held: retries whose
        message was lost, and deliveries whose worker died mid-attempt."""
        due = self._store.due(now=self._clock.now(), limit=limit)
        for delivery_id in due:
            self._queue.enqueue(delivery_id)
        return len(due)
