"""auditlog.idempotent_requests: which requests (an outbox message per handler) were handled."""

import uuid

from infrastructure.postgres.pool import DictPool

IDEMPOTENCY_DDL = (
    "CREATE TABLE IF NOT EXISTS auditlog.idempotent_requests ("
    " id uuid PRIMARY KEY, request_type text NOT NULL, request_id text NOT NULL,"
    " created_date_time timestamptz NOT NULL DEFAULT now(),"
    " updated_date_time timestamptz NOT NULL DEFAULT now(), row_version integer NOT NULL DEFAULT 1,"
    " UNIQUE (request_type, request_id))",
)


class IdempotencyLedger:
    """Records handled requests, so a redelivered one is handled once."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def seen(self, request_type: str, request_id: str) -> bool:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT 1 FROM auditlog.idempotent_requests"
                " WHERE request_type = %s AND request_id = %s",
                (request_type, request_id),
            ).fetchone()
        return row is not None

    def record(self, request_type: str, request_id: str) -> None:
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO auditlog.idempotent_requests (id, request_type, request_id)"
                " VALUES (%s, %s, %s) ON CONFLICT (request_type, request_id) DO NOTHING",
                (uuid.uuid4(), request_type, request_id),
            )
