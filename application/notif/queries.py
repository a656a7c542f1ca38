"""The read side of the notif context: DTOs and the readers that return them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class WebhookSummary:
    """A webhook subscription as the read table holds it (never its secrets)."""

    id: UUID
    project_id: UUID
    owner_id: UUID
    url: str
    events: list[str]
    description: str
    status: str
    disabled_reason: str
    previous_secret_valid_until: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True)
class AttemptSummary:
    """One try at a delivery: what the receiver answered, and how fast."""

    number: int
    started_at: datetime
    status: str  # in_progress, succeeded, failed, interrupted
    status_code: int | None
    latency_ms: int | None
    response_excerpt: str
    error: str


@dataclass(frozen=True, kw_only=True)
class DeliverySummary:
    """One event sent (or to be sent) to one webhook, with its attempts."""

    id: UUID
    webhook_id: UUID
    event: str
    status: str  # pending, succeeded, failed, cancelled
    attempt_count: int
    max_attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    finished_at: datetime | None
    payload: str
    attempts: list[AttemptSummary]


@dataclass(frozen=True, kw_only=True)
class DeliveryPage:
    items: list[DeliverySummary]
    total: int
    limit: int
    offset: int


class WebhookReader(Protocol):
    def webhooks(self, project_id: UUID, owner_id: UUID) -> list[WebhookSummary]: ...

    def webhook(self, webhook_id: UUID, owner_id: UUID) -> WebhookSummary | None: ...

    def subscribed(self, project_id: UUID, event: str) -> list[UUID]:
        """Active subscriptions of a project that want an event."""
        ...


class DeliveryReader(Protocol):
    def deliveries(self, webhook_id: UUID, *, limit: int, offset: int) -> DeliveryPage: ...

    def delivery(self, webhook_id: UUID, delivery_id: UUID) -> DeliverySummary | None: ...
