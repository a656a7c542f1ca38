"""Where a projection stopped, on which event and why; and the events an operator skipped.

A projection that meets an event it cannot apply must not stall every tenant in silence:
its runner records the event's position and the error here (shown by `/health` and
`testament projections status`), and keeps retrying, since the cause may be passing (a
dropped connection). When it is not, `testament projections skip` records why the event is
skipped, by whom, and moves the tracking past it in one transaction; rebuilds skip it too,
so a rebuilt read model still equals the live one.
"""

import getpass
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import Cursor

from infrastructure.postgres.pool import DictPool
from infrastructure.projections.tracking import advance, read_position

STALLS_DDL = (
    "CREATE TABLE IF NOT EXISTS projections.stalls ("
    " projection_name text NOT NULL, application_name text NOT NULL,"
    " notification_id bigint NOT NULL, topic text NOT NULL, error text NOT NULL,"
    " attempts integer NOT NULL DEFAULT 1, since timestamptz NOT NULL DEFAULT now(),"
    " last_seen timestamptz NOT NULL DEFAULT now(),"
    " PRIMARY KEY (projection_name, application_name))",
    "CREATE TABLE IF NOT EXISTS projections.skipped_events ("
    " projection_name text NOT NULL, application_name text NOT NULL,"
    " notification_id bigint NOT NULL, topic text NOT NULL, originator_id uuid NOT NULL,"
    " originator_version integer NOT NULL, error text NOT NULL, reason text NOT NULL,"
    " skipped_by text NOT NULL, skipped_at timestamptz NOT NULL DEFAULT now(),"
    " PRIMARY KEY (projection_name, application_name, notification_id))",
)

_MAX_ERROR = 2000


@dataclass(frozen=True)
class Stall:
    """A projection stopped at an event it could not apply."""

    projection: str
    log: str
    position: int
    topic: str
    error: str
    attempts: int
    since: datetime
    last_seen: datetime


class SkipRefusedError(Exception):
    """A skip that would lose an event the projection can apply, or that names no event."""


def record_stall(
    pool: DictPool, projection: str, log: str, position: int, topic: str, error: str
) -> None:
    """This function will record (or count again) the event a projection stopped at."""
    with pool.connection() as conn:
        conn.execute(
            "INSERT INTO projections.stalls"
            " (projection_name, application_name, notification_id, topic, error)"
            " VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (projection_name, application_name) DO UPDATE SET"
            " attempts = CASE WHEN stalls.notification_id = EXCLUDED.notification_id"
            "  THEN stalls.attempts + 1 ELSE 1 END,"
            " since = CASE WHEN stalls.notification_id = EXCLUDED.notification_id"
            "  THEN stalls.since ELSE now() END,"
            " notification_id = EXCLUDED.notification_id, topic = EXCLUDED.topic,"
            " error = EXCLUDED.error, last_seen = now()",
            (projection, log, position, topic, error[:_MAX_ERROR]),
        )


def clear_stall(cursor: Cursor[Any], projection: str, log: str) -> None:
    """This function will forget a projection's stall, in the caller's transaction."""
    cursor.execute(
        "DELETE FROM projections.stalls WHERE projection_name = %s AND application_name = %s",
        (projection, log),
    )


def read_stalls(cursor: Cursor[Any]) -> dict[tuple[str, str], Stall]:
    """This function will return every recorded stall by (projection, log)."""
    cursor.execute(
        "SELECT projection_name, application_name, notification_id, topic, error, attempts,"
        " since, last_seen FROM projections.stalls"
    )
    return {
        (row["projection_name"], row["application_name"]): Stall(
            projection=row["projection_name"],
            log=row["application_name"],
            position=int(row["notification_id"]),
            topic=row["topic"],
            error=row["error"],
            attempts=int(row["attempts"]),
            since=row["since"],
            last_seen=row["last_seen"],
        )
        for row in cursor.fetchall()
    }


def skipped_positions(pool: DictPool, projection: str, log: str) -> frozenset[int]:
    """This function will return the positions an operator skipped for a projection."""
    with pool.connection() as conn:
        rows = conn.execute(
            "SELECT notification_id FROM projections.skipped_events"
            " WHERE projection_name = %s AND application_name = %s",
            (projection, log),
        ).fetchall()
    return frozenset(int(row["notification_id"]) for row in rows)


def skip_event(
    pool: DictPool,
    application: Any,
    projection: str,
    log: str,
    position: int,
    reason: str,
    tracking_name: str | None = None,
) -> dict[str, Any]:
    """This function will skip the one event a projection is stopped at: record who skipped it,
    why and what it was, in one transaction. When it is the next event, the tracking moves
    past it too; otherwise (it sits in a batch behind events that apply) the runner, which
    reads the skipped events again while stalled, leaves it out of its next attempt.

    Refuses (SkipRefusedError) any position but the next event or the recorded stall, so a
    mistyped position cannot drop an event that would have applied. Returns the record.
    """
    if not reason.strip():
        raise SkipRefusedError("give a --reason: it is kept with the skipped event")
    name = tracking_name or projection
    with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        previous = read_position(cur, name, log)
        cur.execute(
            "SELECT notification_id, error FROM projections.stalls"
            " WHERE projection_name = %s AND application_name = %s",
            (projection, log),
        )
        stall = cur.fetchone()
        stalled_at = int(stall["notification_id"]) if stall else None
        following = _event_from(application, previous + 1)
        is_next = following is not None and following.id == position
        if not is_next and position != stalled_at:
            where = f", stopped at {log}:{stalled_at}" if stalled_at else ""
            raise SkipRefusedError(
                f"{projection} stands at {log}:{previous}{where}; only the event it is stopped"
                f" at can be skipped, not {log}:{position}"
            )
        event = following if is_next else _event_from(application, position)
        if event is None or event.id != position or position <= previous:
            raise SkipRefusedError(f"there is no event at {log}:{position} ahead of {projection}")
        record = {
            "projection": projection,
            "log": log,
            "position": position,
            "topic": event.topic,
            "originator_id": event.originator_id,
            "originator_version": event.originator_version,
            "error": stall["error"] if stall and stalled_at == position else "(none recorded)",
            "reason": reason.strip()[:_MAX_ERROR],
            "skipped_by": _operator(),
        }
        cur.execute(
            "INSERT INTO projections.skipped_events (projection_name, application_name,"
            " notification_id, topic, originator_id, originator_version, error, reason, skipped_by)"
            " VALUES (%(projection)s, %(log)s, %(position)s, %(topic)s, %(originator_id)s,"
            " %(originator_version)s, %(error)s, %(reason)s, %(skipped_by)s)",
            record,
        )
        if is_next:
            advance(cur, name, log, previous=previous, to=position)
            clear_stall(cur, projection, log)
    return record


def _event_from(application: Any, start: int) -> Any:
    """This function will return the first event of the log at or after a position, or None."""
    found = application.recorder.select_notifications(start=start, limit=1)
    return found[0] if found else None


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a container without /etc/passwd entry
        return "unknown"
