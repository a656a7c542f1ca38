"""What the sub context needs from outside: a clock, and the read tables it answers from."""

from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from application.subscriptions.queries import (
    HistoryEntryView,
    PlanView,
    SubscriptionView,
    UsageView,
)


class Clock(Protocol):
    def now(self) -> datetime: ...


class SubscriptionReader(Protocol):
    """The sub read tables (sub.subscription_plans, plan_limits, user_subscriptions...)."""

    def plans(self, *, active_only: bool) -> list[PlanView]: ...

    def subscription(self, user_id: UUID) -> SubscriptionView | None: ...

    def history(self, user_id: UUID) -> list[HistoryEntryView]: ...

    def usage(self, user_id: UUID, period_start: date) -> UsageView | None: ...


class RunsInFlight(Protocol):
    def runs_in_flight(self, user_id: UUID) -> int: ...
