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


@dataclass(frozen=True, kw_only=True)
class ProviderRefund:
    """A refund as the provider reports it."""

    id: str
    amount: int  # in the currency's minor unit
    currency: str
    status: str  # pending, requires_action, succeeded, failed, canceled
    payment_intent: str | None
    charge: str | None
    metadata: dict[str, str]


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

    def set_cancel_at_period_end(self, external_sub_id: str, cancel: bool) -> None:
        """Stop (or restart) the provider subscription's renewal at its period's end.
        Raises PaymentProviderError."""
        ...

    def refund(
        self, *, payment: str, amount: int, transaction_id: UUID, reason: str
    ) -> ProviderRefund:
        """Refund `amount` (minor unit) of a payment (a PaymentIntent or Charge id).
        Raises PaymentProviderError."""
        ...

    def refunds_of(self, *, charge: str) -> list[ProviderRefund]:
        """The refunds of a charge. Raises PaymentProviderError."""
        ...


class PaymentLookup(Protocol):
    """Payments by the provider's id (sub.payment_transactions): refunds made in the
    provider's dashboard name the payment, not our transaction."""

    def transaction_by_external(self, external_txn_id: str) -> UUID | None: ...


class RequestLedger(Protocol):
    """Requests already handled, by type and id (auditlog.idempotent_requests)."""

    def seen(self, request_type: str, request_id: str) -> bool: ...

    def record(self, request_type: str, request_id: str) -> None: ...
