"""Payments: an intent to pay for a plan (a Checkout Session), and each transaction the
payment provider confirmed or refused."""

from decimal import Decimal
from enum import IntEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError, InvalidValueError
from domain.shared.meta import Meta


class TransactionStatus(IntEnum):
    """Seed 001 §3.7: Pending/Succeeded/Failed/Refunded."""

    Pending = 0
    Succeeded = 1
    Failed = 2
    Refunded = 3


class RefundNotAllowedError(ConflictError):
    """A refund of a payment that cannot take one (failed, a refund itself, refunded in full,
    or not made through a provider's payment that refunds)."""


class PaymentIntent(Aggregate):
    """A checkout begun for a plan; the plan changes only when the provider confirms it."""

    class Created(Aggregate.Created):
        intent_id: UUID
        plan_id: UUID
        subscription_id: UUID
        user_id: UUID
        amount: str
        currency: str
        billing_cycle: str
        purpose: str
        order_code: int
        checkout_url: str
        external_id: str
        expires_at: str
        meta: Meta

    @event(Created)
    def __init__(
        self,
        *,
        intent_id: UUID,
        plan_id: UUID,
        subscription_id: UUID,
        user_id: UUID,
        amount: str,
        currency: str,
        billing_cycle: str,
        purpose: str,
        order_code: int,
        checkout_url: str,
        external_id: str,
        expires_at: str,
        meta: Meta,
    ) -> None:
        self.plan_id = plan_id
        self.user_id = user_id
        self.billing_cycle = billing_cycle
        self.status = "Pending"

    @staticmethod
    def create_id(intent_id: UUID, **_: Any) -> UUID:
        return intent_id

    class Completed(Aggregate.Event):
        meta: Meta

    def complete(self, *, meta: Meta) -> bool:
        if self.status != "Pending":
            return False
        self._complete(meta=meta)
        return True

    @event(Completed)
    def _complete(self, *, meta: Meta) -> None:
        self.status = "Completed"


def transaction_id(provider: str, reference: str) -> UUID:
    """This function will give a provider's record (an invoice, a session) one transaction:
    a webhook delivered twice records it once."""
    return uuid5(NAMESPACE_URL, f"testament:payment:{provider}:{reference}")


class PaymentTransaction(Aggregate):
    """A payment the provider reported: succeeded or failed, with its invoice."""

    class Recorded(Aggregate.Created):
        payment_intent_id: UUID | None
        subscription_id: UUID
        user_id: UUID
        amount: str
        currency: str
        status: int
        payment_method: str
        provider: str
        provider_ref: str
        external_txn_id: str
        invoice_url: str
        failure_reason: str
        meta: Meta

    @event(Recorded)
    def __init__(
        self,
        *,
        payment_intent_id: UUID | None,
        subscription_id: UUID,
        user_id: UUID,
        amount: str,
        currency: str,
        status: int,
        payment_method: str,
        provider: str,
        provider_ref: str,
        external_txn_id: str,
        invoice_url: str,
        failure_reason: str,
        meta: Meta,
    ) -> None:
        self.status = TransactionStatus(status)
        self.payment_intent_id = payment_intent_id
        self.subscription_id = subscription_id
        self.user_id = user_id
        self.amount = amount
        self.currency = currency
        self.provider = provider
        self.external_txn_id = external_txn_id
        self.refunded = "0.00"  # the refunds recorded against this payment, in total

    @staticmethod
    def create_id(provider: str, provider_ref: str, **_: Any) -> UUID:
        return transaction_id(provider, provider_ref)

    def refundable(self) -> Decimal:
        """This function will give what is left to refund of a succeeded payment."""
        if self.status != TransactionStatus.Succeeded:
            return Decimal("0.00")
        return Decimal(self.amount) - Decimal(self.refunded)

    def require_refund(self, amount: Decimal) -> None:
        """This function will refuse a refund this payment cannot take: not a succeeded
        payment, nothing left, or more than is left. Raises RefundNotAllowedError,
        InvalidValueError."""
        if self.status != TransactionStatus.Succeeded:
            raise RefundNotAllowedError(
                f"only a succeeded payment can be refunded; this one is {self.status.name}"
            )
        left = self.refundable()
        if left <= 0:
            raise RefundNotAllowedError("this payment has been refunded in full")
        if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise InvalidValueError("amount", "must be more than 0.00, with at most 2 decimals")
        if amount > left:
            raise InvalidValueError(
                "amount", f"at most {left:.2f} {self.currency} is left to refund"
            )

    class RefundRecorded(Aggregate.Event):
        refund_transaction_id: UUID
        amount: str
        meta: Meta

    def record_refund(self, *, refund_transaction_id: UUID, amount: str, meta: Meta) -> None:
        """This function will count a refund the provider made against this payment (the
        refund itself is a transaction of its own: the payment's amount never changes)."""
        self._refund(refund_transaction_id=refund_transaction_id, amount=amount, meta=meta)

    @event(RefundRecorded)
    def _refund(self, *, refund_transaction_id: UUID, amount: str, meta: Meta) -> None:
        self.refunded = f"{Decimal(self.refunded) + Decimal(amount):.2f}"
