"""Plans (public), the caller's subscription and usage, and the Admin's plan editing."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Request, Response, status
from starlette.concurrency import run_in_threadpool

from application.subscriptions.commands import AssignPlan
from application.subscriptions.queries import MySubscription, MyUsage, PlanView
from domain.subscriptions.plans import PlanTerms
from interfaces.http.dependencies import (
    AdminUser,
    CurrentUser,
    ExpectedVersion,
    MetaDep,
    ReadPosition,
    RuntimeDep,
    set_written_headers,
)
from interfaces.http.schemas.subscriptions import (
    CheckoutCreate,
    CheckoutPublic,
    HistoryEntryPublic,
    MySubscriptionPublic,
    MyUsagePublic,
    PaymentPublic,
    PaymentsPublic,
    PlanCreate,
    PlanInput,
    PlanLimitPublic,
    PlanPublic,
    PlansPublic,
    RefundCreate,
    RefundPublic,
    SubscriptionAssign,
    SubscriptionCancel,
    SubscriptionPublic,
    UsageCountsPublic,
    UsageItemPublic,
    WebhookReceipt,
)

router = APIRouter(tags=["subscriptions"])
_read_plans = Depends(ReadPosition("subscriptions"))


def plan_public(plan: PlanView) -> PlanPublic:
    return PlanPublic(
        id=plan.id,
        name=plan.name,
        display_name=plan.display_name,
        description=plan.description,
        price_monthly=plan.price_monthly,
        price_yearly=plan.price_yearly,
        currency=plan.currency,
        is_active=plan.is_active,
        sort_order=plan.sort_order,
        limits=[
            PlanLimitPublic(limit_type=lim.limit_type, value=lim.value, unlimited=lim.unlimited)
            for lim in plan.limits
        ],
        export_formats=plan.export_formats,
        llm_features=plan.llm_features,
        version=plan.version,
    )


def _terms(body: PlanInput) -> PlanTerms:
    return PlanTerms(
        display_name=body.display_name,
        description=body.description,
        price_monthly=body.price_monthly,
        price_yearly=body.price_yearly,
        currency=body.currency,
        is_active=body.is_active,
        sort_order=body.sort_order,
        limits=body.limits.model_dump(),
        export_formats=body.export_formats,
        llm_features=body.llm_features,
    )


def _my_subscription(found: MySubscription) -> MySubscriptionPublic:
    sub = found.subscription
    return MySubscriptionPublic(
        plan=plan_public(found.plan),
        subscription=SubscriptionPublic(
            id=sub.id if sub else None,
            status=sub.status if sub else "Active",
            billing_cycle=sub.billing_cycle if sub else None,
            start_date=sub.start_date if sub else None,
            end_date=sub.end_date if sub else None,
            next_billing_date=sub.next_billing_date if sub else None,
            trial_ends_at=sub.trial_ends_at if sub else None,
            cancelled_at=sub.cancelled_at if sub else None,
            auto_renew=sub.auto_renew if sub else False,
            snapshot_plan_name=sub.snapshot_plan_name if sub else None,
            snapshot_price_monthly=sub.snapshot_price_monthly if sub else None,
            snapshot_price_yearly=sub.snapshot_price_yearly if sub else None,
            snapshot_currency=sub.snapshot_currency if sub else None,
            version=sub.version if sub else None,
        ),
        history=[HistoryEntryPublic(**entry.__dict__) for entry in found.history],
    )


def _my_usage(found: MyUsage) -> MyUsagePublic:
    counts = found.counts
    return MyUsagePublic(
        plan_id=found.plan_id,
        plan_name=found.plan_name,
        period_start=found.period_start,
        period_end=found.period_end,
        counts=UsageCountsPublic(
            project_count=counts.project_count,
            endpoint_count=counts.endpoint_count,
            test_suite_count=counts.test_suite_count,
            test_case_count=counts.test_case_count,
            test_run_count=counts.test_run_count,
            llm_call_count=counts.llm_call_count,
            storage_used_mb=counts.storage_used_mb,
            runs_in_flight=found.runs_in_flight,
        ),
        items=[UsageItemPublic(**item.__dict__) for item in found.items],
    )


@router.get("/plans", response_model=PlansPublic)
def list_plans(runtime: RuntimeDep) -> PlansPublic:
    """The plans on sale, in their order, with every limit (public: no token needed)."""
    return PlansPublic(items=[plan_public(p) for p in runtime.subscription_queries.plans()])


@router.get(
    "/me/subscription",
    response_model=MySubscriptionPublic,
    dependencies=[_read_plans],
)
def my_subscription(user: CurrentUser, runtime: RuntimeDep) -> MySubscriptionPublic:
    """The caller's subscription, the plan whose limits apply now, and its history."""
    return _my_subscription(runtime.subscription_queries.my_subscription(user.user_id))


