"""Billing: a checkout for a paid plan, and the provider's webhooks that change the plan.

A plan changes only when the provider confirms a payment (checkout completed, invoice paid);
every webhook is verified by its signature, handled once per event id, and a subscription
update older than one already applied is not applied over it."""

from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from application.shared.base import Written
from application.subscriptions.app import SubscriptionsApplication
from application.subscriptions.ports import (
    InvalidSignatureError,
    PaymentGateway,
    PaymentLookup,
    RequestLedger,
)
from application.subscriptions.refunds import PROVIDER, Refunds
from domain.shared.errors import DomainError, InvalidValueError, NotFoundError
from domain.shared.meta import Meta, system_meta
from domain.subscriptions.payments import (
    PaymentIntent,
    PaymentTransaction,
    TransactionStatus,
)
from domain.subscriptions.plans import FREE_PLAN_ID
from domain.subscriptions.subscription import (
    BillingCycle,
    SubscriptionStateError,
    UserSubscription,
    subscription_id,
)

WEBHOOK_REQUESTS = "stripe-webhook"


class BillingNotConfiguredError(DomainError):
    """A billing route on a deployment without a payment provider configured (HTTP 503)."""


@dataclass(frozen=True, kw_only=True)
class BillingSettings:
    # (plan name, cycle name) -> the provider's price id
    prices: dict[tuple[str, str], str]
    success_url: str
    cancel_url: str


@dataclass(frozen=True, kw_only=True)
class Checkout:
    payment_intent_id: UUID
    checkout_url: str
    expires_at: datetime
    amount: str
    currency: str


