"""The sub read tables, from the SubscriptionPlan and UserSubscription events."""

from functools import singledispatchmethod
from typing import Any
from uuid import uuid5

from domain.subscriptions.payments import PaymentIntent, PaymentTransaction
from domain.subscriptions.plans import SubscriptionPlan
from domain.subscriptions.subscription import ChangeType, SubscriptionStatus, UserSubscription
from projections.base import Projection
from projections.shared import event_meta
from projections.subscriptions.view import SubscriptionsView

_PLAN_COLUMNS = (
    "display_name",
    "description",
    "price_monthly",
    "price_yearly",
    "currency",
    "is_active",
    "sort_order",
    "export_formats",
    "llm_features",
)
_SNAPSHOT = (
    "snapshot_plan_name",
    "snapshot_price_monthly",
    "snapshot_price_yearly",
    "snapshot_currency",
)


class SubscriptionsProjection(Projection[SubscriptionsView]):
    """Plans with their limits, subscriptions, and one history row per subscription change."""

    name = "subscriptions"
    follows = ("sub",)

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore events that change no sub row."""

    @process_event.register
    def _(self, e: SubscriptionPlan.Created) -> None:
        self._plan(e, created=True, name=e.name)

    @process_event.register
    def _(self, e: SubscriptionPlan.Changed) -> None:
        self._plan(e, created=False)

    def _plan(self, e: Any, *, created: bool, **extra: Any) -> None:
        fields = {name: getattr(e, name) for name in _PLAN_COLUMNS} | extra
        at, version = e.timestamp, e.originator_version
        self.view.upsert_plan(
            e.originator_id, at=at, version=version, created=created, fields=fields
        )
        self.view.replace_limits(e.originator_id, at=at, version=version, limits=e.limits)

    @process_event.register
    def _(self, e: UserSubscription.Assigned) -> None:
        fields = {
            "plan_id": e.plan_id,
            "user_id": e.user_id,
            "status": int(SubscriptionStatus.Active),
            "start_date": e.start_date,
            "auto_renew": False,
        } | {name: getattr(e, name) for name in _SNAPSHOT}
        self._subscription(e, fields, created=True)
        self._history(e, ChangeType.Created, e.plan_id, None, e.start_date)

    @process_event.register
    def _(self, e: UserSubscription.PlanChanged) -> None:
        fields = {
            "plan_id": e.plan_id,
            "status": int(SubscriptionStatus.Active),
            "billing_cycle": e.billing_cycle,
            "start_date": e.start_date,
            "end_date": e.end_date,
            "next_billing_date": e.next_billing_date,
            "auto_renew": e.auto_renew,
            "external_sub_id": e.external_sub_id,
            "external_cust_id": e.external_cust_id,
            "cancelled_at": None,
        } | {name: getattr(e, name) for name in _SNAPSHOT}
        self._subscription(e, fields)
        change = (
            ChangeType.Upgraded
            if isinstance(e, UserSubscription.Upgraded)
            else ChangeType.Downgraded
        )
        self._history(e, change, e.plan_id, e.old_plan_id, e.start_date)

    @process_event.register
    def _(self, e: UserSubscription.Renewed) -> None:
        self._subscription(
            e,
            {
                "end_date": e.end_date,
                "next_billing_date": e.next_billing_date,
                "status": int(SubscriptionStatus.Active),
            },
        )
        self._history(e, ChangeType.Renewed, None, None, e.timestamp.date().isoformat())

    @process_event.register
    def _(self, e: UserSubscription.WentPastDue) -> None:
        self._subscription(e, {"status": int(SubscriptionStatus.PastDue)})
        self._history(e, ChangeType.PastDue, None, None, e.timestamp.date().isoformat(), e.reason)

    @process_event.register
    def _(self, e: UserSubscription.Cancelled) -> None:
        fields: dict[str, Any] = {"cancelled_at": e.cancelled_at, "auto_renew": False}
        if not e.at_period_end:
            fields["status"] = int(SubscriptionStatus.Cancelled)
        self._subscription(e, fields)
        self._history(e, ChangeType.Cancelled, None, None, e.cancelled_at[:10], e.reason)

    @process_event.register
    def _(self, e: UserSubscription.Expired) -> None:
        fields = {
            "plan_id": e.plan_id,
            "status": int(SubscriptionStatus.Expired),
            "billing_cycle": None,
            "end_date": None,
            "next_billing_date": None,
            "auto_renew": False,
            "external_sub_id": None,
        } | {name: getattr(e, name) for name in _SNAPSHOT}
        self._subscription(e, fields)
        self._history(
            e,
            ChangeType.Expired,
            e.plan_id,
            e.old_plan_id,
            e.timestamp.date().isoformat(),
            e.reason,
        )

    @process_event.register
    def _(self, e: PaymentIntent.Created) -> None:
        self.view.insert_row(
            "payment_intents",
            {
                "id": e.originator_id,
                "plan_id": e.plan_id,
                "subscription_id": e.subscription_id,
                "user_id": e.user_id,
                "amount": e.amount,
                "currency": e.currency,
                "billing_cycle": e.billing_cycle,
                "purpose": e.purpose,
                "status": "Pending",
                "order_code": e.order_code,
                "checkout_url": e.checkout_url,
                "expires_at": e.expires_at,
                "created_date_time": e.timestamp,
                "updated_date_time": e.timestamp,
                "row_version": e.originator_version,
                "external_id": e.external_id,
            },
        )

    @process_event.register
    def _(self, e: PaymentIntent.Completed) -> None:
        self.view.update_fields(
            "payment_intents",
            e.originator_id,
            at=e.timestamp,
            version=e.originator_version,
            fields={"status": "Completed"},
        )

    @process_event.register
    def _(self, e: PaymentTransaction.Recorded) -> None:
        fields = {
            name: getattr(e, name)
            for name in (
                "payment_intent_id",
                "subscription_id",
                "user_id",
                "amount",
                "currency",
                "status",
                "payment_method",
                "provider",
                "provider_ref",
                "external_txn_id",
                "invoice_url",
                "failure_reason",
            )
        }
        self.view.insert_row(
            "payment_transactions",
            {
                "id": e.originator_id,
                **fields,
                "created_date_time": e.timestamp,
                "updated_date_time": e.timestamp,
                "row_version": e.originator_version,
            },
        )

    @process_event.register
    def _(self, e: PaymentTransaction.RefundRecorded) -> None:
        # The payment's own row stays as it was billed: the refund is a row of its own.
        self.view.link_refund(e.refund_transaction_id, e.originator_id)

    @process_event.register
    def _(self, e: UserSubscription.Resumed) -> None:
        self._subscription(e, {"cancelled_at": None, "auto_renew": e.auto_renew})
        self._history(
            e, ChangeType.Reactivated, None, None, e.timestamp.date().isoformat(), e.reason
        )

    def _subscription(self, e: Any, fields: dict[str, Any], *, created: bool = False) -> None:
        self.view.upsert_subscription(
            e.originator_id,
            at=e.timestamp,
            version=e.originator_version,
            created=created,
            fields=fields,
        )

    def _history(
        self,
        e: Any,
        change: ChangeType,
        new_plan_id: Any,
        old_plan_id: Any,
        effective: str,
        reason: str | None = None,
    ) -> None:
        self.view.add_history(
            uuid5(e.originator_id, f"history:{e.originator_version}"),
            subscription_id=e.originator_id,
            new_plan_id=new_plan_id,
            old_plan_id=old_plan_id,
            change_type=int(change),
            change_reason=reason or event_meta(e).get("reason") or "",
            effective_date=effective,
            at=e.timestamp,
            version=e.originator_version,
        )
