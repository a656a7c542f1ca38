"""Payments: an intent to pay for a plan (a Checkout Session), and each transaction the
payment provider confirmed or refused."""

from enum import IntEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.meta import Meta


class TransactionStatus(IntEnum):
    """Seed 001 §3.7: Pending/Succeeded/Failed/Refunded."""

    Pending = 0
    Succeeded = 1
    Failed = 2
    Refunded = 3


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

    @staticmethod
    def create_id(provider: str, provider_ref: str, **_: Any) -> UUID:
        return transaction_id(provider, provider_ref)
