"""notif.webhook_subscriptions in PostgreSQL."""

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from infrastructure.read_models.postgres.base import PostgresView, columns
from projections.webhooks.view import WebhookRow, WebhooksView

_EDITABLE = {
    "url",
    "events",
    "description",
    "status",
    "disabled_reason",
    "previous_secret_valid_until",
}


class PostgresWebhooksView(PostgresView, WebhooksView):
    """The webhook subscriptions table; one row per subscription."""

    tables = ("webhook_subscriptions",)
    ddl = (
        "CREATE TABLE IF NOT EXISTS {schema}.webhook_subscriptions ("
        " id uuid PRIMARY KEY, project_id uuid NOT NULL, owner_id uuid NOT NULL,"
        " url text NOT NULL, events jsonb NOT NULL, description text NOT NULL,"
        " status text NOT NULL, disabled_reason text NOT NULL,"
        " previous_secret_valid_until timestamptz,"
        " created_date_time timestamptz NOT NULL, updated_date_time timestamptz NOT NULL,"
        " row_version integer NOT NULL)",
        "CREATE INDEX IF NOT EXISTS webhook_subscriptions_project_idx"
        " ON {schema}.webhook_subscriptions (project_id, status)",
    )

    def insert_webhook(self, row: WebhookRow) -> None:
        params = columns(row)
        params["events"] = Jsonb(row.events)
        self.run(
            "INSERT INTO {t_webhook_subscriptions} (id, project_id, owner_id, url, events,"
            " description, status, disabled_reason, previous_secret_valid_until,"
            " created_date_time, updated_date_time, row_version) VALUES (%(id)s, %(project_id)s,"
            " %(owner_id)s, %(url)s, %(events)s, %(description)s, %(status)s,"
            " %(disabled_reason)s, %(previous_secret_valid_until)s, %(created_date_time)s,"
            " %(updated_date_time)s, %(row_version)s)",
            params,
        )

    def update_webhook(
        self, webhook_id: UUID, *, at: datetime, version: int, **fields: Any
    ) -> None:
        if "events" in fields:
            fields["events"] = Jsonb(fields["events"])
        self.update_row(
            "webhook_subscriptions",
            webhook_id,
            at=at,
            version=version,
            allowed=_EDITABLE,
            fields=fields,
        )
