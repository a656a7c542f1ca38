"""notif.email_messages, email_message_attachments, sms_messages and their archives: the
rows of the ERD, every column, written by the application and the sending workers.

Not projections: a message row records what was sent (like an outbox); `testament migrate`
creates them. `expired_date_time` is the deadline: a message not sent by then is expired
(set to the time of the last attempt when the attempts run out or a provider refuses it
for good). The archive tables take the same columns.
"""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

from psycopg.sql import SQL, Identifier

from application.notif.messages import Channel, ClaimedMessage, NewMessage
from infrastructure.postgres.pool import DictPool

_ATTEMPTS = (
    " attempt_count integer NOT NULL DEFAULT 0, max_attempt_count integer NOT NULL,"
    " sent_date_time timestamptz, expired_date_time timestamptz,"
    " next_attempt_date_time timestamptz, copy_from_id uuid, log text NOT NULL DEFAULT '',"
    " created_date_time timestamptz NOT NULL, updated_date_time timestamptz NOT NULL,"
    " row_version integer NOT NULL DEFAULT 1"
)
_EMAIL = (
    ' id uuid PRIMARY KEY, "from" text NOT NULL, tos text NOT NULL, ccs text NOT NULL,'
    " bccs text NOT NULL, subject text NOT NULL, body text NOT NULL," + _ATTEMPTS
)
_SMS = " id uuid PRIMARY KEY, phone_number text NOT NULL, message text NOT NULL," + _ATTEMPTS

MESSAGES_DDL = (
    "CREATE TABLE IF NOT EXISTS notif.email_messages (" + _EMAIL + ")",
    "CREATE TABLE IF NOT EXISTS notif.archived_email_messages (" + _EMAIL + ")",
    "CREATE TABLE IF NOT EXISTS notif.email_message_attachments ("
    # No foreign key: an attachment row names its message by id, live or archived.
    " id uuid PRIMARY KEY, email_message_id uuid NOT NULL,"
    " file_entry_id uuid NOT NULL, name text NOT NULL,"
    " created_date_time timestamptz NOT NULL, updated_date_time timestamptz NOT NULL,"
    " row_version integer NOT NULL DEFAULT 1)",
    "CREATE TABLE IF NOT EXISTS notif.sms_messages (" + _SMS + ")",
    "CREATE TABLE IF NOT EXISTS notif.archived_sms_messages (" + _SMS + ")",
    "CREATE INDEX IF NOT EXISTS email_messages_due_idx ON notif.email_messages"
    " (next_attempt_date_time) WHERE sent_date_time IS NULL",
    "CREATE INDEX IF NOT EXISTS sms_messages_due_idx ON notif.sms_messages"
    " (next_attempt_date_time) WHERE sent_date_time IS NULL",
)

_TABLES = {Channel.EMAIL: "email_messages", Channel.SMS: "sms_messages"}
_FIELDS = {
    Channel.EMAIL: ("from", "tos", "ccs", "bccs", "subject", "body"),
    Channel.SMS: ("phone_number", "message"),
}


def _t(name: str) -> Any:
    return SQL("notif.{}").format(Identifier(name))


