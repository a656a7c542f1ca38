"""Queries on notif.webhook_subscriptions, behind the notif reader protocol."""

from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from application.notif.queries import WebhookSummary
from infrastructure.postgres.pool import DictPool


def _webhook(row: dict[str, Any]) -> WebhookSummary:
    return WebhookSummary(
        id=row["id"],
        project_id=row["project_id"],
        owner_id=row["owner_id"],
        url=row["url"],
        events=list(row["events"]),
        description=row["description"],
        status=row["status"],
        disabled_reason=row["disabled_reason"],
        previous_secret_valid_until=row["previous_secret_valid_until"],
        version=row["row_version"],
        created_at=row["created_date_time"],
        updated_at=row["updated_date_time"],
    )


class PostgresWebhookReader:
    """Webhook subscriptions by owner, and the active ones wanting an event."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def webhooks(self, project_id: UUID, owner_id: UUID) -> list[WebhookSummary]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT * FROM notif.webhook_subscriptions WHERE project_id = %s AND owner_id = %s"
                " AND status <> 'Deleted' ORDER BY created_date_time, id",
                (project_id, owner_id),
            ).fetchall()
        return [_webhook(row) for row in rows]

    def webhook(self, webhook_id: UUID, owner_id: UUID) -> WebhookSummary | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT * FROM notif.webhook_subscriptions WHERE id = %s AND owner_id = %s"
                " AND status <> 'Deleted'",
                (webhook_id, owner_id),
            ).fetchone()
        return _webhook(row) if row else None

    def subscribed(self, project_id: UUID, event: str) -> list[UUID]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT id FROM notif.webhook_subscriptions WHERE project_id = %s"
                " AND status = 'Active' AND events @> %s ORDER BY id",
                (project_id, Jsonb([event])),
            ).fetchall()
        return [row["id"] for row in rows]
