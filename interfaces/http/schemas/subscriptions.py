"""Request and response bodies of plans, subscriptions and usage."""

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.subscriptions.limits import LimitType

PRICE = r"^\d{1,8}(\.\d{1,2})?$"


class PlanLimitPublic(BaseModel):
    limit_type: str = Field(examples=["MaxProjects"])
    value: int | None = Field(description="null: unlimited")
    unlimited: bool


class PlanPublic(BaseModel):
    id: UUID
    name: str
    display_name: str
    description: str
    price_monthly: str | None = Field(description="a decimal string; null: custom pricing")
    price_yearly: str | None
    currency: str
    is_active: bool
    sort_order: int
    limits: list[PlanLimitPublic]
    export_formats: list[str]
    llm_features: bool
    version: int


class PlansPublic(BaseModel):
    items: list[PlanPublic]


class PlanLimitsInput(BaseModel):
    """Every limit type, each a whole number or null for unlimited."""

    model_config = ConfigDict(extra="forbid")
    MaxProjects: int | None = Field(ge=0, le=10**9)
    MaxEndpointsPerProject: int | None = Field(ge=0, le=10**9)
    MaxTestCasesPerSuite: int | None = Field(ge=0, le=10**9)
    MaxTestRunsPerMonth: int | None = Field(ge=0, le=10**9)
    MaxConcurrentRuns: int | None = Field(ge=0, le=10**9)
    RetentionDays: int = Field(ge=1, le=3650)
    MaxLlmCallsPerMonth: int | None = Field(ge=0, le=10**9)
    MaxStorageMB: int | None = Field(ge=0, le=10**9)


class PlanInput(BaseModel):
    """A plan's whole terms (PUT replaces them; the plan's history keeps the earlier ones)."""

    model_config = ConfigDict(extra="forbid")
    display_name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    price_monthly: str | None = Field(pattern=PRICE)
    price_yearly: str | None = Field(pattern=PRICE)
    currency: str = Field(pattern=r"^[A-Za-z]{3}$")
    is_active: bool = True
    sort_order: int = Field(ge=-1000, le=1000)
    limits: PlanLimitsInput
    export_formats: list[str] = Field(max_length=4)
    llm_features: bool


class PlanCreate(PlanInput):
    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9 _-]+$")


class SubscriptionPublic(BaseModel):
    id: UUID | None = Field(description="null until the registration process has run")
    status: str = Field(examples=["Active"])
    billing_cycle: str | None
    start_date: date | None
    end_date: date | None
    next_billing_date: date | None
    trial_ends_at: datetime | None
    cancelled_at: datetime | None
    auto_renew: bool
    snapshot_plan_name: str | None
    snapshot_price_monthly: str | None
    snapshot_price_yearly: str | None
    snapshot_currency: str | None
    version: int | None


class HistoryEntryPublic(BaseModel):
    change_type: str
    old_plan_id: UUID | None
    new_plan_id: UUID
    change_reason: str
    effective_date: date
    created_at: datetime


class MySubscriptionPublic(BaseModel):
    plan: PlanPublic = Field(description="the plan whose limits apply now")
    subscription: SubscriptionPublic
    history: list[HistoryEntryPublic]


class UsageItemPublic(BaseModel):
    limit_type: str
    used: int | None = Field(description="null: counted per project or per suite")
    limit: int | None = Field(description="null: unlimited")
    remaining: int | None


class UsageCountsPublic(BaseModel):
    project_count: int
    endpoint_count: int
    test_suite_count: int
    test_case_count: int
    test_run_count: int
    llm_call_count: int
    storage_used_mb: str
    runs_in_flight: int


class MyUsagePublic(BaseModel):
    plan_id: UUID
    plan_name: str
    period_start: date
    period_end: date
    counts: UsageCountsPublic
    items: list[UsageItemPublic]


class SubscriptionAssign(BaseModel):
    """An Admin's assignment of a plan to an account (no payment involved)."""

    model_config = ConfigDict(extra="forbid")
    plan_id: UUID
    billing_cycle: str | None = Field(default=None, pattern=r"^(Monthly|Yearly)$")
    end_date: date | None = None


LIMIT_NAMES = [t.name for t in LimitType]


class CheckoutCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    plan: str = Field(pattern=r"^Pro$", examples=["Pro"])
    billing_cycle: str = Field(pattern=r"^(Monthly|Yearly)$")


class CheckoutPublic(BaseModel):
    payment_intent_id: UUID
    checkout_url: str = Field(description="send the user there to pay")
    expires_at: datetime
    amount: str
    currency: str


class WebhookReceipt(BaseModel):
    received: bool
    outcome: str = Field(examples=["applied", "replayed", "stale", "ignored"])


class SubscriptionCancel(BaseModel):
    """Why the user cancels (kept in the subscription's history)."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="", max_length=500)


class PaymentPublic(BaseModel):
    """A payment the provider reported, or a refund of one (status Refunded, `refund_of_id`
    naming the payment; the payment's own row keeps what was billed)."""

    id: UUID
    user_id: UUID
    subscription_id: UUID
    payment_intent_id: UUID | None
    amount: str = Field(examples=["19.00"])
    currency: str
    status: str = Field(examples=["Succeeded", "Failed", "Refunded"])
    payment_method: str
    provider: str
    provider_ref: str
    external_txn_id: str
    invoice_url: str
    failure_reason: str
    refund_of_id: UUID | None
    created_at: datetime


class PaymentsPublic(BaseModel):
    items: list[PaymentPublic]


class RefundCreate(BaseModel):
    """A refund of a payment: the whole of what is left (no amount) or part of it."""

    model_config = ConfigDict(extra="forbid")
    amount: str | None = Field(default=None, pattern=PRICE, examples=["5.00"])
    reason: str = Field(default="", max_length=500)


class RefundPublic(BaseModel):
    refund_id: str = Field(description="Stripe's refund id (re_...)")
    payment_id: UUID
    transaction_id: UUID | None = Field(
        description="the refund's own transaction; null until Stripe says it succeeded"
    )
    amount: str
    currency: str
    status: str = Field(examples=["succeeded", "pending"])
