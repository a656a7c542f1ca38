"""auditlog.idempotent_requests: which requests were handled, and, for an HTTP command sent
with an Idempotency-Key, the answer it got.

Two kinds of rows share the table (the seed's auditlog_IdempotentRequests: RequestType,
RequestId). An outbox handler's row (`outbox:<handler>`, the message id) says a message was
handled. An HTTP row (`http:<caller>`, the key) is claimed before the command runs, holding
a fingerprint of the request; the command's answer is stored on it, sealed, when it is done.
A claim is one INSERT: of two identical requests at once, exactly one claims the key and the
other finds it taken, by PostgreSQL's unique index, in any number of API processes.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from infrastructure.postgres.pool import DictPool

IDEMPOTENCY_DDL = (
    "CREATE TABLE IF NOT EXISTS auditlog.idempotent_requests ("
    " id uuid PRIMARY KEY, request_type text NOT NULL, request_id text NOT NULL,"
    " created_date_time timestamptz NOT NULL DEFAULT now(),"
    " updated_date_time timestamptz NOT NULL DEFAULT now(), row_version integer NOT NULL DEFAULT 1,"
    " UNIQUE (request_type, request_id))",
    # For HTTP rows only: an HMAC of the request, and its answer once it has one (sealed).
    "ALTER TABLE auditlog.idempotent_requests ADD COLUMN IF NOT EXISTS fingerprint text",
    "ALTER TABLE auditlog.idempotent_requests ADD COLUMN IF NOT EXISTS response text",
    # The clean-up's question: which answers are past keeping (the handlers' rows stay).
    "CREATE INDEX IF NOT EXISTS idempotent_requests_http_age_idx"
    " ON auditlog.idempotent_requests (created_date_time) WHERE request_type LIKE 'http:%'",
)


@dataclass(frozen=True)
class Claimed:
    """The key is this request's: run the command, then complete or release the claim."""

    claim_id: uuid.UUID


@dataclass(frozen=True)
class Answered:
    """The same request was answered before: its answer, as stored (sealed)."""

    response: str


@dataclass(frozen=True)
class Mismatch:
    """The key was used for another request."""


@dataclass(frozen=True)
class InProgress:
    """The same request holds the key and has not been answered yet."""


Claim = Claimed | Answered | Mismatch | InProgress


def _no_flush_wait(conn: Any) -> None:
    """This function will let the transaction commit without waiting for its WAL to reach
    the disk. Visibility and the unique index work as ever (two requests at once still
    claim once); what is given up is durability across a crash of the PostgreSQL server
    itself, for the last fraction of a second of claims: after one, a client's retry may run
    its command again. Waiting for the flush doubled the cost of a keyed command on a busy
    disk (two more flushes beside the command's own)."""
    conn.execute("SET LOCAL synchronous_commit = off")


class IdempotencyLedger:
    """Records handled requests, so a redelivered or resent one is handled once."""

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

    def claim(
        self,
        request_type: str,
        request_id: str,
        fingerprint: str,
        *,
        keep: timedelta,
        lease: timedelta,
    ) -> Claim:
        """This function will claim a key for a request, or say who has it.

        A row older than `keep` is forgotten (the key may be used again, for anything), and an
        unanswered one older than `lease` was left by a process that died mid-command: both are
        taken over by the new request, in the same statement that would have inserted it.
        """
        claim_id = uuid.uuid4()
        with self._pool.connection() as conn, conn.transaction():
            _no_flush_wait(conn)
            taken = conn.execute(
                "INSERT INTO auditlog.idempotent_requests"
                " (id, request_type, request_id, fingerprint) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (request_type, request_id) DO UPDATE SET"
                " id = EXCLUDED.id, fingerprint = EXCLUDED.fingerprint, response = NULL,"
                " created_date_time = now(), updated_date_time = now(),"
                " row_version = idempotent_requests.row_version + 1"
                " WHERE idempotent_requests.created_date_time < now() - %s"
                " OR (idempotent_requests.response IS NULL"
                " AND idempotent_requests.updated_date_time < now() - %s)"
                " RETURNING id",
                (claim_id, request_type, request_id, fingerprint, keep, lease),
            ).fetchone()
            if taken is not None:
                return Claimed(claim_id)
            held = conn.execute(
                "SELECT fingerprint, response FROM auditlog.idempotent_requests"
                " WHERE request_type = %s AND request_id = %s",
                (request_type, request_id),
            ).fetchone()
        if held is None:  # released between the two statements: claim it again
            return self.claim(request_type, request_id, fingerprint, keep=keep, lease=lease)
        if held["fingerprint"] != fingerprint:
            return Mismatch()
        if held["response"] is None:
            return InProgress()
        return Answered(held["response"])

    def complete(self, claim_id: uuid.UUID, response: str) -> None:
        """This function will store the answer of a claimed request."""
        with self._pool.connection() as conn, conn.transaction():
            _no_flush_wait(conn)
            conn.execute(
                "UPDATE auditlog.idempotent_requests SET response = %s,"
                " updated_date_time = now(), row_version = row_version + 1"
                " WHERE id = %s",
                (response, claim_id),
            )

    def release(self, claim_id: uuid.UUID) -> None:
        """This function will give a key back, unanswered: the command did nothing, so the
        same request may be sent again under it."""
        with self._pool.connection() as conn, conn.transaction():
            _no_flush_wait(conn)
            conn.execute(
                "DELETE FROM auditlog.idempotent_requests WHERE id = %s AND response IS NULL",
                (claim_id,),
            )

    def forget_answers(self, older_than: timedelta) -> int:
        """This function will delete the HTTP answers kept longer than `older_than` (the
        outbox handlers' rows stay: a redelivery may come at any time)."""
        with self._pool.connection() as conn:
            cursor = conn.execute(
                "DELETE FROM auditlog.idempotent_requests"
                " WHERE request_type LIKE 'http:%%' AND created_date_time < now() - %s",
                (older_than,),
            )
            return cursor.rowcount