@router.get(
    "/me/usage", response_model=MyUsagePublic, dependencies=[Depends(ReadPosition("usage"))]
)
def my_usage(user: CurrentUser, runtime: RuntimeDep) -> MyUsagePublic:
    """What the caller used this calendar month (UTC) beside the plan's limits."""
    today = datetime.now(UTC).date()
    return _my_usage(runtime.subscription_queries.my_usage(user.user_id, today))


@router.get("/admin/plans", response_model=PlansPublic, tags=["admin"], dependencies=[_read_plans])
def admin_list_plans(_admin: AdminUser, runtime: RuntimeDep) -> PlansPublic:
    """Every plan, those withdrawn from sale included."""
    plans = runtime.subscription_queries.plans(active_only=False)
    return PlansPublic(items=[plan_public(p) for p in plans])


@router.post(
    "/admin/plans",
    status_code=status.HTTP_201_CREATED,
    response_model=PlanPublic,
    tags=["admin"],
)
def create_plan(
    body: PlanCreate, _admin: AdminUser, meta: MetaDep, runtime: RuntimeDep, response: Response
) -> PlanPublic:
    """Add a plan (409 if one has the name)."""
    written = runtime.sub.create_plan(body.name, _terms(body), meta)
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    return plan_public(runtime.subscription_queries.plan_of_aggregate(written.aggregate))


@router.put("/admin/plans/{plan_id}", response_model=PlanPublic, tags=["admin"])
def edit_plan(
    plan_id: UUID,
    body: PlanInput,
    _admin: AdminUser,
    meta: MetaDep,
    expected: ExpectedVersion,
    runtime: RuntimeDep,
    response: Response,
) -> PlanPublic:
    """Replace a plan's terms (If-Match its version). Subscribers keep the prices they were
    sold at; new limits apply to their next commands."""
    written = runtime.sub.edit_plan(plan_id, _terms(body), expected_version=expected, meta=meta)
    runtime.limits.forget_plan(plan_id)
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    return plan_public(runtime.subscription_queries.plan_of_aggregate(written.aggregate))


@router.put(
    "/admin/users/{user_id}/subscription",
    response_model=MySubscriptionPublic,
    tags=["admin"],
)
def assign_plan(
    user_id: UUID,
    body: SubscriptionAssign,
    _admin: AdminUser,
    meta: MetaDep,
    runtime: RuntimeDep,
    response: Response,
) -> MySubscriptionPublic:
    """Put an account on a plan without payment (an Enterprise contract, a courtesy)."""
    runtime.identity.get_account(user_id)
    written = runtime.sub.assign_plan(
        AssignPlan(
            user_id=user_id,
            plan_id=body.plan_id,
            billing_cycle=body.billing_cycle,
            end_date=body.end_date,
            meta=meta,
        )
    )
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    return _my_subscription(
        runtime.subscription_queries.subscription_of_aggregate(written.aggregate)
    )


_BILLING_PROBLEMS: dict[int | str, dict[str, str]] = {
    502: {"description": "Stripe refused the request or could not be reached"},
    503: {"description": "Stripe is not configured on this deployment"},
}


