"""Refunds: an Admin's, through the provider's Refunds API, and those the provider reports.

A refund is a PaymentTransaction of its own (status Refunded), recorded once (its id derives
from the provider's refund id) whoever reports it first: the answer to the request, a
`refund.*` webhook or `charge.refunded`. The refunded payment's row never changes; its
aggregate counts what was refunded of it."""

from abc import abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from application.shared.base import ConcurrentChangeError
from application.subscriptions.app import SubscriptionsApplication
from application.subscriptions.ports import PaymentGateway, PaymentLookup, ProviderRefund
from domain.shared.errors import NotFoundError
from domain.shared.meta import Meta, system_meta
from domain.subscriptions.payments import (
    PaymentTransaction,
    RefundNotAllowedError,
    TransactionStatus,
    transaction_id,
)

PROVIDER = "stripe"  # the provider's name in transaction ids and rows


@dataclass(frozen=True, kw_only=True)
class Refund:
    """A refund asked of the provider: recorded as a transaction once it succeeded."""

    refund_id: str
    payment_id: UUID
    transaction_id: UUID | None  # the refund's own transaction; None while not succeeded
    amount: str
    currency: str
    status: str


# Attempts to record a refund that lost a race on its payment (another refund recorded).
REFUND_RETRIES = 5


class Refunds:
    """The refund commands and webhooks of Billing."""

    _sub: SubscriptionsApplication
    _payments: PaymentLookup | None

    @abstractmethod
    def _configured(self) -> tuple[PaymentGateway, Any]: ...

    def payment(self, payment_id: UUID) -> PaymentTransaction:
        """This function will load a payment transaction. Raises NotFoundError."""
        try:
            found = self._sub.load_version(payment_id)
        except NotFoundError:
            found = None
        if not isinstance(found, PaymentTransaction):
            raise NotFoundError("payment not found")
        return found

    def refund(self, payment_id: UUID, amount: Decimal | None, reason: str, meta: Meta) -> Refund:
        """This function will refund a payment in full (no amount) or in part through Stripe,
        and record the refund as a transaction of its own once Stripe says it succeeded (a
        pending one is recorded by its webhook). The payment's own row never changes.
        Raises BillingNotConfiguredError, NotFoundError, RefundNotAllowedError,
        InvalidValueError, PaymentProviderError."""
        gateway, _ = self._configured()
        payment = self.payment(payment_id)
        value = amount if amount is not None else payment.refundable()
        payment.require_refund(value)
        if payment.provider != PROVIDER or not payment.external_txn_id.startswith(("pi_", "ch_")):
            raise RefundNotAllowedError(
                "this payment has no Stripe PaymentIntent or Charge recorded "
                f"({payment.external_txn_id or 'none'}): refund it in the Stripe Dashboard"
            )
        made = gateway.refund(
            payment=payment.external_txn_id,
            amount=int(value * 100),
            transaction_id=payment.id,
            reason=reason,
        )
        recorded = None
        if made.status == "succeeded":
            self._record_refund(made, meta, payment_id=payment.id)
            recorded = refund_transaction_id(made.id)
        return Refund(
            refund_id=made.id,
            payment_id=payment.id,
            transaction_id=recorded,
            amount=_money(made.amount),
            currency=made.currency.upper(),
            status=made.status,
        )

    def _record_refund(
        self, refund: ProviderRefund, meta: Meta, *, payment_id: UUID | None = None
    ) -> str:
        """This function will record a succeeded refund once (its transaction's id derives
        from the refund's), counted on the payment it refunds: applied, replayed (recorded
        already) or ignored (not a payment of this deployment)."""
        refund_id = refund_transaction_id(refund.id)
        target = payment_id or self._payment_of(refund)
        for _ in range(REFUND_RETRIES):
            if self._sub.exists(refund_id):
                return "replayed"
            try:
                payment = self.payment(target) if target is not None else None
            except NotFoundError:
                payment = None
            if payment is None:
                return "ignored"
            amount = _money(refund.amount)
            payment.record_refund(refund_transaction_id=refund_id, amount=amount, meta=meta)
            transaction = PaymentTransaction(
                payment_intent_id=payment.payment_intent_id,
                subscription_id=payment.subscription_id,
                user_id=payment.user_id,
                amount=amount,
                currency=refund.currency.upper(),
                status=int(TransactionStatus.Refunded),
                payment_method="card",  # back to where it came from
                provider=PROVIDER,
                provider_ref=f"refund:{refund.id}",
                external_txn_id=refund.id,
                invoice_url="",
                failure_reason="",
                meta=meta,
            )
            try:
                # The refund first: the payment's RefundRecorded links the refund's row to it.
                self._sub.save(transaction, payment)
            except IntegrityError:
                continue  # recorded meanwhile, or another refund of the payment was
            return "applied"
        raise ConcurrentChangeError(None)  # a webhook answered 409 is delivered again

    def _payment_of(self, refund: ProviderRefund) -> UUID | None:
        """The payment a provider refund is of: named in its metadata when Testament asked
        for it, else found by the provider's payment id (a refund made in the Dashboard)."""
        try:
            return UUID(refund.metadata.get("transaction_id", ""))
        except ValueError:
            pass
        if self._payments is None:
            return None
        for external in (refund.payment_intent, refund.charge):
            if external:
                found = self._payments.transaction_by_external(external)
                if found is not None:
                    return found
        return None

    def _refund_event(self, event: dict[str, Any]) -> str:
        refund = _provider_refund(event["data"]["object"])
        if refund.status != "succeeded":
            return "ignored"  # pending: recorded when Stripe reports it succeeded
        meta = system_meta(f"stripe {event['type']} {event['id']}")
        return self._record_refund(refund, meta)

    def _charge_refunded(self, event: dict[str, Any]) -> str:
        charge = event["data"]["object"]
        listed = (charge.get("refunds") or {}).get("data")
        if listed is None:  # not sent in the event on recent API versions: ask Stripe
            gateway, _ = self._configured()
            refunds = gateway.refunds_of(charge=str(charge["id"]))
        else:
            refunds = [_provider_refund(r) for r in listed]
        meta = system_meta(f"stripe {event['type']} {event['id']}")
        outcomes = {
            self._record_refund(refund, meta) for refund in refunds if refund.status == "succeeded"
        }
        for outcome in ("applied", "replayed"):
            if outcome in outcomes:
                return outcome
        return "ignored"


def refund_transaction_id(refund_id: str) -> UUID:
    """This function will give a provider's refund its one transaction."""
    return transaction_id(PROVIDER, f"refund:{refund_id}")


def _money(minor: int) -> str:
    return f"{Decimal(int(minor)) / 100:.2f}"


def _provider_refund(obj: dict[str, Any]) -> ProviderRefund:
    def ref(value: Any) -> str | None:
        return value.get("id") if isinstance(value, dict) else value

    return ProviderRefund(
        id=str(obj["id"]),
        amount=int(obj.get("amount") or 0),
        currency=str(obj.get("currency") or "usd"),
        status=str(obj.get("status") or ""),
        payment_intent=ref(obj.get("payment_intent")),
        charge=ref(obj.get("charge")),
        metadata={str(k): str(v) for k, v in (obj.get("metadata") or {}).items()},
    )
