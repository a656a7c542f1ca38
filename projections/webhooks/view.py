"""What the webhooks read model can be told to do."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class WebhookRow:
    """A row of notif.webhook_subscriptions (no secret: those stay sealed in the log)."""

    id: UUID
    project_id: UUID
    owner_id: UUID
    url: str
    events: list[str]
    description: str
    status: str
    disabled_reason: str
    previous_secret_valid_until: datetime | None
    created_date_time: datetime
    updated_date_time: datetime
    row_version: int


class WebhooksView(ABC):
    """The notif.webhook_subscriptions table."""

    @abstractmethod
    def insert_webhook(self, row: WebhookRow) -> None: ...

    @abstractmethod
    def update_webhook(
        self, webhook_id: UUID, *, at: datetime, version: int, **fields: Any
    ) -> None: ...
