"""Cancelling and resuming one's own subscription, and an Admin's refunds, over HTTP: the
real `stripe` SDK against the local fake, webhooks signed as Stripe signs them."""

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from application.identity.commands import GrantRole
from domain.shared.meta import system_meta
from domain.subscriptions.payments import transaction_id
from domain.subscriptions.plans import ENTERPRISE_PLAN_ID, FREE_PLAN_ID, PRO_PLAN_ID
from domain.users.model import Role
from infrastructure.projections.rebuild import rebuild
from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    an_account,
    assert_problem,
)
from tests.integration.subscriptions.billing_support import deliver, paid_pro, stripe_subscription
from tests.support.fake_stripe import FakeStripe, an_event


def caught_up(runtime: Runtime) -> None:
    for runner in runtime.runners():
        if runner.name == "subscriptions":
            runner.catch_up()


@pytest.fixture(scope="module")
def stripe_admin(stripe_client: TestClient, billed: Runtime) -> Account:
    account = an_account(stripe_client)
    billed.identity.grant_role(GrantRole(user_id=account.id, role=Role.ADMIN, meta=system_meta()))
    return account


class Ahead:
    """A clock some days ahead of the real one."""

    def __init__(self, days: int) -> None:
        self.days = days

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(days=self.days)


@pytest.fixture
def forty_days_on(billed: Runtime) -> Iterator[None]:
    real = billed.sub._clock
    billed.sub._clock = Ahead(40)
    yield
    billed.sub._clock = real


def stripe_calls(server: FakeStripe, sub_id: str) -> list[dict[str, Any]]:
    return [r for r in server.requests if r["path"] == f"/v1/subscriptions/{sub_id}"]


