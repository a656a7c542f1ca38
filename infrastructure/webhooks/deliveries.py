"""notif.webhook_deliveries and their attempts: the delivery log, written by the workers.

Not a projection: these rows record what was sent, like an outbox; replaying events would
send again. They are created by `testament migrate` with the read tables.
"""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

from application.notif.delivery import ClaimedDelivery, NewDelivery
from application.notif.ports import SentRequest
from application.notif.queries import AttemptSummary, DeliveryPage, DeliverySummary
from infrastructure.postgres.pool import DictPool

DELIVERIES_DDL = (
    "CREATE TABLE IF NOT EXISTS notif.webhook_deliveries ("
    " id uuid PRIMARY KEY, webhook_id uuid NOT NULL, project_id uuid NOT NULL,"
    " event text NOT NULL, payload text NOT NULL, status text NOT NULL,"
    " attempt_count integer NOT NULL DEFAULT 0, max_attempt_count integer NOT NULL,"
    " next_attempt_date_time timestamptz, leased_until timestamptz,"
    " finished_date_time timestamptz, created_date_time timestamptz NOT NULL,"
    " updated_date_time timestamptz NOT NULL, row_version integer NOT NULL DEFAULT 1)",
    "CREATE INDEX IF NOT EXISTS webhook_deliveries_due_idx ON notif.webhook_deliveries"
    " (next_attempt_date_time) WHERE status = 'pending'",
    "CREATE INDEX IF NOT EXISTS webhook_deliveries_webhook_idx ON notif.webhook_deliveries"
    " (webhook_id, created_date_time DESC, id)",
    "CREATE TABLE IF NOT EXISTS notif.webhook_delivery_attempts ("
    " id uuid PRIMARY KEY, delivery_id uuid NOT NULL, webhook_id uuid NOT NULL,"
    " number integer NOT NULL, status text NOT NULL, status_code integer, latency_ms integer,"
    " response_excerpt text NOT NULL DEFAULT '', error text NOT NULL DEFAULT '',"
    " started_date_time timestamptz NOT NULL, finished_date_time timestamptz,"
    " UNIQUE (delivery_id, number))",
    "CREATE TABLE IF NOT EXISTS notif.webhook_failure_streaks ("
    " webhook_id uuid PRIMARY KEY, failures integer NOT NULL,"
    " updated_date_time timestamptz NOT NULL)",
)

INTERRUPTED = "the worker stopped during this attempt; the delivery was sent again"


