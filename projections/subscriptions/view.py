"""What the subscriptions read model can be told to do."""

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any
from uuid import UUID


class SubscriptionsView(ABC):
    """sub.subscription_plans, sub.plan_limits, sub.user_subscriptions, sub.subscription_histories."""

    @abstractmethod
    def upsert_plan(
        self, plan_id: UUID, *, at: datetime, version: int, created: bool, fields: dict[str, Any]
    ) -> None: ...

    @abstractmethod
    def replace_limits(
        self, plan_id: UUID, *, at: datetime, version: int, limits: dict[str, int | None]
    ) -> None: ...

    @abstractmethod
    def upsert_subscription(
        self,
        subscription_id: UUID,
        *,
        at: datetime,
        version: int,
        created: bool,
        fields: dict[str, Any],
    ) -> None: ...

    @abstractmethod
    def add_history(
        self,
        history_id: UUID,
        *,
        subscription_id: UUID,
        new_plan_id: UUID,
        old_plan_id: UUID | None,
        change_type: int,
        change_reason: str,
        effective_date: str,
        at: datetime,
        version: int,
    ) -> None: ...

    @abstractmethod
    def insert_row(self, table: str, row: dict[str, Any]) -> None: ...

    @abstractmethod
    def update_fields(
        self, table: str, row_id: UUID, *, at: datetime, version: int, fields: dict[str, Any]
    ) -> None: ...

    @abstractmethod
    def link_refund(self, refund_id: UUID, payment_id: UUID) -> None:
        """Name, on a refund's transaction row, the payment it refunds."""
