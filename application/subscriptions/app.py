"""The sub context: plans as data, each user's subscription, and every change to them."""

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from application.shared.base import TestamentApplication, Written, require_version
from application.subscriptions.commands import AssignPlan
from application.subscriptions.ports import Clock
from domain.shared.errors import ConflictError, InvalidValueError, NotFoundError
from domain.shared.meta import Meta, system_meta
from domain.subscriptions.periods import add_months
from domain.subscriptions.plans import (
    FREE_PLAN_ID,
    SEED_PLANS,
    PlanTerms,
    SubscriptionPlan,
    checked_terms,
    plan_id,
)
from domain.subscriptions.subscription import (
    BillingCycle,
    SubscriptionStateError,
    SubscriptionStatus,
    UserSubscription,
    subscription_id,
)


class PlanNameTakenError(ConflictError):
    """A new plan named like an existing one (a plan's id derives from its name)."""


# How long a paid plan lasts after a failed payment before it expires (Stripe retries).
GRACE_PERIOD = timedelta(days=7)


class SubscriptionsApplication(TestamentApplication):
    """Plans, subscriptions and their changes; limits are read through PlanLimits."""

    name = "sub"

    def __init__(self, env: dict[str, str] | None = None, *, clock: Clock) -> None:
        super().__init__(env)
        self._clock = clock

    def now(self) -> datetime:
        return self._clock.now()

    # Plans

    def seed_plans(self) -> int:
        """This function will create the seeded plans (§7.5) that do not exist yet; safe to
        run again and by several processes at once. Returns how many it created."""
        created = 0
        for name, terms in SEED_PLANS.items():
            if self._exists(plan_id(name)):
                continue
            plan = SubscriptionPlan(name=name, meta=system_meta("seed plans"), **terms.__dict__)
            try:
                self.save(plan)
                created += 1
            except IntegrityError:
                pass  # another process seeded it first
        return created

    def create_plan(self, name: str, terms: PlanTerms, meta: Meta) -> Written:
        """This function will add a plan (an Admin's). Raises InvalidValueError, ConflictError."""
        clean = name.strip()
        if not clean or len(clean) > 100:
            raise InvalidValueError("name", "must be 1 to 100 characters")
        if self._exists(plan_id(clean)):
            raise PlanNameTakenError(f"a plan is named {clean!r}")
        checked = checked_terms(terms, enterprise=clean == "Enterprise")
        plan = SubscriptionPlan(name=clean, meta=meta, **checked.__dict__)
        return self.written(plan)

    def plan(self, plan_id_: UUID) -> SubscriptionPlan:
        """This function will load a plan. Raises NotFoundError."""
        plan = self.load_version(plan_id_)
        if not isinstance(plan, SubscriptionPlan):
            raise NotFoundError("plan not found")
        return plan

    def edit_plan(
        self, plan_id_: UUID, terms: PlanTerms, *, expected_version: int | None, meta: Meta
    ) -> Written:
        """This function will change a plan's terms; subscriptions keep the prices they were
        sold at (their snapshot). Raises NotFoundError, VersionMismatchError, InvalidValueError."""
        plan = self.plan(plan_id_)
        require_version(plan, expected_version)
        plan.change(terms, meta=meta)
        return self.written(plan)

    # Subscriptions

    def subscription(self, user_id: UUID) -> UserSubscription | None:
        """This function will load a user's subscription, None before one is assigned."""
        try:
            found = self.load_version(subscription_id(user_id))
        except NotFoundError:
            return None
        return found if isinstance(found, UserSubscription) else None

    def assign_free_plan(self, user_id: UUID, start: date, meta: Meta) -> bool:
        """This function will put a new user on Free (§7.2). Idempotent: the subscription's
        id derives from the user, so a second assignment collides and changes nothing.
        Returns whether it assigned."""
        if self._exists(subscription_id(user_id)):
            return False
        subscription = UserSubscription.assign(
            user_id=user_id, plan=self.plan(FREE_PLAN_ID), start_date=start.isoformat(), meta=meta
        )
        try:
            self.save(subscription)
        except IntegrityError:
            return False
        return True

    def change_plan(
        self,
        user_id: UUID,
        new_plan_id: UUID,
        *,
        billing_cycle: BillingCycle | None,
        meta: Meta,
        end_date: date | None = None,
        external_sub_id: str | None = None,
        external_cust_id: str | None = None,
    ) -> Written:
        """This function will move a user to a plan (an Admin's assignment, or a payment
        Stripe confirmed). A paid cycle without an end date runs one cycle from today.
        Raises NotFoundError."""
        plan = self.plan(new_plan_id)
        subscription = self.subscription_or_free(user_id, meta)
        today = self.now().date()
        if billing_cycle is not None and end_date is None:
            end_date = add_months(today, 1 if billing_cycle == BillingCycle.Monthly else 12)
        subscription.change_plan(
            plan=plan,
            current_plan=self.plan(subscription.plan_id),
            billing_cycle=billing_cycle,
            start_date=today.isoformat(),
            end_date=end_date.isoformat() if end_date else None,
            external_sub_id=external_sub_id,
            external_cust_id=external_cust_id,
            meta=meta,
        )
        return self.written(subscription)

    def assign_plan(self, cmd: AssignPlan) -> Written:
        """This function will put a user on a plan by an Admin's decision (no payment)."""
        cycle = None if cmd.billing_cycle is None else BillingCycle[cmd.billing_cycle]
        return self.change_plan(
            cmd.user_id, cmd.plan_id, billing_cycle=cycle, end_date=cmd.end_date, meta=cmd.meta
        )

    def renew(self, user_id: UUID, end_date: date, meta: Meta) -> Written:
        """This function will extend the paid period (an invoice paid)."""
        subscription = self.existing(user_id)
        subscription.renew(end_date=end_date.isoformat(), meta=meta)
        return self.written(subscription)

    def mark_past_due(self, user_id: UUID, reason: str, meta: Meta) -> Written:
        """This function will record a failed payment; the plan stays for the grace period."""
        subscription = self.existing(user_id)
        grace = (self.now() + GRACE_PERIOD).isoformat()
        subscription.mark_past_due(grace_until=grace, reason=reason, meta=meta)
        return self.written(subscription)

    def cancel(self, user_id: UUID, *, at_period_end: bool, reason: str, meta: Meta) -> Written:
        """This function will stop renewal (at the period's end) or end the plan now."""
        subscription = self.existing(user_id)
        subscription.cancel(
            cancelled_at=self.now().isoformat(),
            at_period_end=at_period_end,
            reason=reason,
            meta=meta,
        )
        if not at_period_end:
            subscription.expire(free_plan=self.plan(FREE_PLAN_ID), reason=reason, meta=meta)
        return self.written(subscription)

    def require_cancellable(self, user_id: UUID) -> UserSubscription:
        """This function will load a subscription that can be cancelled at its period's end.
        Raises SubscriptionStateError."""
        subscription = self.subscription(user_id)
        if subscription is None:  # the registration process has not run yet: on Free
            raise SubscriptionStateError("the Free plan has nothing to cancel")
        subscription.require_cancellable(today=self.now().date().isoformat())
        return subscription

    def cancel_at_period_end(
        self, user_id: UUID, *, reason: str, meta: Meta, provider_change: bool = False
    ) -> Written:
        """This function will stop renewal: the plan lasts to the period's end, then the
        expiry job (or Stripe's `customer.subscription.deleted`) puts the user on Free.
        Idempotent. `provider_change`: the change was just made at the payment provider,
        so its webhooks created before now are older than this. Raises NotFoundError,
        SubscriptionStateError."""
        subscription = self.require_cancellable(user_id)
        self._note_provider_change(subscription, provider_change, "cancel")
        subscription.cancel(
            cancelled_at=self.now().isoformat(), at_period_end=True, reason=reason, meta=meta
        )
        return self.written(subscription)

    def resume(
        self, user_id: UUID, *, reason: str, meta: Meta, provider_change: bool = False
    ) -> Written:
        """This function will undo a cancellation at the period's end, before it ends.
        Idempotent. Raises SubscriptionStateError."""
        subscription = self.subscription_or_free(user_id, meta)
        self._note_provider_change(subscription, provider_change, "resume")
        subscription.resume(today=self.now().date().isoformat(), reason=reason, meta=meta)
        return self.written(subscription)

    def _note_provider_change(
        self, subscription: UserSubscription, provider_change: bool, what: str
    ) -> None:
        # A webhook created before this change (Stripe's echo of an earlier one, arriving
        # late) must not undo it: it is now older than the latest provider change applied.
        if provider_change:
            at = int(self.now().timestamp())
            subscription.apply_provider_event(created=at, event_id=f"api:{what}:{at}")

    def expire_if_due(self, user_id: UUID) -> bool:
        """This function will end a paid plan whose period is over without renewal, or whose
        grace after a failed payment has passed: the user goes back to Free."""
        subscription = self.subscription(user_id)
        if subscription is None or not lapsed(subscription, self.now()):
            return False
        subscription.expire(
            free_plan=self.plan(FREE_PLAN_ID), reason="period ended", meta=system_meta("expiry")
        )
        self.written(subscription)
        return True

    def expire_lapsed(self, candidates: list[UUID]) -> int:
        """This function will record Expired for each candidate whose paid plan lapsed (the
        maintenance job's; the limits of Free applied to them already). Returns how many."""
        return sum(1 for user_id in candidates if self.expire_if_due(user_id))

    def existing(self, user_id: UUID) -> UserSubscription:
        """This function will load a user's subscription. Raises NotFoundError."""
        subscription = self.subscription(user_id)
        if subscription is None:
            raise NotFoundError("subscription not found")
        return subscription

    def subscription_or_free(self, user_id: UUID, meta: Meta) -> UserSubscription:
        """This function will load a user's subscription, assigning Free first to a user the
        registration process has not reached yet (on Free all the same)."""
        subscription = self.subscription(user_id)
        if subscription is None:
            self.assign_free_plan(user_id, self.now().date(), meta)
            subscription = self.existing(user_id)
        return subscription

    def exists(self, aggregate_id: UUID) -> bool:
        """This function will tell whether an aggregate has been saved."""
        return self._exists(aggregate_id)

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(list(self.events.get(aggregate_id, limit=1)))


def lapsed(subscription: UserSubscription, now: datetime) -> bool:
    """This function will tell whether a paid plan no longer applies (its period ended with
    no renewal, or the grace after a failed payment passed), though not yet recorded Expired."""
    if subscription.plan_id == FREE_PLAN_ID or subscription.status == SubscriptionStatus.Expired:
        return False
    if subscription.grace_until is not None and subscription.grace_until <= now.isoformat():
        return True
    ended = subscription.end_date is not None and subscription.end_date < now.date().isoformat()
    return ended and not subscription.auto_renew


def plan_kwargs(terms: PlanTerms) -> dict[str, Any]:
    return dict(terms.__dict__)