class TestCancel:
    def test_cancel_goes_through_stripe_keeps_pro_to_the_period_end_and_is_idempotent(
        self, stripe_client: TestClient, stripe_server: FakeStripe, billed: Runtime
    ) -> None:
        account = an_account(stripe_client)
        session = paid_pro(stripe_client, stripe_server, account)
        cancelled = stripe_client.post(
            "/me/subscription/cancel", json={"reason": "too pricey"}, headers=account.auth
        )
        assert cancelled.status_code == 200, cancelled.text
        body = cancelled.json()
        assert body["plan"]["id"] == str(PRO_PLAN_ID)  # Pro until the period's end
        assert body["subscription"]["cancelled_at"] is not None
        assert body["subscription"]["auto_renew"] is False
        calls = stripe_calls(stripe_server, session["subscription"])
        assert [c["params"] for c in calls] == [{"cancel_at_period_end": "true"}]
        again = stripe_client.post("/me/subscription/cancel", headers=account.auth)
        assert again.status_code == 200, again.text
        assert len(stripe_calls(stripe_server, session["subscription"])) == 1  # no second call
        # Stripe's echo of the cancellation changes nothing.
        echo = an_event(
            "customer.subscription.updated",
            stripe_subscription(account, cancel_at_period_end=True),
        )
        assert deliver(stripe_client, echo).json()["outcome"] == "applied"
        caught_up(billed)
        mine = stripe_client.get("/me/subscription", headers=account.auth).json()
        cancels = [h for h in mine["history"] if h["change_type"] == "Cancelled"]
        assert [h["change_reason"] for h in cancels] == ["too pricey"]
        assert mine["subscription"]["cancelled_at"] is not None

    def test_resume_before_the_end_turns_renewal_on_and_a_late_echo_does_not_undo_it(
        self, stripe_client: TestClient, stripe_server: FakeStripe, billed: Runtime
    ) -> None:
        account = an_account(stripe_client)
        session = paid_pro(stripe_client, stripe_server, account)
        before = int(time.time()) - 1
        assert stripe_client.post("/me/subscription/cancel", headers=account.auth).is_success
        time.sleep(1.1)  # the resume a second later than the cancellation, as Stripe sees it
        resumed = stripe_client.post("/me/subscription/resume", headers=account.auth)
        assert resumed.status_code == 200, resumed.text
        assert resumed.json()["subscription"]["cancelled_at"] is None
        assert resumed.json()["subscription"]["auto_renew"] is True
        calls = stripe_calls(stripe_server, session["subscription"])
        assert [c["params"]["cancel_at_period_end"] for c in calls] == ["true", "false"]
        late = an_event(
            "customer.subscription.updated",
            stripe_subscription(account, cancel_at_period_end=True),
            created=before,
        )
        assert deliver(stripe_client, late).json()["outcome"] == "stale"
        subscription = billed.sub.subscription(account.id)
        assert subscription is not None and subscription.cancelled_at is None
        nothing = stripe_client.post("/me/subscription/resume", headers=account.auth)
        assert nothing.status_code == 200  # none pending: no change, no call
        assert len(stripe_calls(stripe_server, session["subscription"])) == 2
        caught_up(billed)
        history = stripe_client.get("/me/subscription", headers=account.auth).json()["history"]
        assert [h["change_type"] for h in history][-2:] == ["Cancelled", "Reactivated"]

    def test_a_resume_at_stripe_arrives_as_an_update_and_is_applied(
        self, stripe_client: TestClient, stripe_server: FakeStripe, billed: Runtime
    ) -> None:
        account = an_account(stripe_client)
        paid_pro(stripe_client, stripe_server, account)
        assert stripe_client.post("/me/subscription/cancel", headers=account.auth).is_success
        portal = an_event(
            "customer.subscription.updated",
            stripe_subscription(account),
            created=int(time.time()) + 5,
        )
        assert deliver(stripe_client, portal).json()["outcome"] == "applied"
        subscription = billed.sub.subscription(account.id)
        assert subscription is not None
        assert (subscription.cancelled_at, subscription.auto_renew) == (None, True)

    def test_a_cancelled_plan_is_free_once_its_period_ends_and_cannot_be_resumed(
        self,
        stripe_client: TestClient,
        stripe_server: FakeStripe,
        billed: Runtime,
        forty_days_on: None,
    ) -> None:
        account = an_account(stripe_client)
        billed.sub._clock = Ahead(0)
        paid_pro(stripe_client, stripe_server, account)
        assert stripe_client.post("/me/subscription/cancel", headers=account.auth).is_success
        billed.sub._clock = Ahead(40)  # a month and more later
        assert billed.limits.plan_of(account.id).id == FREE_PLAN_ID
        late = stripe_client.post("/me/subscription/resume", headers=account.auth)
        assert_problem(late, 409, "subscription-state")
        assert billed.sub.expire_lapsed([account.id]) == 1
        caught_up(billed)
        mine = stripe_client.get("/me/subscription", headers=account.auth).json()
        assert (mine["plan"]["name"], mine["subscription"]["status"]) == ("Free", "Expired")
        assert [h["change_type"] for h in mine["history"]] == [
            "Created",
            "Upgraded",
            "Cancelled",
            "Expired",
        ]

    def test_stripe_refusing_the_cancellation_records_nothing(
        self, stripe_client: TestClient, stripe_server: FakeStripe, billed: Runtime
    ) -> None:
        account = an_account(stripe_client)
        session = paid_pro(stripe_client, stripe_server, account)
        stripe_server.gone.add(session["subscription"])
        refused = stripe_client.post("/me/subscription/cancel", headers=account.auth)
        assert_problem(refused, 502, "payment-provider-error")
        subscription = billed.sub.subscription(account.id)
        assert subscription is not None and subscription.cancelled_at is None

    def test_nothing_to_cancel_is_a_409_and_bad_input_a_4xx(
        self, stripe_client: TestClient, stripe_admin: Account
    ) -> None:
        account = an_account(stripe_client)
        free = stripe_client.post("/me/subscription/cancel", headers=account.auth)
        assert_problem(free, 409, "subscription-state")
        unknown = stripe_client.post(
            "/me/subscription/cancel", json={"why": "x"}, headers=account.auth
        )
        assert unknown.status_code == 422
        too_long = stripe_client.post(
            "/me/subscription/cancel", json={"reason": "x" * 501}, headers=account.auth
        )
        assert too_long.status_code == 422
        assert stripe_client.post("/me/subscription/cancel").status_code == 401
        # An Admin's undated Enterprise has no period to end: an Admin ends it.
        put = stripe_client.put(
            f"/admin/users/{account.id}/subscription",
            json={"plan_id": str(ENTERPRISE_PLAN_ID)},
            headers=stripe_admin.auth,
        )
        assert put.status_code == 200, put.text
        undated = stripe_client.post("/me/subscription/cancel", headers=account.auth)
        assert_problem(undated, 409, "subscription-state")

    def test_an_admins_dated_plan_is_cancelled_without_stripe(
        self, paid_client: TestClient, limited: Runtime
    ) -> None:
        account = an_account(paid_client)
        end = (datetime.now(UTC) + timedelta(days=20)).date()
        limited.sub.change_plan(
            account.id, PRO_PLAN_ID, billing_cycle=None, end_date=end, meta=system_meta()
        )
        cancelled = paid_client.post("/me/subscription/cancel", headers=account.auth)
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["subscription"]["cancelled_at"] is not None
        resumed = paid_client.post("/me/subscription/resume", headers=account.auth)
        assert resumed.status_code == 200, resumed.text
        assert resumed.json()["subscription"]["auto_renew"] is False  # an Admin's: it just ends

    def test_a_stripe_subscription_without_billing_configured_is_a_503(
        self, paid_client: TestClient, limited: Runtime
    ) -> None:
        account = an_account(paid_client)
        limited.sub.change_plan(
            account.id,
            PRO_PLAN_ID,
            billing_cycle=None,
            end_date=(datetime.now(UTC) + timedelta(days=20)).date(),
            external_sub_id="sub_elsewhere",
            meta=system_meta(),
        )
        answer = paid_client.post("/me/subscription/cancel", headers=account.auth)
        assert_problem(answer, 503, "billing-not-configured")
        subscription = limited.sub.subscription(account.id)
        assert subscription is not None and subscription.cancelled_at is None


