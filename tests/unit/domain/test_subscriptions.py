"""Plans as data, a subscription's life, and a user's run slots, without I/O."""

from dataclasses import replace
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from domain.projects.quota import ProjectQuota, project_quota_id
from domain.runs.model import RunSlots
from domain.shared.errors import InvalidValueError
from domain.shared.meta import system_meta
from domain.subscriptions.limits import LimitExceededError, LimitType, PlanLimit, require_within
from domain.subscriptions.payments import (
    PaymentTransaction,
    RefundNotAllowedError,
    TransactionStatus,
)
from domain.subscriptions.periods import add_months, month_of
from domain.subscriptions.plans import SEED_PLANS, SubscriptionPlan, checked_terms
from domain.subscriptions.subscription import (
    BillingCycle,
    SubscriptionStateError,
    SubscriptionStatus,
    UserSubscription,
)

META = system_meta()


def plan(name: str) -> SubscriptionPlan:
    return SubscriptionPlan(name=name, meta=META, **SEED_PLANS[name].__dict__)


class TestPlans:
    def test_a_limit_allows_up_to_its_value_and_names_the_usage_past_it(self) -> None:
        limit = PlanLimit(LimitType.MaxProjects, 1)
        require_within(limit, 0, upgrade_url="/pricing")
        with pytest.raises(LimitExceededError) as refused:
            require_within(limit, 1, upgrade_url="/pricing")
        assert (refused.value.limit_type, refused.value.current_usage, refused.value.limit) == (
            "MaxProjects",
            1,
            1,
        )
        require_within(PlanLimit(LimitType.MaxProjects, None), 10**9, upgrade_url="/pricing")

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"price_monthly": "1.999"}, "price_monthly"),
            ({"price_yearly": "-1"}, "price_yearly"),
            ({"price_yearly": "NaN"}, "price_yearly"),
            ({"currency": "EURO"}, "currency"),
            ({"display_name": "  "}, "display_name"),
            ({"export_formats": ["csv", "csv"]}, "export_formats"),
            ({"limits": {"MaxWidgets": 1}}, "limits"),
            ({"limits": {**SEED_PLANS["Free"].limits, "MaxProjects": -1}}, "limits.MaxProjects"),
            ({"limits": {**SEED_PLANS["Free"].limits, "RetentionDays": 4}}, "limits.RetentionDays"),
            (
                {"limits": {**SEED_PLANS["Free"].limits, "RetentionDays": None}},
                "limits.RetentionDays",
            ),
        ],
    )
    def test_refuse_terms_naming_the_field(self, change: dict[str, object], field: str) -> None:
        with pytest.raises(InvalidValueError) as refused:
            checked_terms(replace(SEED_PLANS["Free"], **change), enterprise=False)  # type: ignore[arg-type]
        assert refused.value.field == field

    def test_enterprise_retention_may_pass_ten_days(self) -> None:
        long = {**SEED_PLANS["Enterprise"].limits, "RetentionDays": 30}
        assert checked_terms(replace(SEED_PLANS["Enterprise"], limits=long), enterprise=True)
        with pytest.raises(InvalidValueError):
            checked_terms(replace(SEED_PLANS["Pro"], limits=long), enterprise=False)

    def test_an_edit_that_changes_nothing_records_nothing(self) -> None:
        pro = plan("Pro")
        assert not pro.change(SEED_PLANS["Pro"], meta=META)
        assert pro.change(replace(SEED_PLANS["Pro"], price_monthly="21"), meta=META)
        assert pro.price_monthly == "21.00" and pro.version == 2


class TestSubscription:
    def test_up_down_renew_past_due_cancel_and_expire_back_to_free(self) -> None:
        free, pro = plan("Free"), plan("Pro")
        sub = UserSubscription.assign(
            user_id=uuid4(), plan=free, start_date="2026-12-01", meta=META
        )
        assert sub.change_plan(
            plan=pro,
            current_plan=free,
            billing_cycle=BillingCycle.Monthly,
            start_date="2026-12-03",
            end_date="2027-01-03",
            external_sub_id="sub_1",
            meta=META,
        )
        assert (sub.plan_id, sub.snapshot_price_monthly, sub.auto_renew) == (pro.id, "19.00", True)
        assert sub.renew(end_date="2027-02-03", meta=META)
        assert not sub.renew(end_date="2027-01-03", meta=META)  # an older invoice changes nothing
        assert sub.mark_past_due(grace_until="2027-02-10T00:00:00+00:00", reason="card", meta=META)
        assert sub.status == SubscriptionStatus.PastDue
        assert sub.renew(end_date="2027-03-03", meta=META)  # paid after all
        assert sub.cancel(
            cancelled_at="2027-02-20T00:00:00+00:00", at_period_end=True, reason="", meta=META
        )
        assert sub.status == SubscriptionStatus.Active and not sub.auto_renew
        assert sub.expire(free_plan=free, reason="period ended", meta=META)
        assert (sub.plan_id, sub.status) == (free.id, SubscriptionStatus.Expired)
        assert not sub.expire(free_plan=free, reason="again", meta=META)
        names = [type(e).__name__ for e in sub.pending_events]
        assert names == [
            "Assigned",
            "Upgraded",
            "Renewed",
            "WentPastDue",
            "Renewed",
            "Cancelled",
            "Expired",
        ]

    def test_a_downgrade_is_named_so(self) -> None:
        free, pro = plan("Free"), plan("Pro")
        sub = UserSubscription.assign(user_id=uuid4(), plan=pro, start_date="2026-12-01", meta=META)
        sub.change_plan(
            plan=free,
            current_plan=pro,
            billing_cycle=None,
            start_date="2026-12-02",
            end_date=None,
            meta=META,
        )
        assert type(sub.pending_events[-1]).__name__ == "Downgraded"


