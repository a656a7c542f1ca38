"""The UserSubscription aggregate: which plan a user is on, and every change to it."""

from enum import IntEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError
from domain.shared.meta import Meta
from domain.subscriptions.plans import FREE_PLAN_ID, SubscriptionPlan


class SubscriptionStatus(IntEnum):
    """Seed 001 §3.7: Trial/Active/PastDue/Cancelled/Expired."""

    Trial = 0
    Active = 1
    PastDue = 2
    Cancelled = 3
    Expired = 4


class BillingCycle(IntEnum):
    Monthly = 0
    Yearly = 1


class ChangeType(IntEnum):
    """A row of sub.subscription_histories: §3.7's five, and the other events of the aggregate."""

    Created = 0
    Upgraded = 1
    Downgraded = 2
    Cancelled = 3
    Reactivated = 4
    Renewed = 5
    PastDue = 6
    Expired = 7


class SubscriptionStateError(ConflictError):
    """A change the subscription's state does not allow (renewing an expired one, say)."""


def subscription_id(user_id: UUID) -> UUID:
    """This function will give a user's one subscription its id: derived from the user, so
    assigning the Free plan twice collides in the event store instead of making two."""
    return uuid5(NAMESPACE_URL, f"testament:subscription:{user_id}")


def _snapshot(plan: SubscriptionPlan) -> dict[str, Any]:
    return {
        "snapshot_plan_name": plan.name,
        "snapshot_price_monthly": plan.price_monthly,
        "snapshot_price_yearly": plan.price_yearly,
        "snapshot_currency": plan.currency,
    }