@router.post(
    "/me/subscription/cancel",
    response_model=MySubscriptionPublic,
    responses=_BILLING_PROBLEMS,
)
def cancel_subscription(
    user: CurrentUser,
    meta: MetaDep,
    runtime: RuntimeDep,
    response: Response,
    body: SubscriptionCancel | None = None,
) -> MySubscriptionPublic:
    """Cancel at the end of the paid period: the plan stays until then, then the account is
    on Free. Through Stripe for a Stripe subscription. Again: no change (200). 409 on Free,
    on a plan an Admin assigned with no end date, or once the period is over."""
    reason = body.reason if body is not None else ""
    written = runtime.billing.cancel(user.user_id, reason, meta)
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    return _my_subscription(
        runtime.subscription_queries.subscription_of_aggregate(written.aggregate)
    )


@router.post(
    "/me/subscription/resume",
    response_model=MySubscriptionPublic,
    responses=_BILLING_PROBLEMS,
)
def resume_subscription(
    user: CurrentUser, meta: MetaDep, runtime: RuntimeDep, response: Response
) -> MySubscriptionPublic:
    """Undo a cancellation before the period ends: renewal is on again. With none pending:
    no change (200). 409 once the period is over or the subscription ended."""
    written = runtime.billing.resume(user.user_id, meta)
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    return _my_subscription(
        runtime.subscription_queries.subscription_of_aggregate(written.aggregate)
    )


@router.get(
    "/admin/users/{user_id}/payments",
    response_model=PaymentsPublic,
    tags=["admin"],
    dependencies=[_read_plans],
)
def user_payments(user_id: UUID, _admin: AdminUser, runtime: RuntimeDep) -> PaymentsPublic:
    """An account's payments and refunds, oldest first (the ids refunds are made against)."""
    runtime.identity.get_account(user_id)
    return PaymentsPublic(
        items=[PaymentPublic(**p.__dict__) for p in runtime.subscriptions.payments(user_id)]
    )


@router.post(
    "/admin/payments/{payment_id}/refund",
    status_code=status.HTTP_201_CREATED,
    response_model=RefundPublic,
    tags=["admin"],
    responses={
        202: {"description": "Stripe accepted the refund; recorded when it succeeds"},
        **_BILLING_PROBLEMS,
    },
)
def refund_payment(
    payment_id: UUID,
    _admin: AdminUser,
    meta: MetaDep,
    runtime: RuntimeDep,
    response: Response,
    body: RefundCreate | None = None,
) -> RefundPublic:
    """Refund a payment through Stripe, in full (no amount: what is left) or in part. The
    refund is a transaction of its own (status Refunded); the payment's row keeps what was
    billed. 201 once Stripe says it succeeded, 202 while it is pending. Send an
    Idempotency-Key: the same refund asked twice is then made once."""
    amount = Decimal(body.amount) if body is not None and body.amount is not None else None
    reason = body.reason if body is not None else ""
    made = runtime.billing.refund(payment_id, amount, reason, meta)
    if made.status != "succeeded":
        response.status_code = status.HTTP_202_ACCEPTED
    return RefundPublic(**made.__dict__)


@router.post(
    "/billing/checkout",
    status_code=status.HTTP_201_CREATED,
    response_model=CheckoutPublic,
    tags=["billing"],
    responses={503: {"description": "Stripe is not configured on this deployment"}},
)
def checkout(
    body: CheckoutCreate, user: CurrentUser, meta: MetaDep, runtime: RuntimeDep
) -> CheckoutPublic:
    """Open a Stripe Checkout for Pro; the plan changes when Stripe confirms the payment."""
    opened = runtime.billing.checkout(user.user_id, body.plan, body.billing_cycle, meta)
    return CheckoutPublic(**opened.__dict__)


@router.post(
    "/webhooks/stripe",
    response_model=WebhookReceipt,
    tags=["billing"],
    responses={400: {"description": "The signature does not verify"}},
)
async def stripe_webhook(
    request: Request,
    runtime: RuntimeDep,
    signature: Annotated[
        str,
        Header(alias="Stripe-Signature", description="Stripe's signature of the payload"),
    ],
) -> WebhookReceipt:
    """Stripe's events, verified by their signature, each applied once."""
    payload = await request.body()
    outcome = await run_in_threadpool(runtime.billing.handle_webhook, payload, signature)
    return WebhookReceipt(received=True, outcome=outcome)