def a_paid_invoice(
    client: TestClient, server: FakeStripe, account: Account, amount: int = 1900
) -> tuple[UUID, str]:
    """This function will deliver an invoice.paid for a payment the fake can refund, and
    give the transaction recorded for it and the payment's PaymentIntent id."""
    intent = server.a_payment(amount)
    invoice_id = f"in_{uuid4().hex[:14]}"
    invoice = {
        "id": invoice_id,
        "object": "invoice",
        "subscription": f"sub_{account.id.hex[:12]}",
        "amount_paid": amount,
        "currency": "usd",
        "payment_intent": intent,
        "lines": {"data": [{"period": {"end": int(time.time()) + 31 * 86400}}]},
        "subscription_details": {"metadata": {"user_id": str(account.id)}},
    }
    assert deliver(client, an_event("invoice.paid", invoice)).json()["outcome"] == "applied"
    return transaction_id("stripe", f"invoice:{invoice_id}:invoice.paid"), intent


def payments(client: TestClient, admin: Account, account: Account) -> list[dict[str, Any]]:
    listed = client.get(f"/admin/users/{account.id}/payments", headers=admin.auth)
    assert listed.status_code == 200, listed.text
    rows: list[dict[str, Any]] = listed.json()["items"]
    return rows


class TestRefunds:
    def test_a_partial_then_the_rest_each_add_a_transaction_and_the_payment_stays_billed(
        self,
        stripe_client: TestClient,
        stripe_server: FakeStripe,
        billed: Runtime,
        stripe_admin: Account,
    ) -> None:
        account = an_account(stripe_client)
        paid_pro(stripe_client, stripe_server, account)
        payment_id, intent = a_paid_invoice(stripe_client, stripe_server, account)
        url = f"/admin/payments/{payment_id}/refund"
        part = stripe_client.post(
            url, json={"amount": "5.00", "reason": "outage"}, headers=stripe_admin.auth
        )
        assert part.status_code == 201, part.text
        body = part.json()
        assert (body["amount"], body["currency"], body["status"]) == ("5.00", "USD", "succeeded")
        sent = stripe_server.requests[-1]
        assert sent["path"] == "/v1/refunds"
        assert sent["params"]["payment_intent"] == intent
        assert sent["params"]["amount"] == "500"
        assert sent["params"]["metadata"]["transaction_id"] == str(payment_id)
        rest = stripe_client.post(url, headers=stripe_admin.auth)
        assert rest.status_code == 201, rest.text
        assert rest.json()["amount"] == "14.00"
        assert_problem(
            stripe_client.post(url, headers=stripe_admin.auth), 409, "refund-not-allowed"
        )
        caught_up(billed)
        rows = {row["id"]: row for row in payments(stripe_client, stripe_admin, account)}
        paid = rows[str(payment_id)]
        assert (paid["amount"], paid["status"], paid["refund_of_id"]) == (
            "19.00",
            "Succeeded",
            None,
        )
        refunds = [r for r in rows.values() if r["status"] == "Refunded"]
        assert sorted(r["amount"] for r in refunds) == ["14.00", "5.00"]
        assert {r["refund_of_id"] for r in refunds} == {str(payment_id)}
        assert {r["id"] for r in refunds} == {body["transaction_id"], rest.json()["transaction_id"]}

    def test_the_webhooks_of_a_refund_made_here_are_replays(
        self,
        stripe_client: TestClient,
        stripe_server: FakeStripe,
        billed: Runtime,
        stripe_admin: Account,
    ) -> None:
        account = an_account(stripe_client)
        paid_pro(stripe_client, stripe_server, account)
        payment_id, intent = a_paid_invoice(stripe_client, stripe_server, account)
        made = stripe_client.post(
            f"/admin/payments/{payment_id}/refund",
            json={"amount": "19.00"},
            headers=stripe_admin.auth,
        ).json()
        refund = stripe_server.refunds[made["refund_id"]]
        updated = an_event("refund.updated", refund)
        assert deliver(stripe_client, updated).json()["outcome"] == "replayed"
        charge = {
            "id": stripe_server.charge_of(intent),
            "object": "charge",
            "payment_intent": intent,
            "amount_refunded": 1900,
            "refunded": True,
        }
        assert deliver(stripe_client, an_event("charge.refunded", charge)).json()["outcome"] == (
            "replayed"
        )
        caught_up(billed)
        refunded = [
            r for r in payments(stripe_client, stripe_admin, account) if r["status"] == "Refunded"
        ]
        assert len(refunded) == 1

    def test_a_refund_made_in_the_dashboard_is_recorded_once_from_charge_refunded(
        self,
        stripe_client: TestClient,
        stripe_server: FakeStripe,
        billed: Runtime,
        stripe_admin: Account,
    ) -> None:
        account = an_account(stripe_client)
        paid_pro(stripe_client, stripe_server, account)
        payment_id, intent = a_paid_invoice(stripe_client, stripe_server, account)
        caught_up(billed)  # the payment's row: a Dashboard refund is found by its intent
        charge_id = stripe_server.charge_of(intent)
        stripe_server.refunds["re_dashboard" + intent[-8:]] = {
            "id": "re_dashboard" + intent[-8:],
            "object": "refund",
            "amount": 700,
            "currency": "usd",
            "status": "succeeded",
            "payment_intent": intent,
            "charge": charge_id,
            "metadata": {},
        }
        charge = {"id": charge_id, "object": "charge", "payment_intent": intent}
        event = an_event("charge.refunded", charge)
        assert deliver(stripe_client, event).json()["outcome"] == "applied"
        assert deliver(stripe_client, event).json()["outcome"] == "replayed"  # same event id
        again = an_event("charge.refunded", charge)  # another event, the same refund
        assert deliver(stripe_client, again).json()["outcome"] == "replayed"
        dashboard = stripe_server.refunds["re_dashboard" + intent[-8:]]
        carried = an_event("charge.refunded", {**charge, "refunds": {"data": [dashboard]}})
        assert deliver(stripe_client, carried).json()["outcome"] == "replayed"
        # A refund of a payment this deployment never recorded is acknowledged, not kept.
        stranger = {**dashboard, "id": "re_stranger" + intent[-8:], "payment_intent": "pi_x"}
        for metadata in ({}, {"transaction_id": str(uuid4())}):
            event = an_event("refund.updated", {**stranger, "metadata": metadata})
            assert deliver(stripe_client, event).json()["outcome"] == "ignored"
        caught_up(billed)
        refunded = [
            r for r in payments(stripe_client, stripe_admin, account) if r["status"] == "Refunded"
        ]
        assert [(r["amount"], r["refund_of_id"]) for r in refunded] == [("7.00", str(payment_id))]
        left = stripe_client.post(
            f"/admin/payments/{payment_id}/refund",
            json={"amount": "12.01"},
            headers=stripe_admin.auth,
        )
        body = assert_problem(left, 422, "validation")
        assert body["errors"][0]["field"] == "amount" and "12.00" in body["detail"]

    def test_a_pending_refund_is_recorded_when_stripe_says_it_succeeded(
        self,
        stripe_client: TestClient,
        stripe_server: FakeStripe,
        billed: Runtime,
        stripe_admin: Account,
    ) -> None:
        account = an_account(stripe_client)
        paid_pro(stripe_client, stripe_server, account)
        payment_id, _ = a_paid_invoice(stripe_client, stripe_server, account)
        stripe_server.refund_status = "pending"
        try:
            pending = stripe_client.post(
                f"/admin/payments/{payment_id}/refund", headers=stripe_admin.auth
            )
        finally:
            stripe_server.refund_status = "succeeded"
        assert pending.status_code == 202, pending.text
        assert (pending.json()["status"], pending.json()["transaction_id"]) == ("pending", None)
        refund = stripe_server.refunds[pending.json()["refund_id"]]
        assert deliver(stripe_client, an_event("refund.updated", refund)).json()["outcome"] == (
            "ignored"
        )
        done = an_event("refund.updated", {**refund, "status": "succeeded"})
        assert deliver(stripe_client, done).json()["outcome"] == "applied"
        caught_up(billed)
        refunded = [
            r for r in payments(stripe_client, stripe_admin, account) if r["status"] == "Refunded"
        ]
        assert [r["amount"] for r in refunded] == ["19.00"]

    def test_refusals_are_4xx_problems_and_only_an_admin_refunds(
        self,
        stripe_client: TestClient,
        stripe_server: FakeStripe,
        billed: Runtime,
        stripe_admin: Account,
    ) -> None:
        account = an_account(stripe_client)
        session = paid_pro(stripe_client, stripe_server, account)
        payment_id, _ = a_paid_invoice(stripe_client, stripe_server, account)
        url = f"/admin/payments/{payment_id}/refund"
        assert_problem(stripe_client.post(url, headers=account.auth), 403, "forbidden")
        assert stripe_client.post(url).status_code == 401
        listing = stripe_client.get(f"/admin/users/{account.id}/payments", headers=account.auth)
        assert listing.status_code == 403
        for amount in ("19.01", "0.00"):
            over = stripe_client.post(url, json={"amount": amount}, headers=stripe_admin.auth)
            assert assert_problem(over, 422, "validation")["errors"][0]["field"] == "amount"
        for bad in ({"amount": "abc"}, {"amount": "1.234"}, {"amount": 5}, {"extra": 1}):
            assert stripe_client.post(url, json=bad, headers=stripe_admin.auth).status_code == 422
        missing = stripe_client.post(f"/admin/payments/{uuid4()}/refund", headers=stripe_admin.auth)
        assert_problem(missing, 404, "not-found")
        # The checkout's record has no PaymentIntent (subscription mode): refund it in Stripe.
        checkout = transaction_id("stripe", f"checkout:{session['id']}")
        assert_problem(
            stripe_client.post(f"/admin/payments/{checkout}/refund", headers=stripe_admin.auth),
            409,
            "refund-not-allowed",
        )
        # A failed payment has nothing to refund.
        failed = {
            "id": f"in_{uuid4().hex[:14]}",
            "object": "invoice",
            "subscription": f"sub_{account.id.hex[:12]}",
            "amount_due": 1900,
            "currency": "usd",
            "subscription_details": {"metadata": {"user_id": str(account.id)}},
        }
        deliver(stripe_client, an_event("invoice.payment_failed", failed))
        failed_id = transaction_id("stripe", f"invoice:{failed['id']}:invoice.payment_failed")
        assert_problem(
            stripe_client.post(f"/admin/payments/{failed_id}/refund", headers=stripe_admin.auth),
            409,
            "refund-not-allowed",
        )
        # Nothing was refunded by any of these.
        assert billed.billing.payment(payment_id).refunded == "0.00"

    def test_without_stripe_a_refund_is_a_503(
        self, paid_client: TestClient, limited: Runtime
    ) -> None:
        admin = an_account(paid_client)
        limited.identity.grant_role(
            GrantRole(user_id=admin.id, role=Role.ADMIN, meta=system_meta())
        )
        answer = paid_client.post(f"/admin/payments/{uuid4()}/refund", headers=admin.auth)
        assert_problem(answer, 503, "billing-not-configured")


