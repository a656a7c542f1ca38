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
