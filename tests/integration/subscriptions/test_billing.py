"""Stripe billing over HTTP: the real `stripe` SDK against a local fake of Stripe's API, and
webhooks signed as Stripe signs them: valid, bad signature, replayed, out of order."""

import json
import time
from uuid import UUID

from domain.subscriptions.plans import FREE_PLAN_ID, PRO_PLAN_ID
from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    TestClient,
    an_account,
    assert_problem,
)
from tests.integration.subscriptions.billing_support import deliver, paid_pro, stripe_subscription
from tests.support.fake_stripe import FakeStripe, an_event, sign


class TestWithoutStripe:
    def test_billing_routes_answer_503_and_the_rest_works(self, paid_client: TestClient) -> None:
        client = paid_client
        account = an_account(client)
        opened = client.post(
            "/billing/checkout",
            json={"plan": "Pro", "billing_cycle": "Monthly"},
            headers=account.auth,
        )
        assert_problem(opened, 503, "billing-not-configured")
        payload = an_event("invoice.paid", {"id": "in_1"})
        assert_problem(deliver(client, payload), 503, "billing-not-configured")
        assert client.get("/plans").status_code == 200


class TestCheckout:
    def test_the_plan_changes_only_when_stripe_confirms(
        self, stripe_client: TestClient, stripe_server: FakeStripe, billed: Runtime
    ) -> None:
        account = an_account(stripe_client)
        opened = stripe_client.post(
            "/billing/checkout",
            json={"plan": "Pro", "billing_cycle": "Yearly"},
            headers=account.auth,
        )
        assert opened.status_code == 201, opened.text
        body = opened.json()
        assert body["checkout_url"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
        assert (body["amount"], body["currency"]) == ("190.00", "USD")
        sent = stripe_server.requests[-1]
        assert sent["path"] == "/v1/checkout/sessions"
        assert sent["params"]["line_items"][0] == {"price": "price_pro_yearly", "quantity": "1"}
        assert sent["params"]["client_reference_id"] == body["payment_intent_id"]
        assert sent["params"]["subscription_data"]["metadata"]["user_id"] == str(account.id)
        assert sent["headers"]["Idempotency-Key"] == f"checkout-{body['payment_intent_id']}"
        assert billed.limits.plan_of(account.id).id == FREE_PLAN_ID  # nothing paid yet

    def test_a_completed_checkout_puts_the_user_on_pro_and_records_the_payment(
        self, stripe_client: TestClient, stripe_server: FakeStripe, billed: Runtime
    ) -> None:
        account = an_account(stripe_client)
        session = paid_pro(stripe_client, stripe_server, account)
        subscription = billed.sub.subscription(account.id)
        assert subscription is not None
        assert (subscription.plan_id, subscription.billing_cycle.name) == (PRO_PLAN_ID, "Monthly")
        assert subscription.external_sub_id == session["subscription"]
        assert subscription.external_cust_id == session["customer"]
        assert subscription.snapshot_price_monthly == "19.00"
        assert billed.limits.plan_of(account.id).name == "Pro"
        for runner in billed.runners():
            if runner.name == "subscriptions":
                runner.catch_up()
        with billed.pool.connection() as conn:
            intent = conn.execute(
                "SELECT status, amount, currency FROM sub.payment_intents WHERE id = %s",
                (UUID(session["client_reference_id"]),),
            ).fetchone()
            paid = conn.execute(
                "SELECT status, amount, provider FROM sub.payment_transactions WHERE user_id = %s",
                (account.id,),
            ).fetchall()
        assert intent is not None
        assert (intent["status"], str(intent["amount"]), intent["currency"]) == (
            "Completed",
            "19.00",
            "USD",
        )
        assert [(p["status"], str(p["amount"]), p["provider"]) for p in paid] == [
            (1, "19.00", "stripe")
        ]

    def test_a_subscriptions_first_payment_is_kept_once_whichever_event_comes_first(
        self, stripe_client: TestClient, stripe_server: FakeStripe, billed: Runtime
    ) -> None:
        # Stripe reports a subscription's first payment twice: the Checkout completed, and
        # the first invoice paid. One payment, one transaction.
        account = an_account(stripe_client)
        first_invoice = f"in_first_{account.id.hex[:8]}"
        paid_pro(stripe_client, stripe_server, account, invoice=first_invoice)
        end = int(time.time()) + 31 * 86400
        invoice_paid = an_event(
            "invoice.paid",
            {
                "id": first_invoice,
                "object": "invoice",
                "subscription": f"sub_{account.id.hex[:12]}",
                "amount_paid": 1900,
                "currency": "usd",
                "subscription_details": {"metadata": {"user_id": str(account.id)}},
                "lines": {"data": [{"period": {"start": int(time.time()), "end": end}}]},
            },
        )
        assert deliver(stripe_client, invoice_paid).status_code == 200
        for runner in billed.runners():
            if runner.name == "subscriptions":
                runner.catch_up()
        with billed.pool.connection() as conn:
            paid = conn.execute(
                "SELECT amount, provider_ref FROM sub.payment_transactions WHERE user_id = %s",
                (account.id,),
            ).fetchall()
        assert [(str(p["amount"]), p["provider_ref"]) for p in paid] == [
            ("19.00", f"invoice:{first_invoice}:invoice.paid")
        ]


class TestWebhooks:
    def test_a_bad_or_missing_signature_is_a_400_and_changes_nothing(
        self, stripe_client: TestClient, billed: Runtime
    ) -> None:
        account = an_account(stripe_client)
        payload = an_event("customer.subscription.deleted", stripe_subscription(account))
        assert_problem(
            deliver(stripe_client, payload, sign(payload, secret="whsec_other")),
            400,
            "invalid-signature",
        )
        assert_problem(deliver(stripe_client, payload, ""), 400, "invalid-signature")
        tampered = payload.replace(b'"active"', b'"canceled"')
        assert_problem(deliver(stripe_client, tampered, sign(payload)), 400, "invalid-signature")
        old = sign(payload, at=int(time.time()) - 3600)
        assert_problem(deliver(stripe_client, payload, old), 400, "invalid-signature")

    def test_a_replayed_event_is_acknowledged_and_applied_once(
        self, stripe_client: TestClient, stripe_server: FakeStripe, billed: Runtime
    ) -> None:
        account = an_account(stripe_client)
        paid_pro(stripe_client, stripe_server, account)
        invoice = {
            "id": f"in_{account.id.hex[:10]}",
            "object": "invoice",
            "subscription": f"sub_{account.id.hex[:12]}",
            "amount_due": 1900,
            "currency": "usd",
            "status": "open",
            "subscription_details": {"metadata": {"user_id": str(account.id)}},
        }
        payload = an_event("invoice.payment_failed", invoice)
        assert deliver(stripe_client, payload).json()["outcome"] == "applied"
        version = billed.sub.subscription(account.id).version  # type: ignore[union-attr]
        assert billed.sub.subscription(account.id).status.name == "PastDue"  # type: ignore[union-attr]
        again = deliver(stripe_client, payload)
        assert again.status_code == 200 and again.json()["outcome"] == "replayed"
        assert billed.sub.subscription(account.id).version == version  # type: ignore[union-attr]
        # Paid after all: active again until the new period's end.
        end = int(time.time()) + 31 * 86400
        paid = an_event(
            "invoice.paid",
            {
                **invoice,
                "id": f"in_{account.id.hex[:9]}2",
                "amount_paid": 1900,
                "lines": {"data": [{"period": {"start": int(time.time()), "end": end}}]},
            },
        )
        assert deliver(stripe_client, paid).json()["outcome"] == "applied"
        subscription = billed.sub.subscription(account.id)
        assert subscription is not None and subscription.status.name == "Active"
        assert subscription.end_date == time.strftime("%Y-%m-%d", time.gmtime(end))

    def test_an_earlier_update_arriving_later_does_not_undo_a_later_one(
        self, stripe_client: TestClient, stripe_server: FakeStripe, billed: Runtime
    ) -> None:
        account = an_account(stripe_client)
        paid_pro(stripe_client, stripe_server, account)
        now = int(time.time())
        later = an_event(
            "customer.subscription.updated",
            stripe_subscription(account, cancel_at_period_end=True),
            created=now,
        )
        earlier = an_event(
            "customer.subscription.updated", stripe_subscription(account), created=now - 60
        )
        assert deliver(stripe_client, later).json()["outcome"] == "applied"
        assert deliver(stripe_client, earlier).json()["outcome"] == "stale"
        subscription = billed.sub.subscription(account.id)
        assert subscription is not None
        assert subscription.cancelled_at is not None and not subscription.auto_renew
        assert subscription.plan_id == PRO_PLAN_ID  # Pro until the period's end

    def test_a_deleted_subscription_takes_the_user_back_to_free(
        self, stripe_client: TestClient, stripe_server: FakeStripe, billed: Runtime
    ) -> None:
        account = an_account(stripe_client)
        paid_pro(stripe_client, stripe_server, account)
        deleted = an_event(
            "customer.subscription.deleted", stripe_subscription(account, status="canceled")
        )
        assert deliver(stripe_client, deleted).json()["outcome"] == "applied"
        subscription = billed.sub.subscription(account.id)
        assert subscription is not None
        assert (subscription.plan_id, subscription.status.name) == (FREE_PLAN_ID, "Expired")
        assert billed.limits.plan_of(account.id).name == "Free"

    def test_an_unknown_event_type_is_acknowledged_and_ignored(
        self, stripe_client: TestClient
    ) -> None:
        payload = an_event("customer.created", {"id": "cus_1", "object": "customer"})
        answer = deliver(stripe_client, payload)
        assert answer.status_code == 200 and answer.json() == {
            "received": True,
            "outcome": "ignored",
        }
        assert json.loads(payload)["type"] == "customer.created"