class TestRunSlots:
    def test_count_runs_per_period_and_hold_a_slot_per_run_in_flight(self) -> None:
        slots = RunSlots(owner_id=uuid4())
        first, second = uuid4(), uuid4()
        slots.admit(first, period="2026-12")
        slots.admit(second, period="2026-12")
        assert (slots.started_in("2026-12"), len(slots.in_flight)) == (2, 2)
        assert slots.release([first]) and not slots.release([first])
        slots.admit(uuid4(), period="2027-01")
        assert (slots.started_in("2027-01"), slots.started_in("2026-12")) == (1, 0)


def test_periods_are_calendar_months() -> None:
    from datetime import date

    assert month_of(date(2028, 2, 10)) == (date(2028, 2, 1), date(2028, 2, 29))
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 15), 12) == date(2027, 12, 15)


def a_paid_subscription(*, end_date: str = "2026-12-31", external: str | None = "sub_1") -> Any:
    subscription = UserSubscription.assign(
        user_id=uuid4(), plan=plan("Free"), start_date="2026-12-01", meta=META
    )
    subscription.change_plan(
        plan=plan("Pro"),
        current_plan=plan("Free"),
        billing_cycle=BillingCycle.Monthly,
        start_date="2026-12-01",
        end_date=end_date,
        external_sub_id=external,
        meta=META,
    )
    return subscription


class TestCancelAndResume:
    def test_a_cancellation_at_the_period_end_is_undone_by_a_resume_before_it(self) -> None:
        subscription = a_paid_subscription()
        subscription.require_cancellable(today="2026-12-10")
        assert subscription.cancel(
            cancelled_at="2026-12-10T00:00:00+00:00", at_period_end=True, reason="", meta=META
        )
        assert (subscription.status, subscription.auto_renew) == (SubscriptionStatus.Active, False)
        assert subscription.resume(today="2026-12-20", reason="changed my mind", meta=META)
        assert (subscription.cancelled_at, subscription.auto_renew) == (None, True)
        assert not subscription.resume(today="2026-12-20", reason="", meta=META)  # none pending

    def test_no_resume_once_the_period_is_over_and_an_admins_plan_does_not_renew(self) -> None:
        subscription = a_paid_subscription(external=None)
        subscription.cancel(cancelled_at="2026-12-10", at_period_end=True, reason="", meta=META)
        with pytest.raises(SubscriptionStateError):
            subscription.resume(today="2027-01-01", reason="", meta=META)
        assert subscription.resume(today="2026-12-31", reason="", meta=META)
        assert subscription.auto_renew is False

    @pytest.mark.parametrize(
        ("subscription", "today"),
        [
            (
                UserSubscription.assign(
                    user_id=uuid4(), plan=plan("Free"), start_date="2026-12-01", meta=META
                ),
                "2026-12-02",
            ),
            (a_paid_subscription(), "2027-01-01"),
        ],
    )
    def test_free_or_a_period_over_has_nothing_to_cancel(
        self, subscription: UserSubscription, today: str
    ) -> None:
        with pytest.raises(SubscriptionStateError):
            subscription.require_cancellable(today=today)


def a_payment(status: TransactionStatus = TransactionStatus.Succeeded) -> PaymentTransaction:
    return PaymentTransaction(
        payment_intent_id=None,
        subscription_id=uuid4(),
        user_id=uuid4(),
        amount="19.00",
        currency="USD",
        status=int(status),
        payment_method="card",
        provider="stripe",
        provider_ref=f"invoice:{uuid4()}",
        external_txn_id="pi_1",
        invoice_url="",
        failure_reason="",
        meta=META,
    )


class TestRefunds:
    def test_refunds_count_against_what_was_paid_and_leave_the_amount_alone(self) -> None:
        payment = a_payment()
        payment.require_refund(Decimal("5.00"))
        payment.record_refund(refund_transaction_id=uuid4(), amount="5.00", meta=META)
        assert (payment.amount, payment.refunded, payment.refundable()) == (
            "19.00",
            "5.00",
            Decimal("14.00"),
        )
        with pytest.raises(InvalidValueError):
            payment.require_refund(Decimal("14.01"))
        payment.record_refund(refund_transaction_id=uuid4(), amount="14.00", meta=META)
        with pytest.raises(RefundNotAllowedError):
            payment.require_refund(Decimal("0.01"))

    @pytest.mark.parametrize("amount", ["0", "-1", "0.001"])
    def test_refuses_an_amount_that_is_not_money(self, amount: str) -> None:
        with pytest.raises(InvalidValueError):
            a_payment().require_refund(Decimal(amount))

    def test_refuses_a_failed_payment(self) -> None:
        with pytest.raises(RefundNotAllowedError):
            a_payment(TransactionStatus.Failed).require_refund(Decimal("1.00"))
        assert a_payment(TransactionStatus.Refunded).refundable() == Decimal("0.00")


class TestProjectQuota:
    def test_counts_projects_taken_and_released_from_those_in_use_when_opened(self) -> None:
        quota = ProjectQuota(owner_id=uuid4(), in_use=2)
        quota.take(project_id=uuid4())
        quota.release(project_id=uuid4())
        quota.release(project_id=uuid4())
        assert quota.in_use == 1
        quota.release(project_id=uuid4())
        quota.release(project_id=uuid4())
        assert quota.in_use == 0  # never below nothing
        assert quota.id == project_quota_id(quota.owner_id)
