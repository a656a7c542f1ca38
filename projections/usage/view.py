"""What the usage read model can be told to do."""

from abc import ABC, abstractmethod
from datetime import date, datetime
from uuid import UUID


class UsageView(ABC):
    """sub.usage_trackings (one row per user and period) and the objects it counts."""

    @abstractmethod
    def open_period(self, user_id: UUID, *, start: date, end: date, at: datetime) -> None:
        """Start a period's row (a new subscriber's, §7.2) with nothing used."""

    @abstractmethod
    def measure(
        self,
        object_id: UUID,
        *,
        column: str,
        amount: int,
        start: date,
        end: date,
        at: datetime,
        owner_id: UUID | None = None,
        parent_id: UUID | None = None,
    ) -> None:
        """Set how much one object counts (1 for a live project, an endpoint count, a file's
        bytes): its owner's rows move by the difference. The owner is given, or is the owner
        of a parent object (a case's suite)."""

    @abstractmethod
    def count(self, user_id: UUID, *, column: str, start: date, end: date, at: datetime) -> None:
        """Count one more of something per period (a run started, an LLM call)."""