class Billing(Refunds):
    """Checkout and webhooks; without a gateway every call is BillingNotConfiguredError."""

    def __init__(
        self,
        sub: SubscriptionsApplication,
        *,
        gateway: PaymentGateway | None,
        ledger: RequestLedger,
        settings: BillingSettings | None,
        payments: PaymentLookup | None = None,
    ) -> None:
        self._sub, self._gateway, self._ledger, self._settings = sub, gateway, ledger, settings
        self._payments = payments

    def _configured(self) -> tuple[PaymentGateway, BillingSettings]:
        if self._gateway is None or self._settings is None:
            raise BillingNotConfiguredError(
                "billing is not configured on this deployment (TESTAMENT_STRIPE_* settings); "
                "an Admin can assign plans"
            )
        return self._gateway, self._settings

    def checkout(self, user_id: UUID, plan_name: str, cycle: str, meta: Meta) -> Checkout:
        """This function will open a checkout for a paid plan and record the intent.
        Raises BillingNotConfiguredError, InvalidValueError, NotFoundError."""
        gateway, settings = self._configured()
        price_id = settings.prices.get((plan_name, cycle))
        if price_id is None:
            raise InvalidValueError("plan", f"{plan_name} {cycle} is not sold by checkout")
        plans = {p.name: p for p in (self._sub.plan(i) for i in self._plan_ids())}
        plan = plans.get(plan_name)
        if plan is None:
            raise NotFoundError("plan not found")
        subscription = self._sub.subscription(user_id)
        intent_id = uuid4()
        session = gateway.create_checkout(
            price_id=price_id,
            intent_id=intent_id,
            user_id=user_id,
            plan_id=plan.id,
            billing_cycle=cycle,
            customer_id=subscription.external_cust_id if subscription else None,
            success_url=settings.success_url,
            cancel_url=settings.cancel_url,
        )
        listed = plan.price_monthly if cycle == "Monthly" else plan.price_yearly
        amount = (
            str(Decimal(session.amount_total) / 100)
            if session.amount_total is not None
            else listed or "0.00"
        )
        expires = datetime.fromtimestamp(session.expires_at, UTC)
        intent = PaymentIntent(
            intent_id=intent_id,
            plan_id=plan.id,
            subscription_id=subscription_id(user_id),
            user_id=user_id,
            amount=f"{Decimal(amount):.2f}",
            currency=session.currency.upper(),
            billing_cycle=cycle,
            purpose="Upgrade",
            order_code=int(datetime.now(UTC).timestamp() * 1000),
            checkout_url=session.url,
            external_id=session.id,
            expires_at=expires.isoformat(),
            meta=meta,
        )
        self._sub.save(intent)
        return Checkout(
            payment_intent_id=intent_id,
            checkout_url=session.url,
            expires_at=expires,
            amount=f"{Decimal(amount):.2f}",
            currency=session.currency.upper(),
        )

    # -- cancellation of our own

    def cancel(self, user_id: UUID, reason: str, meta: Meta) -> Written:
        """This function will cancel at the period's end: at Stripe first when the plan is
        a Stripe subscription (nothing is recorded if Stripe refuses), then as an event.
        Idempotent. Raises SubscriptionStateError, BillingNotConfiguredError,
        PaymentProviderError."""
        subscription = self._sub.require_cancellable(user_id)
        external = subscription.external_sub_id
        at_provider = external is not None and subscription.cancelled_at is None
        if external is not None and at_provider:
            gateway, _ = self._configured()
            gateway.set_cancel_at_period_end(external, True)
        return self._sub.cancel_at_period_end(
            user_id,
            reason=reason or "cancelled by the user",
            meta=meta,
            provider_change=at_provider,
        )

    def resume(self, user_id: UUID, meta: Meta) -> Written:
        """This function will undo a cancellation at the period's end before the period ends
        (renewal at Stripe on again first). Idempotent. Raises SubscriptionStateError, BillingNotConfiguredError, PaymentProviderError."""
        subscription = self._sub.subscription_or_free(user_id, meta)
        external = subscription.external_sub_id
        pending = subscription.resumable(today=self._sub.now().date().isoformat())
        if external is not None and pending:
            gateway, _ = self._configured()
            gateway.set_cancel_at_period_end(external, False)
        return self._sub.resume(
            user_id,
            reason="resumed by the user",
            meta=meta,
            provider_change=external is not None and pending,
        )

    def _plan_ids(self) -> list[UUID]:
        from domain.subscriptions.plans import SEED_PLANS, plan_id

        return [plan_id(name) for name in SEED_PLANS]

    def handle_webhook(self, payload: bytes, signature: str | None) -> str:
        """This function will apply one verified webhook; returns what became of it:
        applied, replayed (its id was handled before), stale (older than what was applied)
        or ignored (a type Testament does not act on). Raises InvalidSignatureError,
        BillingNotConfiguredError."""
        if not signature:
            # Never a Stripe webhook, configured or not.
            raise InvalidSignatureError("no Stripe-Signature header")
        gateway, _ = self._configured()
        event = gateway.verified_event(payload, signature)
        event_id = str(event.get("id", ""))
        if not event_id:
            raise InvalidValueError("id", "a webhook event has an id")
        if self._ledger.seen(WEBHOOK_REQUESTS, event_id):
            return "replayed"
        handler = _HANDLERS.get(str(event.get("type", "")))
        outcome = "ignored" if handler is None else handler(self, event)
        self._ledger.record(WEBHOOK_REQUESTS, event_id)
        return outcome

    # -- the events

    def _checkout_completed(self, event: dict[str, Any]) -> str:
        session = event["data"]["object"]
        intent_ref = session.get("client_reference_id")
        try:
            intent: PaymentIntent = self._sub.load_version(UUID(str(intent_ref)))
        except (ValueError, NotFoundError):
            return "ignored"  # not a checkout this deployment opened
        meta = system_meta(f"stripe {event['type']} {event['id']}")
        if not intent.complete(meta=meta):
            return "replayed"
        cycle = BillingCycle[intent.billing_cycle]
        self._sub.change_plan(
            intent.user_id,
            intent.plan_id,
            billing_cycle=cycle,
            meta=meta,
            external_sub_id=session.get("subscription"),
            external_cust_id=session.get("customer"),
        )
        # A subscription's Checkout is paid by its first invoice, whose invoice.paid comes
        # too (before or after this): recorded under the invoice's reference, the payment is
        # kept once whichever arrives first (the second is the same record, skipped).
        first_invoice = session.get("invoice")
        self._record(
            intent.user_id,
            intent_id=intent.id,
            reference=(
                f"invoice:{first_invoice}:invoice.paid"
                if first_invoice
                else f"checkout:{session['id']}"
            ),
            amount=session.get("amount_total"),
            currency=session.get("currency") or "usd",
            status=TransactionStatus.Succeeded,
            external=session.get("payment_intent") or session["id"],
            invoice_url="",
            failure="",
        )
        self._sub.save(intent)
        return "applied"

    def _invoice(self, event: dict[str, Any], *, paid: bool) -> str:
        invoice = event["data"]["object"]
        subscription = self._by_provider(invoice, invoice.get("subscription"))
        if subscription is None:
            return "ignored"
        meta = system_meta(f"stripe {event['type']} {event['id']}")
        if paid:
            period_end = _period_end(invoice)
            if period_end is not None and subscription.plan_id != FREE_PLAN_ID:
                self._sub.renew(subscription.user_id, period_end, meta)
        else:
            self._sub.mark_past_due(
                subscription.user_id, _failure(invoice) or "payment failed", meta
            )
        self._record(
            subscription.user_id,
            intent_id=None,
            reference=f"invoice:{invoice['id']}:{event['type']}",
            amount=invoice.get("amount_paid") if paid else invoice.get("amount_due"),
            currency=invoice.get("currency") or "usd",
            status=TransactionStatus.Succeeded if paid else TransactionStatus.Failed,
            external=str(invoice.get("payment_intent") or invoice["id"]),
            invoice_url=invoice.get("hosted_invoice_url") or "",
            failure="" if paid else _failure(invoice),
        )
        return "applied"

    def _subscription_updated(self, event: dict[str, Any]) -> str:
        stripe_sub = event["data"]["object"]
        subscription = self._by_provider(stripe_sub, stripe_sub.get("id"))
        if subscription is None:
            return "ignored"
        if not subscription.apply_provider_event(
            created=int(event.get("created") or 0), event_id=str(event["id"])
        ):
            return "stale"
        meta = system_meta(f"stripe {event['type']} {event['id']}")
        status = stripe_sub.get("status")
        if event["type"] == "customer.subscription.deleted" or status in ("canceled", "unpaid"):
            subscription.cancel(
                cancelled_at=_now(), at_period_end=False, reason="ended at Stripe", meta=meta
            )
            subscription.expire(
                free_plan=self._sub.plan(FREE_PLAN_ID), reason="ended at Stripe", meta=meta
            )
        elif status == "past_due":
            subscription.mark_past_due(grace_until=_grace(), reason="past due at Stripe", meta=meta)
        else:
            end = stripe_sub.get("current_period_end") or _item_period_end(stripe_sub)
            if end:
                day = datetime.fromtimestamp(int(end), UTC).date().isoformat()
                if subscription.status.name != "Expired":
                    subscription.renew(end_date=day, meta=meta)
            if stripe_sub.get("cancel_at_period_end"):
                subscription.cancel(
                    cancelled_at=_now(),
                    at_period_end=True,
                    reason="cancelled at Stripe",
                    meta=meta,
                )
            else:
                # Renewal on again at Stripe (its customer portal, or our resume's echo); a
                # period already over has nothing left to resume.
                with suppress(SubscriptionStateError):
                    subscription.resume(
                        today=self._sub.now().date().isoformat(),
                        reason="resumed at Stripe",
                        meta=meta,
                    )
        self._sub.written(subscription)
        return "applied"

    def _by_provider(self, obj: dict[str, Any], external_sub_id: Any) -> UserSubscription | None:
        """The subscription a provider object is about: by the user id put in the provider
        subscription's metadata at checkout, checked against the provider's subscription id."""
        metadata = obj.get("metadata") or {}
        details = (obj.get("subscription_details") or {}).get("metadata") or {}
        user_ref = metadata.get("user_id") or details.get("user_id")
        try:
            user_id = UUID(str(user_ref))
        except ValueError:
            return None
        subscription = self._sub.subscription(user_id)
        if subscription is None:
            return None
        if external_sub_id and subscription.external_sub_id not in (None, external_sub_id):
            return None  # an older provider subscription of this user: not the current one
        return subscription

    def _record(
        self,
        user_id: UUID,
        *,
        intent_id: UUID | None,
        reference: str,
        amount: Any,
        currency: str,
        status: TransactionStatus,
        external: str,
        invoice_url: str,
        failure: str,
    ) -> None:
        transaction = PaymentTransaction(
            payment_intent_id=intent_id,
            subscription_id=subscription_id(user_id),
            user_id=user_id,
            amount=f"{Decimal(int(amount or 0)) / 100:.2f}",
            currency=currency.upper(),
            status=int(status),
            payment_method="card",
            provider=PROVIDER,
            provider_ref=reference,
            external_txn_id=external,
            invoice_url=invoice_url,
            failure_reason=failure,
            meta=system_meta("stripe webhook"),
        )
        try:
            self._sub.save(transaction)
        except Exception as error:  # the same record, delivered again: already kept
            from eventsourcing.persistence import IntegrityError

            if not isinstance(error, IntegrityError):
                raise


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _grace() -> str:
    from application.subscriptions.app import GRACE_PERIOD

    return (datetime.now(UTC) + GRACE_PERIOD).isoformat()


