"""The limits of a user's plan, for the commands of every context to check (§7.3).

Read from the event store, not the read tables, so a plan change applies to the next
command; plans are cached for a few seconds (an Admin's edit applies within that time)."""

import threading
import time
from uuid import UUID

from application.subscriptions.app import SubscriptionsApplication, lapsed
from domain.subscriptions.limits import LimitType, PlanLimit, require_within
from domain.subscriptions.plans import FREE_PLAN_ID, SubscriptionPlan

PLAN_CACHE_SECONDS = 5.0


class PlanLimits:
    """A user's plan and its limits. With `enforced` off (a deployment that sells no plans),
    every count is unlimited; retention and features still follow the plan."""

    def __init__(
        self, sub: SubscriptionsApplication, *, upgrade_url: str = "/pricing", enforced: bool = True
    ) -> None:
        self._sub = sub
        self.upgrade_url = upgrade_url
        self.enforced = enforced
        self._plans: dict[UUID, tuple[float, SubscriptionPlan]] = {}
        self._lock = threading.Lock()

    def plan_of(self, user_id: UUID) -> SubscriptionPlan:
        """This function will give the plan whose limits apply to a user now: Free before the
        registration process assigned one, and once a paid plan lapsed."""
        subscription = self._sub.subscription(user_id)
        if subscription is None or lapsed(subscription, self._sub.now()):
            return self._plan(FREE_PLAN_ID)
        return self._plan(subscription.plan_id)

    def limit(self, user_id: UUID, limit_type: LimitType) -> PlanLimit:
        """This function will give one limit of the user's plan (unlimited when not enforced)."""
        if not self.enforced:
            return PlanLimit(limit_type, None)
        return self.plan_of(user_id).limit(limit_type)

    def limits(self, user_id: UUID, *limit_types: LimitType) -> tuple[PlanLimit, ...]:
        """This function will give several limits of the user's plan, looked up once."""
        if not self.enforced:
            return tuple(PlanLimit(t, None) for t in limit_types)
        plan = self.plan_of(user_id)
        return tuple(plan.limit(t) for t in limit_types)

    def check(self, user_id: UUID, limit_type: LimitType, current_usage: int) -> None:
        """This function will refuse one more past the limit. Raises LimitExceededError."""
        require_within(self.limit(user_id, limit_type), current_usage, upgrade_url=self.upgrade_url)

    def retention_days(self, user_id: UUID) -> int:
        """This function will give how long the user's run results stay hot (§5)."""
        days = self.plan_of(user_id).limit(LimitType.RetentionDays).value
        return days if days is not None else 10

    def days_for(self, user_id: UUID) -> int:
        """The retention port of testexec: the plan's days, read when a run is queued."""
        return self.retention_days(user_id)

    def export_formats(self, user_id: UUID) -> list[str]:
        """This function will list the report formats the user's plan exports (§7.1)."""
        if not self.enforced:
            return ["csv", "pdf", "json", "html"]
        return list(self.plan_of(user_id).export_formats)

    def llm_features(self, user_id: UUID) -> bool:
        """This function will tell whether LLM-assisted generation and explanations are open."""
        return not self.enforced or self.plan_of(user_id).llm_features

    def llm_calls_per_month(self, user_id: UUID) -> int | None:
        """This function will give the LLM calls a month the plan allows (None: unlimited)."""
        return self.limit(user_id, LimitType.MaxLlmCallsPerMonth).value

    def forget_plan(self, plan_id: UUID) -> None:
        """This function will drop a cached plan (after an edit made in this process)."""
        with self._lock:
            self._plans.pop(plan_id, None)

    def _plan(self, plan_id: UUID) -> SubscriptionPlan:
        now = time.monotonic()
        with self._lock:
            cached = self._plans.get(plan_id)
        if cached is not None and now - cached[0] < PLAN_CACHE_SECONDS:
            return cached[1]
        plan = self._sub.plan(plan_id)
        with self._lock:
            self._plans[plan_id] = (now, plan)
        return plan
