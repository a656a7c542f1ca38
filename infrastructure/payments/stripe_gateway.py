"""Stripe through its official SDK: Checkout Sessions, and webhook signatures verified with
`stripe.Webhook.construct_event` (HMAC-SHA256 of `timestamp.payload` with the endpoint
secret, five minutes of tolerance)."""

import json
from typing import Any
from uuid import UUID

import stripe

from application.subscriptions.ports import (
    CheckoutSession,
    InvalidSignatureError,
    PaymentProviderError,
    ProviderRefund,
)


class StripeGateway:
    """One StripeClient per process; `api_base` points it elsewhere than api.stripe.com (the
    tests' local fake)."""

    def __init__(self, *, api_key: str, webhook_secret: str, api_base: str | None = None) -> None:
        addresses: Any = {"api": api_base} if api_base else None
        self._client = stripe.StripeClient(api_key, base_addresses=addresses, max_network_retries=2)
        self._secret = webhook_secret

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
    ) -> CheckoutSession:
        metadata = {
            "user_id": str(user_id),
            "plan_id": str(plan_id),
            "billing_cycle": billing_cycle,
            "payment_intent_id": str(intent_id),
        }
        params: dict[str, Any] = {
            "mode": "subscription",
            "line_items": [{"price": price_id, "quantity": 1}],
            "client_reference_id": str(intent_id),
            "success_url": success_url,
            "cancel_url": cancel_url,
            "metadata": metadata,
            # Copied by Stripe onto the subscription, so its events name the user.
            "subscription_data": {"metadata": metadata},
        }
        if customer_id:
            params["customer"] = customer_id
        try:
            session = self._client.v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": f"checkout-{intent_id}"},
            )
        except stripe.StripeError as error:
            raise PaymentProviderError(f"Stripe refused the checkout: {error}") from None
        return CheckoutSession(
            id=str(session.id),
            url=str(session.url),
            expires_at=int(session.expires_at),
            amount_total=session.amount_total,
            currency=str(session.currency or "usd"),
        )

    def verified_event(self, payload: bytes, signature: str | None) -> dict[str, Any]:
        try:
            stripe.Webhook.construct_event(payload, signature, self._secret)
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise InvalidSignatureError(f"the Stripe-Signature does not verify: {error}") from None
        event: dict[str, Any] = json.loads(payload)
        return event

    def set_cancel_at_period_end(self, external_sub_id: str, cancel: bool) -> None:
        try:
            self._client.v1.subscriptions.update(
                external_sub_id, params={"cancel_at_period_end": cancel}
            )
        except stripe.StripeError as error:
            raise PaymentProviderError(f"Stripe refused the change: {error}") from None

    def refund(
        self, *, payment: str, amount: int, transaction_id: UUID, reason: str
    ) -> ProviderRefund:
        target = "charge" if payment.startswith("ch_") else "payment_intent"
        params: dict[str, Any] = {
            target: payment,
            "amount": amount,
            "metadata": {"transaction_id": str(transaction_id), "reason": reason[:500]},
        }
        try:
            refund = self._client.v1.refunds.create(params=params)  # type: ignore[arg-type]
        except stripe.StripeError as error:
            raise PaymentProviderError(f"Stripe refused the refund: {error}") from None
        return _refund(refund)

    def refunds_of(self, *, charge: str) -> list[ProviderRefund]:
        try:
            found = self._client.v1.refunds.list(params={"charge": charge, "limit": 100})
        except stripe.StripeError as error:
            raise PaymentProviderError(f"Stripe refused the refund list: {error}") from None
        return [_refund(refund) for refund in found.data]


def _refund(refund: Any) -> ProviderRefund:
    data: dict[str, Any] = refund.to_dict()

    def ref(value: Any) -> str | None:
        # An id, or the object when expanded.
        return value.get("id") if isinstance(value, dict) else value

    return ProviderRefund(
        id=str(data["id"]),
        amount=int(data.get("amount") or 0),
        currency=str(data.get("currency") or "usd"),
        status=str(data.get("status") or ""),
        payment_intent=ref(data.get("payment_intent")),
        charge=ref(data.get("charge")),
        metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
    )