class PostgresDeliveryStore:
    """Deliveries claimed with a lease, attempts recorded, and the log read back."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def add(self, deliveries: list[NewDelivery], *, max_attempts: int) -> None:
        if not deliveries:
            return
        with self._pool.connection() as conn, conn.transaction():
            conn.cursor().executemany(
                "INSERT INTO notif.webhook_deliveries (id, webhook_id, project_id, event, payload,"
                " status, max_attempt_count, next_attempt_date_time, created_date_time,"
                " updated_date_time) VALUES (%s, %s, %s, %s, %s, 'pending', %s, %s, %s, %s)"
                " ON CONFLICT (id) DO NOTHING",
                [
                    (
                        d.id,
                        d.webhook_id,
                        d.project_id,
                        d.event,
                        d.body,
                        max_attempts,
                        d.created_at,
                        d.created_at,
                        d.created_at,
                    )
                    for d in deliveries
                ],
            )

    def claim(
        self, delivery_id: UUID, *, now: datetime, lease: timedelta
    ) -> ClaimedDelivery | None:
        with self._pool.connection() as conn, conn.transaction():
            row = conn.execute(
                "UPDATE notif.webhook_deliveries SET leased_until = %(until)s,"
                " updated_date_time = %(now)s, row_version = row_version + 1"
                " WHERE id = %(id)s AND status = 'pending' AND next_attempt_date_time <= %(now)s"
                " AND (leased_until IS NULL OR leased_until < %(now)s) RETURNING *",
                {"id": delivery_id, "now": now, "until": now + lease},
            ).fetchone()
            if row is None:
                return None
            # An attempt still open belongs to a worker that died: its lease ran out.
            conn.execute(
                "UPDATE notif.webhook_delivery_attempts SET status = 'interrupted', error = %s,"
                " finished_date_time = %s WHERE delivery_id = %s AND status = 'in_progress'",
                (INTERRUPTED, now, delivery_id),
            )
            counted = conn.execute(
                "SELECT count(*) AS n FROM notif.webhook_delivery_attempts WHERE delivery_id = %s",
                (delivery_id,),
            ).fetchone()
            number = (counted["n"] if counted else 0) + 1
            conn.execute(
                "INSERT INTO notif.webhook_delivery_attempts (id, delivery_id, webhook_id, number,"
                " status, started_date_time) VALUES (%s, %s, %s, %s, 'in_progress', %s)",
                (uuid5(delivery_id, str(number)), delivery_id, row["webhook_id"], number, now),
            )
        return ClaimedDelivery(
            id=row["id"],
            webhook_id=row["webhook_id"],
            event=row["event"],
            body=row["payload"],
            attempt=row["attempt_count"] + 1,
            max_attempts=row["max_attempt_count"],
            row_number=number,
        )

    def finish(
        self,
        claimed: ClaimedDelivery,
        sent: SentRequest,
        *,
        now: datetime,
        retry_at: datetime | None,
    ) -> int:
        status = "succeeded" if sent.succeeded else "failed" if retry_at is None else "pending"
        with self._pool.connection() as conn, conn.transaction():
            conn.execute(
                "UPDATE notif.webhook_delivery_attempts SET status = %s, status_code = %s,"
                " latency_ms = %s, response_excerpt = %s, error = %s, finished_date_time = %s"
                " WHERE delivery_id = %s AND number = %s",
                (
                    "succeeded" if sent.succeeded else "failed",
                    sent.status_code,
                    sent.latency_ms,
                    sent.response_excerpt,
                    sent.error,
                    now,
                    claimed.id,
                    claimed.row_number,
                ),
            )
            conn.execute(
                "UPDATE notif.webhook_deliveries SET status = %s, attempt_count = attempt_count + 1,"
                " next_attempt_date_time = %s, leased_until = NULL, finished_date_time = %s,"
                " updated_date_time = %s, row_version = row_version + 1 WHERE id = %s",
                (status, retry_at, None if status == "pending" else now, now, claimed.id),
            )
            streak = conn.execute(
                "INSERT INTO notif.webhook_failure_streaks (webhook_id, failures, updated_date_time)"
                " VALUES (%(id)s, %(first)s, %(now)s) ON CONFLICT (webhook_id) DO UPDATE SET"
                " failures = CASE WHEN %(ok)s THEN 0 ELSE notif.webhook_failure_streaks.failures + 1"
                " END, updated_date_time = %(now)s RETURNING failures",
                {
                    "id": claimed.webhook_id,
                    "first": 0 if sent.succeeded else 1,
                    "ok": sent.succeeded,
                    "now": now,
                },
            ).fetchone()
        return int(streak["failures"]) if streak else 0

    def reset_failures(self, webhook_id: UUID) -> None:
        with self._pool.connection() as conn:
            conn.execute(
                "UPDATE notif.webhook_failure_streaks SET failures = 0 WHERE webhook_id = %s",
                (webhook_id,),
            )

    def cancel(self, delivery_id: UUID, *, now: datetime, reason: str) -> None:
        with self._pool.connection() as conn, conn.transaction():
            conn.execute(
                "UPDATE notif.webhook_delivery_attempts SET status = 'cancelled', error = %s,"
                " finished_date_time = %s WHERE delivery_id = %s AND status = 'in_progress'",
                (reason, now, delivery_id),
            )
            conn.execute(
                "UPDATE notif.webhook_deliveries SET status = 'cancelled', leased_until = NULL,"
                " next_attempt_date_time = NULL, finished_date_time = %s, updated_date_time = %s,"
                " row_version = row_version + 1 WHERE id = %s",
                (now, now, delivery_id),
            )

    def due(self, *, now: datetime, limit: int) -> list[UUID]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT id FROM notif.webhook_deliveries WHERE status = 'pending'"
                " AND next_attempt_date_time <= %(now)s"
                " AND (leased_until IS NULL OR leased_until < %(now)s)"
                " ORDER BY next_attempt_date_time LIMIT %(limit)s",
                {"now": now, "limit": limit},
            ).fetchall()
        return [row["id"] for row in rows]

    def deliveries(self, webhook_id: UUID, *, limit: int, offset: int) -> DeliveryPage:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT *, count(*) OVER () AS total FROM notif.webhook_deliveries"
                " WHERE webhook_id = %s ORDER BY created_date_time DESC, id LIMIT %s OFFSET %s",
                (webhook_id, limit, offset),
            ).fetchall()
            attempts = self._attempts(conn, [row["id"] for row in rows])
        return DeliveryPage(
            items=[_delivery(row, attempts.get(row["id"], [])) for row in rows],
            total=rows[0]["total"] if rows else 0,
            limit=limit,
            offset=offset,
        )

    def delivery(self, webhook_id: UUID, delivery_id: UUID) -> DeliverySummary | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT * FROM notif.webhook_deliveries WHERE id = %s AND webhook_id = %s",
                (delivery_id, webhook_id),
            ).fetchone()
            if row is None:
                return None
            attempts = self._attempts(conn, [delivery_id])
        return _delivery(row, attempts.get(delivery_id, []))

    @staticmethod
    def _attempts(conn: Any, delivery_ids: list[UUID]) -> dict[UUID, list[AttemptSummary]]:
        found: dict[UUID, list[AttemptSummary]] = {}
        if not delivery_ids:
            return found
        rows = conn.execute(
            "SELECT * FROM notif.webhook_delivery_attempts WHERE delivery_id = ANY(%s)"
            " ORDER BY delivery_id, number",
            (delivery_ids,),
        ).fetchall()
        for row in rows:
            found.setdefault(row["delivery_id"], []).append(
                AttemptSummary(
                    number=row["number"],
                    started_at=row["started_date_time"],
                    status=row["status"],
                    status_code=row["status_code"],
                    latency_ms=row["latency_ms"],
                    response_excerpt=row["response_excerpt"],
                    error=row["error"],
                )
            )
        return found


def _delivery(row: dict[str, Any], attempts: list[AttemptSummary]) -> DeliverySummary:
    return DeliverySummary(
        id=row["id"],
        webhook_id=row["webhook_id"],
        event=row["event"],
        status=row["status"],
        attempt_count=row["attempt_count"],
        max_attempts=row["max_attempt_count"],
        next_attempt_at=row["next_attempt_date_time"],
        created_at=row["created_date_time"],
        finished_at=row["finished_date_time"],
        payload=row["payload"],
        attempts=attempts,
    )
