"""Queries on the sub read tables, behind application.subscriptions.ports.SubscriptionReader."""

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from application.subscriptions.queries import (
    HistoryEntryView,
    LimitView,
    PaymentView,
    PlanView,
    SubscriptionView,
    UsageView,
)
from domain.subscriptions.limits import LimitType
from domain.subscriptions.payments import TransactionStatus
from domain.subscriptions.subscription import BillingCycle, ChangeType, SubscriptionStatus
from infrastructure.postgres.pool import DictPool


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class PostgresSubscriptionReader:
    """sub.subscription_plans with their limits, user_subscriptions, histories, usage."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def plans(self, *, active_only: bool) -> list[PlanView]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT p.*, COALESCE(jsonb_object_agg(l.limit_type, l.limit_value)"
                " FILTER (WHERE l.id IS NOT NULL), '{}') AS limit_values"
                " FROM sub.subscription_plans p LEFT JOIN sub.plan_limits l ON l.plan_id = p.id"
                " WHERE p.is_active OR NOT %s GROUP BY p.id ORDER BY p.sort_order, p.name",
                (active_only,),
            ).fetchall()
        return [_plan(row) for row in rows]

    def subscription(self, user_id: UUID) -> SubscriptionView | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT * FROM sub.user_subscriptions WHERE user_id = %s", (user_id,)
            ).fetchone()
        return _subscription(row) if row else None

    def history(self, user_id: UUID) -> list[HistoryEntryView]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT h.* FROM sub.subscription_histories h JOIN sub.user_subscriptions s"
                " ON s.id = h.subscription_id WHERE s.user_id = %s ORDER BY h.row_version",
                (user_id,),
            ).fetchall()
        return [
            HistoryEntryView(
                change_type=ChangeType(row["change_type"]).name,
                old_plan_id=row["old_plan_id"],
                new_plan_id=row["new_plan_id"],
                change_reason=row["change_reason"],
                effective_date=row["effective_date"],
                created_at=row["created_date_time"],
            )
            for row in rows
        ]

    def payments(self, user_id: UUID) -> list[PaymentView]:
        """This function will list a user's payments and refunds, oldest first."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT * FROM sub.payment_transactions WHERE user_id = %s"
                " ORDER BY created_date_time, id",
                (user_id,),
            ).fetchall()
        return [
            PaymentView(
                id=row["id"],
                user_id=row["user_id"],
                subscription_id=row["subscription_id"],
                payment_intent_id=row["payment_intent_id"],
                amount=f"{row['amount']:.2f}",
                currency=row["currency"],
                status=TransactionStatus(row["status"]).name,
                payment_method=row["payment_method"],
                provider=row["provider"],
                provider_ref=row["provider_ref"],
                external_txn_id=row["external_txn_id"],
                invoice_url=row["invoice_url"],
                failure_reason=row["failure_reason"],
                refund_of_id=row["refund_of_id"],
                created_at=row["created_date_time"],
            )
            for row in rows
        ]

    def transaction_by_external(self, external_txn_id: str) -> UUID | None:
        """This function will find a succeeded payment by the provider's id for it."""
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT id FROM sub.payment_transactions WHERE external_txn_id = %s"
                " AND status = %s ORDER BY created_date_time LIMIT 1",
                (external_txn_id, int(TransactionStatus.Succeeded)),
            ).fetchone()
        return row["id"] if row else None

    def lapsing(self, today: date, limit: int) -> list[UUID]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT user_id FROM sub.user_subscriptions WHERE status <> %s"
                " AND ((end_date < %s AND NOT auto_renew) OR status = %s)"
                " ORDER BY end_date NULLS FIRST LIMIT %s",
                (int(SubscriptionStatus.Expired), today, int(SubscriptionStatus.PastDue), limit),
            ).fetchall()
        return [row["user_id"] for row in rows]

    def runs_in_flight(self, user_id: UUID) -> int:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT count(*) AS n FROM testexec.test_runs WHERE owner_id = %s"
                " AND status IN ('Pending', 'Running')",
                (user_id,),
            ).fetchone()
        return int(row["n"]) if row else 0

    def usage(self, user_id: UUID, period_start: date) -> UsageView | None:
        """This function will give the usage row of a period; before any event of that period,
        the latest earlier row's standing counts (the row the next event will open)."""
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT * FROM sub.usage_trackings WHERE user_id = %s AND period_start <= %s"
                " ORDER BY period_start DESC LIMIT 1",
                (user_id, period_start),
            ).fetchone()
        if row is None:
            return None
        carried = row["period_start"] != period_start
        return UsageView(
            period_start=row["period_start"],
            period_end=row["period_end"],
            project_count=row["project_count"],
            endpoint_count=row["endpoint_count"],
            test_suite_count=row["test_suite_count"],
            test_case_count=row["test_case_count"],
            test_run_count=0 if carried else row["test_run_count"],
            llm_call_count=0 if carried else row["llm_call_count"],
            storage_used_mb=f"{row['storage_used_mb']:.2f}",
        )


def _plan(row: dict[str, Any]) -> PlanView:
    values = {int(k): v for k, v in row["limit_values"].items()}
    return PlanView(
        id=row["id"],
        name=row["name"],
        display_name=row["display_name"],
        description=row["description"],
        price_monthly=_money(row["price_monthly"]),
        price_yearly=_money(row["price_yearly"]),
        currency=row["currency"],
        is_active=row["is_active"],
        sort_order=row["sort_order"],
        limits=[LimitView(limit_type=t.name, value=values.get(int(t))) for t in LimitType],
        export_formats=list(row["export_formats"]),
        llm_features=row["llm_features"],
        version=row["row_version"],
    )


def _subscription(row: dict[str, Any]) -> SubscriptionView:
    cycle = row["billing_cycle"]
    return SubscriptionView(
        id=row["id"],
        user_id=row["user_id"],
        plan_id=row["plan_id"],
        status=SubscriptionStatus(row["status"]).name,
        billing_cycle=None if cycle is None else BillingCycle(cycle).name,
        start_date=row["start_date"],
        end_date=row["end_date"],
        next_billing_date=row["next_billing_date"],
        trial_ends_at=row["trial_ends_at"],
        cancelled_at=row["cancelled_at"],
        auto_renew=row["auto_renew"],
        snapshot_plan_name=row["snapshot_plan_name"],
        snapshot_price_monthly=_money(row["snapshot_price_monthly"]),
        snapshot_price_yearly=_money(row["snapshot_price_yearly"]),
        snapshot_currency=row["snapshot_currency"],
        version=row["row_version"],
    )
