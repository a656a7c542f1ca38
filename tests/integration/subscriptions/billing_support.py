"""Helpers of the billing tests: a webhook delivered as Stripe delivers it, Pro paid for."""

import time
from typing import Any

from tests.integration.interfaces.http.support import Account, TestClient
from tests.support.fake_stripe import FakeStripe, an_event, sign


def deliver(client: TestClient, payload: bytes, signature: str | None = None) -> Any:
    return client.post(
        "/webhooks/stripe",
        content=payload,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": signature if signature is not None else sign(payload),
        },
    )


def paid_pro(
    client: TestClient, stripe_server: FakeStripe, account: Account, **session_fields: Any
) -> dict[str, Any]:
    """This function will check out Pro monthly and deliver Stripe's completion."""
    opened = client.post(
        "/billing/checkout",
        json={"plan": "Pro", "billing_cycle": "Monthly"},
        headers=account.auth,
    )
    assert opened.status_code == 201, opened.text
    session = {
        "id": opened.json()["checkout_url"].rsplit("/", 1)[-1],
        "object": "checkout.session",
        "client_reference_id": opened.json()["payment_intent_id"],
        "customer": f"cus_{account.id.hex[:12]}",
        "subscription": f"sub_{account.id.hex[:12]}",
        "amount_total": 1900,
        "currency": "usd",
        "payment_status": "paid",
        "payment_intent": None,
        "metadata": {"user_id": str(account.id)},
        **session_fields,
    }
    completed = deliver(client, an_event("checkout.session.completed", session))
    assert completed.status_code == 200, completed.text
    assert completed.json()["outcome"] == "applied"
    return session


def stripe_subscription(account: Account, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"sub_{account.id.hex[:12]}",
        "object": "subscription",
        "customer": f"cus_{account.id.hex[:12]}",
        "status": "active",
        "cancel_at_period_end": False,
        "metadata": {"user_id": str(account.id)},
        "items": {"data": [{"current_period_end": int(time.time()) + 40 * 86400}]},
        **fields,
    }
