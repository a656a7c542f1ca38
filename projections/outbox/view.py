"""What an outbox can be told to do."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class OutboxMessage:
    """A row of <module>.outbox_messages: an event waiting to be published."""

    id: UUID
    event_type: str
    triggered_by_id: UUID | None
    object_id: str
    payload: str
    activity_id: str | None
    created_date_time: datetime
    row_version: int


class OutboxView(ABC):
    """<module>.outbox_messages (written here) and archived_outbox_messages (by the publisher)."""

    @abstractmethod
    def add_message(self, message: OutboxMessage) -> None: ...
