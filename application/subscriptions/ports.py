"""What the sub context needs from outside: a clock, and the read tables it answers from."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from application.subscriptions.queries import (
    HistoryEntryView,
    PlanView,
    SubscriptionView,
    UsageView,
)
from domain.shared.errors import DomainError


class Clock(Protocol):
    def now(self) -> datetime: ...


class SubscriptionReader(Protocol):
    """The sub read tables (sub.subscription_plans, plan_limits, user_subscriptions...)."""

    def plans(self, *, active_only: bool) -> list[PlanView]: ...

    def subscription(self, user_id: UUID) -> SubscriptionView | None: ...

    def history(self, user_id: UUID) -> list[HistoryEntryView]: ...

    def usage(self, user_id: UUID, period_start: date) -> UsageView | None: ...

    def lapsing(self, today: date, limit: int) -> list[UUID]:
        """Users whose paid plan's period ended, or who are past due (candidates to expire)."""
        ...


class RunsInFlight(Protocol):
    def runs_in_flight(self, user_id: UUID) -> int: ...


@dataclass(frozen=True, kw_only=True)
class CheckoutSession:
    """A payment page the provider opened for one plan purchase."""

    id: str
    url: str
    expires_at: int  # Unix seconds
    amount_total: int | None  # in the currency's minor unit
    currency: str


class InvalidSignatureError(DomainError):
    """A webhook whose signature does not verify with the endpoint secret."""


class PaymentProviderError(DomainError):
    """The payment provider refused a request or could not be reached (HTTP 502)."""


class PaymentGateway(Protocol):
    """The payment provider (Stripe): checkout pages and the verification of its webhooks."""

    def create_checkout(
        self,
        *,
        price_id: str,
        intent_id: UUID,
        user_id: UUID,
        plan_id: UUID,
        billing_cycle: str,
        customer_id: str | None,
        success_url: str,
        cancel_url: str,
    ) -> CheckoutSession: ...

    def verified_event(self, payload: bytes, signature: str | None) -> dict[str, Any]:
        """Raises InvalidSignatureError."""
        ...


class RequestLedger(Protocol):
    """Requests already handled, by type and id (auditlog.idempotent_requests)."""

    def seen(self, request_type: str, request_id: str) -> bool: ...

    def record(self, request_type: str, request_id: str) -> None: ...
