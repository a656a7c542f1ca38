"""The outbox publisher: sends a context's unpublished outbox rows to Dramatiq, exactly once
per row from its side (consumers dedupe by message id, since a crash after sending and
before committing sends the row again)."""

import dataclasses
import json
from datetime import timedelta
from typing import Any

from dramatiq import Broker, Message
from psycopg.sql import SQL, Identifier

from infrastructure.postgres.pool import DictPool

DISPATCH_ACTOR = "outbox.dispatch_event"
DISPATCH_QUEUE = "integration"


class OutboxPublisher:
    """Publishes, marks and archives the rows of <schema>.outbox_messages."""

    def __init__(self, pool: DictPool, broker: Broker, schema: str) -> None:
        self._pool = pool
        self._broker = broker
        self.schema = schema

    def _t(self, name: str) -> Any:
        return SQL("{}.{}").format(Identifier(self.schema), Identifier(name))

    def has_pending(self) -> bool:
        with self._pool.connection() as conn:
            row = conn.execute(
                SQL("SELECT EXISTS (SELECT 1 FROM {} WHERE NOT published) AS pending").format(
                    self._t("outbox_messages")
                )
            ).fetchone()
        return bool(row and row["pending"])

    def publish_pending(self, limit: int = 200) -> int:
        """This function will send up to `limit` unpublished rows and mark them published.

        SKIP LOCKED lets several publishers run at once without sending a row twice.
        """
        with self._pool.connection() as conn, conn.transaction():
            rows = conn.execute(
                SQL(
                    "SELECT * FROM {} WHERE NOT published ORDER BY created_date_time, id"
                    " LIMIT %s FOR UPDATE SKIP LOCKED"
                ).format(self._t("outbox_messages")),
                (limit,),
            ).fetchall()
            for row in rows:
                self._broker.enqueue(self._message(row))
            if rows:
                conn.execute(
                    SQL(
                        "UPDATE {} SET published = true, updated_date_time = now() WHERE id = ANY(%s)"
                    ).format(self._t("outbox_messages")),
                    ([row["id"] for row in rows],),
                )
        return len(rows)

    def archive(self, older_than: timedelta) -> int:
        """This function will move published rows older than a delay to archived_outbox_messages."""
        with self._pool.connection() as conn, conn.transaction():
            cursor = conn.execute(
                SQL(
                    "WITH moved AS (DELETE FROM {} WHERE published AND updated_date_time < now() - %s"
                    " RETURNING *) INSERT INTO {} SELECT * FROM moved ON CONFLICT (id) DO NOTHING"
                ).format(self._t("outbox_messages"), self._t("archived_outbox_messages")),
                (older_than,),
            )
            return cursor.rowcount

    def _message(self, row: dict[str, Any]) -> Message[Any]:
        kwargs = {
            "message_id": str(row["id"]),
            "module": self.schema,
            "event_type": row["event_type"],
            "object_id": row["object_id"],
            "triggered_by_id": str(row["triggered_by_id"]) if row["triggered_by_id"] else None,
            "activity_id": row["activity_id"],
            "payload": json.loads(row["payload"]),
            "version": row["row_version"],
        }
        message: Message[Any] = Message(
            queue_name=DISPATCH_QUEUE, actor_name=DISPATCH_ACTOR, args=(), kwargs=kwargs, options={}
        )
        # The row's id is the message id: consumers recognise a message sent twice.
        return dataclasses.replace(message, message_id=str(row["id"]))