class TestRebuild:
    def test_refunds_and_resumes_replay_equal_to_the_live_rows(
        self,
        stripe_client: TestClient,
        stripe_server: FakeStripe,
        billed: Runtime,
        stripe_admin: Account,
    ) -> None:
        account = an_account(stripe_client)
        paid_pro(stripe_client, stripe_server, account)
        payment_id, _ = a_paid_invoice(stripe_client, stripe_server, account)
        refunded = stripe_client.post(
            f"/admin/payments/{payment_id}/refund",
            json={"amount": "1.00"},
            headers=stripe_admin.auth,
        )
        assert refunded.status_code == 201, refunded.text
        assert stripe_client.post("/me/subscription/cancel", headers=account.auth).is_success
        assert stripe_client.post("/me/subscription/resume", headers=account.auth).is_success
        caught_up(billed)
        report = rebuild(billed.pool, billed.applications(), "subscriptions")
        assert report.equal, [
            t for t in report.tables if t.differing or t.live_rows != t.rebuilt_rows
        ]
        with billed.pool.connection() as conn:
            row = conn.execute(
                "SELECT amount, status, refund_of_id FROM sub.payment_transactions WHERE id = %s",
                (UUID(refunded.json()["transaction_id"]),),
            ).fetchone()
        assert row is not None
        assert (f"{row['amount']:.2f}", row["status"], row["refund_of_id"]) == (
            "1.00",
            3,
            payment_id,
        )