def _period_end(invoice: dict[str, Any]) -> date | None:
    lines = (invoice.get("lines") or {}).get("data") or []
    ends = [line.get("period", {}).get("end") for line in lines if line.get("period")]
    end = max((e for e in ends if e), default=None) or invoice.get("period_end")
    return datetime.fromtimestamp(int(end), UTC).date() if end else None


def _item_period_end(stripe_sub: dict[str, Any]) -> int | None:
    items = (stripe_sub.get("items") or {}).get("data") or []
    ends = [item.get("current_period_end") for item in items if item.get("current_period_end")]
    return max(ends, default=None)


def _failure(invoice: dict[str, Any]) -> str:
    error = invoice.get("last_finalization_error") or {}
    return str(error.get("message") or invoice.get("status") or "payment failed")[:1000]


_HANDLERS = {
    "checkout.session.completed": Billing._checkout_completed,
    "invoice.paid": lambda self, e: self._invoice(e, paid=True),
    "invoice.payment_succeeded": lambda self, e: self._invoice(e, paid=True),
    "invoice.payment_failed": lambda self, e: self._invoice(e, paid=False),
    "customer.subscription.updated": Billing._subscription_updated,
    "customer.subscription.deleted": Billing._subscription_updated,
    "charge.refunded": Billing._charge_refunded,
    "refund.created": Billing._refund_event,
    "refund.updated": Billing._refund_event,
}