class UserSubscription(Aggregate):
    """A user's subscription; the plan's name and prices are copied at each change."""

    class Assigned(Aggregate.Created):
        user_id: UUID
        plan_id: UUID
        start_date: str
        snapshot_plan_name: str
        snapshot_price_monthly: str | None
        snapshot_price_yearly: str | None
        snapshot_currency: str
        meta: Meta

    @event(Assigned)
    def __init__(
        self,
        *,
        user_id: UUID,
        plan_id: UUID,
        start_date: str,
        snapshot_plan_name: str,
        snapshot_price_monthly: str | None,
        snapshot_price_yearly: str | None,
        snapshot_currency: str,
        meta: Meta,
    ) -> None:
        self.user_id = user_id
        self.plan_id = plan_id
        self.status = SubscriptionStatus.Active
        self.billing_cycle: BillingCycle | None = None
        self.start_date = start_date
        self.end_date: str | None = None
        self.next_billing_date: str | None = None
        self.trial_ends_at: str | None = None
        self.cancelled_at: str | None = None
        self.grace_until: str | None = None
        self.auto_renew = False
        self.external_sub_id: str | None = None
        self.external_cust_id: str | None = None
        self.snapshot_plan_name = snapshot_plan_name
        self.snapshot_price_monthly = snapshot_price_monthly
        self.snapshot_price_yearly = snapshot_price_yearly
        self.snapshot_currency = snapshot_currency
        # The creation time (Unix seconds) of the latest provider event applied: an older one
        # arriving late (webhooks come in any order) is not applied over it.
        self.provider_event_at = 0

    @staticmethod
    def create_id(user_id: UUID, **_: Any) -> UUID:
        return subscription_id(user_id)

    @classmethod
    def assign(
        cls, *, user_id: UUID, plan: SubscriptionPlan, start_date: str, meta: Meta
    ) -> "UserSubscription":
        """This function will put a user on a plan (Free at registration, §7.2)."""
        return cls(
            user_id=user_id, plan_id=plan.id, start_date=start_date, meta=meta, **_snapshot(plan)
        )

    class PlanChanged(Aggregate.Event):
        old_plan_id: UUID
        plan_id: UUID
        billing_cycle: int | None
        start_date: str
        end_date: str | None
        next_billing_date: str | None
        auto_renew: bool
        external_sub_id: str | None
        external_cust_id: str | None
        snapshot_plan_name: str
        snapshot_price_monthly: str | None
        snapshot_price_yearly: str | None
        snapshot_currency: str
        meta: Meta

        def apply(self, aggregate: Any) -> None:
            for name, value in self.__dict__.items():
                if name in _PLAN_FIELDS:
                    setattr(aggregate, name, value)
            cycle = self.billing_cycle
            aggregate.billing_cycle = None if cycle is None else BillingCycle(cycle)
            aggregate.status = SubscriptionStatus.Active
            aggregate.cancelled_at = None
            aggregate.grace_until = None

    class Upgraded(PlanChanged):
        pass

    class Downgraded(PlanChanged):
        pass

    def change_plan(
        self,
        *,
        plan: SubscriptionPlan,
        current_plan: SubscriptionPlan,
        billing_cycle: BillingCycle | None,
        start_date: str,
        end_date: str | None,
        external_sub_id: str | None = None,
        external_cust_id: str | None = None,
        meta: Meta,
    ) -> bool:
        """This function will move the user to another plan (up or down by the plans' order).
        Returns False when nothing changes."""
        paid = end_date is not None
        same = (
            plan.id == self.plan_id
            and self.status == SubscriptionStatus.Active
            and billing_cycle == self.billing_cycle
            and end_date == self.end_date
        )
        if same:
            return False
        upward = plan.sort_order > current_plan.sort_order or (
            plan.id == current_plan.id and self.status != SubscriptionStatus.Active
        )
        event_class = UserSubscription.Upgraded if upward else UserSubscription.Downgraded
        self.trigger_event(
            event_class,
            old_plan_id=self.plan_id,
            plan_id=plan.id,
            billing_cycle=None if billing_cycle is None else int(billing_cycle),
            start_date=start_date,
            end_date=end_date,
            next_billing_date=end_date if paid else None,
            # Renewal is the payment provider's: an Admin's dated assignment just ends.
            auto_renew=paid and external_sub_id is not None,
            external_sub_id=external_sub_id if paid else None,
            external_cust_id=external_cust_id or self.external_cust_id,
            meta=meta,
            **_snapshot(plan),
        )
        return True

    class ProviderEventApplied(Aggregate.Event):
        provider_event_at: int
        provider_event_id: str

    def apply_provider_event(self, *, created: int, event_id: str) -> bool:
        """This function will note a provider's event as applied; False (apply nothing) when a
        later one was applied already."""
        if created < self.provider_event_at:
            return False
        self._provider_event(provider_event_at=created, provider_event_id=event_id)
        return True

    @event(ProviderEventApplied)
    def _provider_event(self, *, provider_event_at: int, provider_event_id: str) -> None:
        self.provider_event_at = provider_event_at

    class Renewed(Aggregate.Event):
        end_date: str
        next_billing_date: str
        meta: Meta

    def renew(self, *, end_date: str, meta: Meta) -> bool:
        """This function will extend a paid period (an invoice paid); False when no later."""
        if self.status in (SubscriptionStatus.Expired, SubscriptionStatus.Cancelled):
            raise SubscriptionStateError(f"a {self.status.name} subscription cannot renew")
        if (
            self.end_date is not None
            and end_date <= self.end_date
            and (self.status == SubscriptionStatus.Active)
        ):
            return False
        self._renew(end_date=end_date, next_billing_date=end_date, meta=meta)
        return True

    @event(Renewed)
    def _renew(self, *, end_date: str, next_billing_date: str, meta: Meta) -> None:
        self.end_date = end_date
        self.next_billing_date = next_billing_date
        self.status = SubscriptionStatus.Active
        self.grace_until = None

    class WentPastDue(Aggregate.Event):
        grace_until: str
        reason: str
        meta: Meta

    def mark_past_due(self, *, grace_until: str, reason: str, meta: Meta) -> bool:
        """This function will record a failed payment: the plan stays until the grace ends."""
        if self.status != SubscriptionStatus.Active or self.plan_id == FREE_PLAN_ID:
            return False
        self._past_due(grace_until=grace_until, reason=reason, meta=meta)
        return True

    @event(WentPastDue)
    def _past_due(self, *, grace_until: str, reason: str, meta: Meta) -> None:
        self.status = SubscriptionStatus.PastDue
        self.grace_until = grace_until

    class Cancelled(Aggregate.Event):
        cancelled_at: str
        at_period_end: bool
        reason: str
        meta: Meta

    def cancel(self, *, cancelled_at: str, at_period_end: bool, reason: str, meta: Meta) -> bool:
        """This function will stop renewal; the paid plan lasts to the period's end."""
        if self.plan_id == FREE_PLAN_ID or self.status in (
            SubscriptionStatus.Cancelled,
            SubscriptionStatus.Expired,
        ):
            return False
        if at_period_end and self.cancelled_at is not None:
            return False
        self._cancel(
            cancelled_at=cancelled_at, at_period_end=at_period_end, reason=reason, meta=meta
        )
        return True

    @event(Cancelled)
    def _cancel(self, *, cancelled_at: str, at_period_end: bool, reason: str, meta: Meta) -> None:
        self.cancelled_at = cancelled_at
        self.auto_renew = False
        if not at_period_end:
            self.status = SubscriptionStatus.Cancelled

    def require_cancellable(self, *, today: str) -> None:
        """This function will refuse a cancellation at the period's end that has nothing to
        end: Free, a plan already ended, or an Admin's undated assignment (no period to end).
        Raises SubscriptionStateError."""
        if self.plan_id == FREE_PLAN_ID:
            raise SubscriptionStateError("the Free plan has nothing to cancel")
        if self.status in (SubscriptionStatus.Cancelled, SubscriptionStatus.Expired):
            raise SubscriptionStateError(f"a {self.status.name} subscription cannot be cancelled")
        if self.end_date is None:
            raise SubscriptionStateError(
                "this plan has no billing period to end (an Admin assigned it): ask an Admin"
            )
        if self.end_date < today:
            raise SubscriptionStateError("the billing period has ended already")

    class Resumed(Aggregate.Event):
        auto_renew: bool
        reason: str
        meta: Meta

    def resumable(self, *, today: str) -> bool:
        """This function will tell whether a cancellation at the period's end is pending (and
        can still be undone). Raises SubscriptionStateError when the period is over."""
        if self.status in (SubscriptionStatus.Cancelled, SubscriptionStatus.Expired):
            raise SubscriptionStateError(f"a {self.status.name} subscription cannot be resumed")
        if self.cancelled_at is None:
            return False
        if self.end_date is not None and self.end_date < today:
            raise SubscriptionStateError("the billing period has ended: subscribe again")
        return True

    def resume(self, *, today: str, reason: str, meta: Meta) -> bool:
        """This function will undo a cancellation at the period's end before the period ends:
        renewal is on again (for a provider's subscription). False when none is pending.
        Raises SubscriptionStateError."""
        if not self.resumable(today=today):
            return False
        self._resume(auto_renew=self.external_sub_id is not None, reason=reason, meta=meta)
        return True

    @event(Resumed)
    def _resume(self, *, auto_renew: bool, reason: str, meta: Meta) -> None:
        self.cancelled_at = None
        self.auto_renew = auto_renew

    class Expired(Aggregate.Event):
        old_plan_id: UUID
        plan_id: UUID
        reason: str
        snapshot_plan_name: str
        snapshot_price_monthly: str | None
        snapshot_price_yearly: str | None
        snapshot_currency: str
        meta: Meta

    def expire(self, *, free_plan: SubscriptionPlan, reason: str, meta: Meta) -> bool:
        """This function will end a paid plan (period over unpaid or cancelled, grace passed):
        the user goes back to Free, never to no plan at all."""
        if self.plan_id == free_plan.id:
            return False
        self._expire(
            old_plan_id=self.plan_id,
            plan_id=free_plan.id,
            reason=reason,
            meta=meta,
            **_snapshot(free_plan),
        )
        return True

    @event(Expired)
    def _expire(
        self,
        *,
        old_plan_id: UUID,
        plan_id: UUID,
        reason: str,
        snapshot_plan_name: str,
        snapshot_price_monthly: str | None,
        snapshot_price_yearly: str | None,
        snapshot_currency: str,
        meta: Meta,
    ) -> None:
        self.plan_id = plan_id
        self.snapshot_plan_name = snapshot_plan_name
        self.snapshot_price_monthly = snapshot_price_monthly
        self.snapshot_price_yearly = snapshot_price_yearly
        self.snapshot_currency = snapshot_currency
        self.status = SubscriptionStatus.Expired
        self.billing_cycle = None
        self.end_date = None
        self.next_billing_date = None
        self.auto_renew = False
        self.grace_until = None
        self.external_sub_id = None


_PLAN_FIELDS = {
    "plan_id",
    "start_date",
    "end_date",
    "next_billing_date",
    "auto_renew",
    "external_sub_id",
    "external_cust_id",
    "snapshot_plan_name",
    "snapshot_price_monthly",
    "snapshot_price_yearly",
    "snapshot_currency",
}