class PostgresMessageStore:
    """Message rows claimed with a lease; each attempt appended to the row's log."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def add(
        self, message: NewMessage, *, max_attempts: int, now: datetime, expires_at: datetime
    ) -> None:
        names = _FIELDS[message.channel]
        columns = SQL(", ").join(Identifier(n) for n in names)
        values = SQL(", ").join(SQL("%({})s").format(SQL(f"f{i}")) for i in range(len(names)))
        params: dict[str, Any] = {f"f{i}": message.fields[n] for i, n in enumerate(names)}
        params.update(id=message.id, max=max_attempts, now=now, expires=expires_at)
        with self._pool.connection() as conn, conn.transaction():
            conn.execute(
                SQL(
                    "INSERT INTO {} (id, {}, max_attempt_count, expired_date_time,"
                    " next_attempt_date_time, created_date_time, updated_date_time)"
                    " VALUES (%(id)s, {}, %(max)s, %(expires)s, %(now)s, %(now)s, %(now)s)"
                    " ON CONFLICT (id) DO NOTHING"
                ).format(_t(_TABLES[message.channel]), columns, values),
                params,
            )
            for file_entry_id, name in message.attachments:
                conn.execute(
                    "INSERT INTO notif.email_message_attachments (id, email_message_id,"
                    " file_entry_id, name, created_date_time, updated_date_time)"
                    " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                    (
                        uuid5(message.id, str(file_entry_id)),
                        message.id,
                        file_entry_id,
                        name,
                        now,
                        now,
                    ),
                )

    def claim(
        self, channel: Channel, message_id: UUID, *, now: datetime, lease: timedelta
    ) -> ClaimedMessage | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                SQL(
                    "UPDATE {} SET attempt_count = attempt_count + 1,"
                    " next_attempt_date_time = %(until)s, updated_date_time = %(now)s,"
                    " row_version = row_version + 1 WHERE id = %(id)s AND sent_date_time IS NULL"
                    " AND expired_date_time > %(now)s AND attempt_count < max_attempt_count"
                    " AND next_attempt_date_time <= %(now)s RETURNING *"
                ).format(_t(_TABLES[channel])),
                {"id": message_id, "now": now, "until": now + lease},
            ).fetchone()
            attachments = (
                conn.execute(
                    "SELECT file_entry_id, name FROM notif.email_message_attachments"
                    " WHERE email_message_id = %s ORDER BY created_date_time, id",
                    (message_id,),
                ).fetchall()
                if row is not None and channel == Channel.EMAIL
                else []
            )
        if row is None:
            return None
        return ClaimedMessage(
            id=row["id"],
            channel=channel,
            fields={name: row[name] for name in _FIELDS[channel]},
            attempt=row["attempt_count"],
            max_attempts=row["max_attempt_count"],
            attachments=[(a["file_entry_id"], a["name"]) for a in attachments],
        )

    def sent(self, channel: Channel, message_id: UUID, *, now: datetime, log: str) -> None:
        self._finish(channel, message_id, now, log, sent=now, retry_at=None, expired=None)

    def failed(
        self,
        channel: Channel,
        message_id: UUID,
        *,
        now: datetime,
        retry_at: datetime | None,
        log: str,
    ) -> None:
        expired = now if retry_at is None else None
        self._finish(channel, message_id, now, log, sent=None, retry_at=retry_at, expired=expired)

    def _finish(
        self,
        channel: Channel,
        message_id: UUID,
        now: datetime,
        log: str,
        *,
        sent: datetime | None,
        retry_at: datetime | None,
        expired: datetime | None,
    ) -> None:
        with self._pool.connection() as conn:
            conn.execute(
                SQL(
                    "UPDATE {} SET sent_date_time = %(sent)s, next_attempt_date_time = %(retry)s,"
                    " expired_date_time = coalesce(%(expired)s, expired_date_time),"
                    " log = log || %(log)s, updated_date_time = %(now)s,"
                    " row_version = row_version + 1 WHERE id = %(id)s"
                ).format(_t(_TABLES[channel])),
                {
                    "id": message_id,
                    "sent": sent,
                    "retry": retry_at,
                    "expired": expired,
                    "log": log + "\n",
                    "now": now,
                },
            )

    def due(self, channel: Channel, *, now: datetime, limit: int) -> list[UUID]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                SQL(
                    "SELECT id FROM {} WHERE sent_date_time IS NULL AND expired_date_time > %(now)s"
                    " AND attempt_count < max_attempt_count AND next_attempt_date_time <= %(now)s"
                    " ORDER BY next_attempt_date_time LIMIT %(limit)s"
                ).format(_t(_TABLES[channel])),
                {"now": now, "limit": limit},
            ).fetchall()
        return [row["id"] for row in rows]

    def archive(self, channel: Channel, *, older_than: datetime) -> int:
        table = _TABLES[channel]
        with self._pool.connection() as conn, conn.transaction():
            cursor = conn.execute(
                SQL(
                    "WITH moved AS (DELETE FROM {} WHERE updated_date_time < %(cutoff)s"
                    " AND (sent_date_time IS NOT NULL OR expired_date_time <= %(cutoff)s)"
                    " RETURNING *) INSERT INTO {} SELECT * FROM moved ON CONFLICT (id) DO NOTHING"
                ).format(_t(table), _t(f"archived_{table}")),
                {"cutoff": older_than},
            )
            return cursor.rowcount

    def row(self, channel: Channel, message_id: UUID) -> dict[str, Any] | None:
        """This function will read a message's row, live or archived (for tests and support)."""
        table = _TABLES[channel]
        with self._pool.connection() as conn:
            found: dict[str, Any] | None = conn.execute(
                SQL(
                    "SELECT *, false AS archived FROM {} WHERE id = %(id)s UNION ALL"
                    " SELECT *, true AS archived FROM {} WHERE id = %(id)s"
                ).format(_t(table), _t(f"archived_{table}")),
                {"id": message_id},
            ).fetchone()
        return found
