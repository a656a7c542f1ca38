"""The queries GET /plans, /me/subscription and /me/usage answer."""

from datetime import date, datetime
from uuid import UUID

from application.subscriptions.limits import PlanLimits
from application.subscriptions.ports import RunsInFlight, SubscriptionReader
from application.subscriptions.queries import (
    LimitView,
    MySubscription,
    MyUsage,
    PlanView,
    SubscriptionView,
    UsageItem,
    UsageView,
)
from domain.shared.errors import NotFoundError
from domain.subscriptions.limits import LimitType
from domain.subscriptions.periods import month_of
from domain.subscriptions.plans import SubscriptionPlan
from domain.subscriptions.subscription import UserSubscription


class SubscriptionQueries:
    """Plans and subscriptions from the sub read tables; the plan that applies from PlanLimits
    (a paid plan past its end applies no more, even before Expired is recorded)."""

    def __init__(self, reader: SubscriptionReader, limits: PlanLimits, runs: RunsInFlight) -> None:
        self._reader, self._limits, self._runs = reader, limits, runs

    def plans(self, *, active_only: bool = True) -> list[PlanView]:
        return self._reader.plans(active_only=active_only)

    def plan(self, plan_id: UUID) -> PlanView:
        for plan in self._reader.plans(active_only=False):
            if plan.id == plan_id:
                return plan
        raise NotFoundError("plan not found")

    def plan_of_aggregate(self, plan: SubscriptionPlan) -> PlanView:
        """This function will describe a plan just written (no wait for the read tables)."""
        return PlanView(
            id=plan.id,
            name=plan.name,
            display_name=plan.display_name,
            description=plan.description,
            price_monthly=plan.price_monthly,
            price_yearly=plan.price_yearly,
            currency=plan.currency,
            is_active=plan.is_active,
            sort_order=plan.sort_order,
            limits=[LimitView(limit_type=t.name, value=plan.limits.get(t.name)) for t in LimitType],
            export_formats=list(plan.export_formats),
            llm_features=plan.llm_features,
            version=plan.version,
        )

    def subscription_of_aggregate(self, sub: UserSubscription) -> MySubscription:
        """This function will describe a subscription just written."""
        view = SubscriptionView(
            id=sub.id,
            user_id=sub.user_id,
            plan_id=sub.plan_id,
            status=sub.status.name,
            billing_cycle=None if sub.billing_cycle is None else sub.billing_cycle.name,
            start_date=date.fromisoformat(sub.start_date),
            end_date=_day(sub.end_date),
            next_billing_date=_day(sub.next_billing_date),
            trial_ends_at=None,
            cancelled_at=None
            if sub.cancelled_at is None
            else datetime.fromisoformat(sub.cancelled_at),
            auto_renew=sub.auto_renew,
            snapshot_plan_name=sub.snapshot_plan_name,
            snapshot_price_monthly=sub.snapshot_price_monthly,
            snapshot_price_yearly=sub.snapshot_price_yearly,
            snapshot_currency=sub.snapshot_currency,
            version=sub.version,
        )
        return MySubscription(
            subscription=view,
            plan=self.plan_of_aggregate(self._limits.plan_of(sub.user_id)),
            history=self._reader.history(sub.user_id),
        )

    def my_subscription(self, user_id: UUID) -> MySubscription:
        return MySubscription(
            subscription=self._reader.subscription(user_id),
            plan=self.plan(self._limits.plan_of(user_id).id),
            history=self._reader.history(user_id),
        )

    def my_usage(self, user_id: UUID, today: date) -> MyUsage:
        start, end = month_of(today)
        plan = self._limits.plan_of(user_id)
        counts = self._reader.usage(user_id, start) or _nothing(start, end)
        in_flight = self._runs.runs_in_flight(user_id)
        used: dict[LimitType, int | None] = {
            LimitType.MaxProjects: counts.project_count,
            LimitType.MaxEndpointsPerProject: None,
            LimitType.MaxTestCasesPerSuite: None,
            LimitType.MaxTestRunsPerMonth: counts.test_run_count,
            LimitType.MaxConcurrentRuns: in_flight,
            LimitType.RetentionDays: None,
            LimitType.MaxLlmCallsPerMonth: counts.llm_call_count,
            LimitType.MaxStorageMB: int(float(counts.storage_used_mb)),
        }
        items = []
        for limit_type, value in used.items():
            limit = plan.limit(limit_type).value
            remaining = None
            if limit is not None and value is not None:
                remaining = max(limit - value, 0)
            items.append(
                UsageItem(limit_type=limit_type.name, used=value, limit=limit, remaining=remaining)
            )
        return MyUsage(
            plan_id=plan.id,
            plan_name=plan.name,
            period_start=start,
            period_end=end,
            counts=counts,
            runs_in_flight=in_flight,
            items=items,
        )


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _nothing(start: date, end: date) -> UsageView:
    return UsageView(
        period_start=start,
        period_end=end,
        project_count=0,
        endpoint_count=0,
        test_suite_count=0,
        test_case_count=0,
        test_run_count=0,
        llm_call_count=0,
        storage_used_mb="0.00",
    )
