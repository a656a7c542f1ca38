"""The sub read tables in PostgreSQL: plans, their limits, subscriptions and their history."""

from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from psycopg.types.json import Jsonb

from domain.subscriptions.limits import LimitType
from infrastructure.read_models.postgres.base import PostgresView
from projections.subscriptions.view import SubscriptionsView

_AUDIT = (
    " created_date_time timestamptz NOT NULL, updated_date_time timestamptz NOT NULL,"
    " row_version integer NOT NULL"
)


class PostgresSubscriptionsView(PostgresView, SubscriptionsView):
    """Columns as the ERD names them; export_formats and llm_features (the §7.1 feature gates)
    follow them."""

    tables = (
        "subscription_plans",
        "plan_limits",
        "user_subscriptions",
        "subscription_histories",
        "payment_intents",
        "payment_transactions",
    )
    ddl = (
        "CREATE TABLE IF NOT EXISTS {schema}.subscription_plans ("
        " id uuid PRIMARY KEY, name text NOT NULL, display_name text NOT NULL,"
        " description text NOT NULL, price_monthly numeric(10,2), price_yearly numeric(10,2),"
        " currency text NOT NULL, is_active boolean NOT NULL, sort_order integer NOT NULL,"
        + _AUDIT
        + ", export_formats jsonb NOT NULL, llm_features boolean NOT NULL)",
        "CREATE TABLE IF NOT EXISTS {schema}.plan_limits ("
        " id uuid PRIMARY KEY, plan_id uuid NOT NULL, limit_type integer NOT NULL,"
        " limit_value integer, is_unlimited boolean NOT NULL," + _AUDIT + ")",
        "CREATE INDEX IF NOT EXISTS plan_limits_plan_idx ON {schema}.plan_limits (plan_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.user_subscriptions ("
        " id uuid PRIMARY KEY, plan_id uuid NOT NULL, user_id uuid NOT NULL,"
        " status integer NOT NULL, billing_cycle integer, start_date date NOT NULL,"
        " end_date date, next_billing_date date, trial_ends_at timestamptz,"
        " cancelled_at timestamptz, auto_renew boolean NOT NULL, external_sub_id text,"
        " external_cust_id text, snapshot_plan_name text NOT NULL,"
        " snapshot_price_monthly numeric(10,2), snapshot_price_yearly numeric(10,2),"
        " snapshot_currency text NOT NULL," + _AUDIT + ")",
        "CREATE UNIQUE INDEX IF NOT EXISTS user_subscriptions_user_idx"
        " ON {schema}.user_subscriptions (user_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.subscription_histories ("
        " id uuid PRIMARY KEY, subscription_id uuid NOT NULL, new_plan_id uuid NOT NULL,"
        " old_plan_id uuid, change_type integer NOT NULL, change_reason text NOT NULL,"
        " effective_date date NOT NULL," + _AUDIT + ")",
        "CREATE INDEX IF NOT EXISTS subscription_histories_sub_idx"
        " ON {schema}.subscription_histories (subscription_id, row_version)",
        "CREATE TABLE IF NOT EXISTS {schema}.payment_intents ("
        " id uuid PRIMARY KEY, plan_id uuid NOT NULL, subscription_id uuid NOT NULL,"
        " user_id uuid NOT NULL, amount numeric(10,2) NOT NULL, currency text NOT NULL,"
        " billing_cycle text NOT NULL, purpose text NOT NULL, status text NOT NULL,"
        " order_code bigint NOT NULL, checkout_url text NOT NULL,"
        " expires_at timestamptz NOT NULL," + _AUDIT + ", external_id text NOT NULL)",
        "CREATE TABLE IF NOT EXISTS {schema}.payment_transactions ("
        " id uuid PRIMARY KEY, payment_intent_id uuid, subscription_id uuid NOT NULL,"
        " user_id uuid NOT NULL, amount numeric(10,2) NOT NULL, currency text NOT NULL,"
        " status integer NOT NULL, payment_method text NOT NULL, provider text NOT NULL,"
        " provider_ref text NOT NULL, external_txn_id text NOT NULL, invoice_url text NOT NULL,"
        " failure_reason text NOT NULL," + _AUDIT + ")",
        # A refund's row names the payment it refunds (null on a payment's own row).
        "ALTER TABLE {schema}.payment_transactions ADD COLUMN IF NOT EXISTS refund_of_id uuid",
    )

    def upsert_plan(
        self, plan_id: UUID, *, at: datetime, version: int, created: bool, fields: dict[str, Any]
    ) -> None:
        params = {**fields, "export_formats": Jsonb(fields["export_formats"])}
        if created:
            self.run(
                "INSERT INTO {t_subscription_plans} (id, name, display_name, description,"
                " price_monthly, price_yearly, currency, is_active, sort_order, created_date_time,"
                " updated_date_time, row_version, export_formats, llm_features) VALUES (%(id)s,"
                " %(name)s, %(display_name)s, %(description)s, %(price_monthly)s,"
                " %(price_yearly)s, %(currency)s, %(is_active)s, %(sort_order)s, %(at)s, %(at)s,"
                " %(version)s, %(export_formats)s, %(llm_features)s)",
                {**params, "id": plan_id, "at": at, "version": version},
            )
            return
        self.update_row(
            "subscription_plans",
            plan_id,
            at=at,
            version=version,
            allowed=set(params),
            fields=params,
        )

    def replace_limits(
        self, plan_id: UUID, *, at: datetime, version: int, limits: dict[str, int | None]
    ) -> None:
        # One row per limit type, its id derived from the plan and the type: an edit updates
        # the rows in place, and their created time stays the plan's.
        for limit_type in LimitType:
            value = limits.get(limit_type.name)
            self.run(
                "INSERT INTO {t_plan_limits} (id, plan_id, limit_type, limit_value, is_unlimited,"
                " created_date_time, updated_date_time, row_version) VALUES (%(id)s, %(plan)s,"
                " %(type)s, %(value)s, %(unlimited)s, %(at)s, %(at)s, %(version)s)"
                " ON CONFLICT (id) DO UPDATE SET limit_value = EXCLUDED.limit_value,"
                " is_unlimited = EXCLUDED.is_unlimited,"
                " updated_date_time = EXCLUDED.updated_date_time,"
                " row_version = EXCLUDED.row_version",
                {
                    "id": uuid5(plan_id, f"limit:{limit_type.name}"),
                    "plan": plan_id,
                    "type": int(limit_type),
                    "value": value,
                    "unlimited": value is None,
                    "at": at,
                    "version": version,
                },
            )

    def upsert_subscription(
        self,
        subscription_id: UUID,
        *,
        at: datetime,
        version: int,
        created: bool,
        fields: dict[str, Any],
    ) -> None:
        if created:
            row = {"id": subscription_id, **fields}
            row.update(created_date_time=at, updated_date_time=at, row_version=version)
            self.insert_rows("user_subscriptions", [row])
            return
        self.update_row(
            "user_subscriptions",
            subscription_id,
            at=at,
            version=version,
            allowed=set(fields),
            fields=fields,
        )

    def add_history(
        self,
        history_id: UUID,
        *,
        subscription_id: UUID,
        new_plan_id: UUID | None,
        old_plan_id: UUID | None,
        change_type: int,
        change_reason: str,
        effective_date: str,
        at: datetime,
        version: int,
    ) -> None:
        # A renewal, a failed payment or a cancellation keeps the plan: both plan columns name
        # the subscription's plan as it stands (the row above was written first).
        self.run(
            "INSERT INTO {t_subscription_histories} (id, subscription_id, new_plan_id,"
            " old_plan_id, change_type, change_reason, effective_date, created_date_time,"
            " updated_date_time, row_version) SELECT %(id)s, s.id,"
            " COALESCE(%(new)s::uuid, s.plan_id),"
            " CASE WHEN %(new)s::uuid IS NULL THEN s.plan_id ELSE %(old)s::uuid END,"
            " %(type)s, %(reason)s, %(effective)s, %(at)s, %(at)s, %(version)s"
            " FROM {t_user_subscriptions} s WHERE s.id = %(sub)s",
            {
                "id": history_id,
                "sub": subscription_id,
                "new": new_plan_id,
                "old": old_plan_id,
                "type": change_type,
                "reason": change_reason,
                "effective": effective_date,
                "at": at,
                "version": version,
            },
        )

    def insert_row(self, table: str, row: dict[str, Any]) -> None:
        self.insert_rows(table, [row])

    def update_fields(
        self, table: str, row_id: UUID, *, at: datetime, version: int, fields: dict[str, Any]
    ) -> None:
        self.update_row(table, row_id, at=at, version=version, allowed=set(fields), fields=fields)

    def link_refund(self, refund_id: UUID, payment_id: UUID) -> None:
        self.run(
            "UPDATE {t_payment_transactions} SET refund_of_id = %(payment)s WHERE id = %(id)s",
            {"id": refund_id, "payment": payment_id},
        )
