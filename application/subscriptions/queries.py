"""The shapes the sub context answers with."""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class LimitView:
    limit_type: str
    value: int | None  # None: unlimited

    @property
    def unlimited(self) -> bool:
        return self.value is None


@dataclass(frozen=True, kw_only=True)
class PlanView:
    id: UUID
    name: str
    display_name: str
    description: str
    price_monthly: str | None
    price_yearly: str | None
    currency: str
    is_active: bool
    sort_order: int
    limits: list[LimitView]
    export_formats: list[str]
    llm_features: bool
    version: int


@dataclass(frozen=True, kw_only=True)
class SubscriptionView:
    id: UUID
    user_id: UUID
    plan_id: UUID
    status: str
    billing_cycle: str | None
    start_date: date
    end_date: date | None
    next_billing_date: date | None
    trial_ends_at: datetime | None
    cancelled_at: datetime | None
    auto_renew: bool
    snapshot_plan_name: str
    snapshot_price_monthly: str | None
    snapshot_price_yearly: str | None
    snapshot_currency: str
    version: int


@dataclass(frozen=True, kw_only=True)
class HistoryEntryView:
    change_type: str
    old_plan_id: UUID | None
    new_plan_id: UUID
    change_reason: str
    effective_date: date
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class UsageView:
    period_start: date
    period_end: date
    project_count: int
    endpoint_count: int
    test_suite_count: int
    test_case_count: int
    test_run_count: int
    llm_call_count: int
    storage_used_mb: str


@dataclass(frozen=True, kw_only=True)
class UsageItem:
    """One limit of the plan beside what is used of it (None where the limit is per project
    or per suite, or the usage is not counted per user)."""

    limit_type: str
    used: int | None
    limit: int | None
    remaining: int | None


@dataclass(frozen=True, kw_only=True)
class MyUsage:
    plan_id: UUID
    plan_name: str
    period_start: date
    period_end: date
    counts: UsageView
    runs_in_flight: int
    items: list[UsageItem]


@dataclass(frozen=True, kw_only=True)
class MySubscription:
    """A user's subscription as the read tables have it, and the plan whose limits apply."""

    subscription: SubscriptionView | None
    plan: PlanView
    history: list[HistoryEntryView]


@dataclass(frozen=True, kw_only=True)
class PaymentView:
    """A row of sub.payment_transactions: a payment, or a refund of one (status Refunded,
    `refund_of_id` naming the payment)."""

    id: UUID
    user_id: UUID
    subscription_id: UUID
    payment_intent_id: UUID | None
    amount: str
    currency: str
    status: str
    payment_method: str
    provider: str
    provider_ref: str
    external_txn_id: str
    invoice_url: str
    failure_reason: str
    refund_of_id: UUID | None
    created_at: datetime
