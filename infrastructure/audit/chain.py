"""The hash chain over every event log (docs/audit.md, "What a link commits to").

Each stored event gets one link in `storage.event_links`, keyed by (log, position):

    link = SHA-256( previous link            32 bytes; 32 zero bytes for a log's first event
                  | log name, UTF-8 | 0x00
                  | position                 8 bytes, big-endian (the notification id)
                  | originator id            16 bytes (the UUID's bytes)
                  | originator version       8 bytes, big-endian
                  | topic, UTF-8 | 0x00
                  | SHA-256(state) )         the stored state bytes, as they are in the table

The link is written by a row trigger on the log's events table, so it is in the same
transaction as the event whatever wrote it: there is no second writer that could fall
behind, and an event cannot commit without its link. The recorder already holds the log's
table in EXCLUSIVE mode while it inserts, so "the previous link" is well defined.

The state is committed to as stored: compressed, and encrypted for the identity log. A
field kept as a blob (ADR 0005) is in the state as the SHA-256 of its content, and the
blob store checks that checksum on every read, so the link covers the blob's content too
without reading it. Verification therefore needs neither the secret key nor the blobs.
"""

import hashlib
import struct
from collections.abc import Iterable
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.rows import tuple_row

SCHEMA = "storage"
TABLE = "event_links"
GENESIS = bytes(32)
LOGS = (
    "identity",
    "apidoc",
    "storage",
    "testgen",
    "testexec",
    "notif",
    "sub",
    "llm",
    "testreport",
    "config",
)
_BATCH = 2000

_LINKS = sql.Identifier(SCHEMA, TABLE)
_FUNCTION = sql.Identifier(SCHEMA, "link_event")

LINKS_DDL = (
    sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SCHEMA)),
    sql.SQL(
        "CREATE TABLE IF NOT EXISTS {} (log text NOT NULL, position bigint NOT NULL,"
        " link bytea NOT NULL, PRIMARY KEY (log, position))"
    ).format(_LINKS),
    # The same formula as link() below; tests hold the two to each other.
    sql.SQL(
        "CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$"
        " DECLARE previous bytea;"
        " BEGIN"
        "  SELECT l.link INTO previous FROM {links} l WHERE l.log = TG_ARGV[0]"
        "   ORDER BY l.position DESC LIMIT 1;"
        "  INSERT INTO {links} (log, position, link) VALUES (TG_ARGV[0], NEW.notification_id,"
        "   sha256(coalesce(previous, decode(repeat('00', 32), 'hex'))"
        "    || convert_to(TG_ARGV[0], 'UTF8') || '\\x00'::bytea"
        "    || int8send(NEW.notification_id::bigint) || uuid_send(NEW.originator_id)"
        "    || int8send(NEW.originator_version::bigint)"
        "    || convert_to(NEW.topic, 'UTF8') || '\\x00'::bytea || sha256(NEW.state)));"
        "  RETURN NULL;"
        " END $$"
    ).format(function=_FUNCTION, links=_LINKS),
)


def link(
    previous: bytes,
    log: str,
    position: int,
    originator_id: UUID,
    version: int,
    topic: str,
    state: bytes,
) -> bytes:
    """This function will compute one link of the chain (the formula in the module's docstring)."""
    return hashlib.sha256(
        previous
        + log.encode()
        + b"\x00"
        + struct.pack(">q", position)
        + originator_id.bytes
        + struct.pack(">q", version)
        + topic.encode()
        + b"\x00"
        + hashlib.sha256(state).digest()
    ).digest()


def events_table(log: str) -> sql.Identifier:
    return sql.Identifier(f"{log}_events")


def install(conn: psycopg.Connection[Any], logs: Iterable[str] = LOGS) -> dict[str, int]:
    """This function will create the links table and each log's trigger, and link every event
    written before the chain existed. Returns how many events each log had linked now.

    The connection must be in autocommit mode; each log is linked in its own transaction,
    with its events table locked as the recorder locks it, so no write interleaves.
    """
    for statement in LINKS_DDL:
        conn.execute(statement)
    linked = {}
    for log in logs:
        with conn.transaction():
            table = events_table(log)
            conn.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(table))
            conn.execute(
                sql.SQL(
                    "CREATE OR REPLACE TRIGGER link_event AFTER INSERT ON {} FOR EACH ROW"
                    " EXECUTE FUNCTION {}({})"
                ).format(table, _FUNCTION, sql.Literal(log))
            )
            linked[log] = backfill(conn, log)
    return linked


def head(conn: psycopg.Connection[Any], log: str) -> tuple[int, bytes] | None:
    """This function will return a log's last linked position and its link, if any."""
    row = (
        conn.cursor(row_factory=tuple_row)
        .execute(
            sql.SQL(
                "SELECT position, link FROM {} WHERE log = %s ORDER BY position DESC LIMIT 1"
            ).format(_LINKS),
            (log,),
        )
        .fetchone()
    )
    return None if row is None else (int(row[0]), bytes(row[1]))


def backfill(conn: psycopg.Connection[Any], log: str) -> int:
    """This function will link the events after the log's last link (all of them, on a
    database from before the chain). The caller holds the log's table locked."""
    last = head(conn, log)
    after, previous = last if last is not None else (0, GENESIS)
    return _link_from(conn, log, after, previous)


def relink(conn: psycopg.Connection[Any], log: str) -> int:
    """This function will recompute every link of a log from its first event: for a sanctioned
    rewrite of stored states (`testament rotate-secret-key`), never to hide an edit."""
    conn.execute(sql.SQL("DELETE FROM {} WHERE log = %s").format(_LINKS), (log,))
    return _link_from(conn, log, 0, GENESIS)


def _link_from(conn: psycopg.Connection[Any], log: str, after: int, previous: bytes) -> int:
    insert = sql.SQL("INSERT INTO {} (log, position, link) VALUES (%s, %s, %s)").format(_LINKS)
    rows: list[tuple[str, int, bytes]] = []
    linked = 0
    with conn.cursor(name=f"link_{log}") as cursor, conn.cursor() as writer:
        cursor.itersize = _BATCH
        cursor.execute(
            sql.SQL(
                "SELECT notification_id, originator_id, originator_version, topic, state"
                " FROM {} WHERE notification_id > %s ORDER BY notification_id"
            ).format(events_table(log)),
            (after,),
        )
        for position, originator_id, version, topic, state in cursor:
            previous = link(previous, log, position, originator_id, version, topic, bytes(state))
            rows.append((log, position, previous))
            if len(rows) == _BATCH:  # a log of millions is linked in bounded memory
                writer.executemany(insert, rows)
                linked, rows = linked + len(rows), []
        writer.executemany(insert, rows)
    return linked + len(rows)
