"""The outbox publisher: sends a context's unpublished outbox rows to Dramatiq, exactly once
per row from its side (consumers dedupe by message id, since a crash after sending and
before committing sends the row again).

Each row goes straight to the actor that does its work, by the routes the composition root
gives (event type -> actor, queue, argument): one queue hop from a committed event to the
work. Consumers (webhooks, notifications) get the whole event, each under its own actor; a row
neither names is marked published without a message. Before, every row went
to `outbox.dispatch_event`, which handed it to handlers registered at import time: a second
hop on a second queue, a run's largest share of its dispatch time.
"""

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from dramatiq import Broker, Message
from psycopg.sql import SQL, Identifier

from infrastructure.postgres.pool import DictPool

# Stored schema: messages published before the switch wait under these names (see
# interfaces/workers/actors/outbox.py, which still runs them).
DISPATCH_ACTOR = "outbox.dispatch_event"
DISPATCH_QUEUE = "integration"


@dataclass(frozen=True)
class Route:
    """Where a published event of one type goes: the actor that does its work, given the
    event's object id as one keyword argument."""

    actor_name: str
    queue_name: str
    argument: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def message(self, message_id: str, object_id: str) -> Message[Any]:
        """This function will make the message for one event, under the event's stable id:
        a copy sent again after a crash is recognised as the same message."""
        message: Message[Any] = Message(
            queue_name=self.queue_name,
            actor_name=self.actor_name,
            args=(),
            kwargs={self.argument: object_id},
            options=dict(self.options),
        )
        return dataclasses.replace(message, message_id=message_id)


Routes = Mapping[str, Route]


@dataclass(frozen=True)
class Consumer:
    """An actor that reacts to published events of other contexts (webhooks, notifications):
    unlike a route it is given the whole event, and several may follow one event type."""

    actor_name: str
    queue_name: str
    argument: str | None = None  # given the event's object id under this name; else all of it

    def message(self, event: Mapping[str, Any]) -> Message[Any]:
        """This function will make the consumer's message for one event, under an id derived
        from the event's and the consumer's: a copy is recognised, two consumers are not one."""
        kwargs = dict(event) if self.argument is None else {self.argument: event["object_id"]}
        message: Message[Any] = Message(
            queue_name=self.queue_name,
            actor_name=self.actor_name,
            args=(),
            kwargs=kwargs,
            options={},
        )
        # A name, not a UUID parse: messages queued before the switch carry other ids.
        derived = uuid5(
            NAMESPACE_URL, f"testament:consumer:{event['message_id']}:{self.actor_name}"
        )
        return dataclasses.replace(message, message_id=str(derived))


Consumers = Mapping[str, tuple[Consumer, ...]]


def event_of(schema: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """This function will give what a consumer is told of an outbox row."""
    payload = row["payload"]
    return {
        "message_id": str(row["id"]),
        "module": schema,
        "event_type": row["event_type"],
        "object_id": row["object_id"],
        "triggered_by_id": str(row["triggered_by_id"]) if row["triggered_by_id"] else None,
        "activity_id": row["activity_id"],
        "payload": json.loads(payload) if isinstance(payload, str) else payload,
        "version": row["row_version"],
    }


class OutboxPublisher:
    """Publishes, marks and archives the rows of <schema>.outbox_messages."""

    def __init__(
        self,
        pool: DictPool,
        broker: Broker,
        schema: str,
        routes: Routes,
        consumers: Consumers | None = None,
    ) -> None:
        self._pool = pool
        self._broker = broker
        self.schema = schema
        self._routes = routes
        self._consumers: Consumers = consumers or {}

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
                route = self._routes.get(row["event_type"])
                if route is not None:
                    self._broker.enqueue(route.message(str(row["id"]), row["object_id"]))
                for consumer in self._consumers.get(row["event_type"], ()):
                    self._broker.enqueue(consumer.message(event_of(self.schema, row)))
            if rows:
                conn.execute(
                    SQL(
                        "UPDATE {} SET published = true, updated_date_time = now() WHERE id = ANY(%s)"
                    ).format(self._t("outbox_messages")),
                    ([row["id"] for row in rows],),
                )
        return len(rows)

    def publish_all(self) -> int:
        """This function will publish until no unpublished row is left, and tell how many."""
        total = 0
        while (sent := self.publish_pending()) > 0:
            total += sent
        return total

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
