"""Where each projection stands in each log it follows."""

from typing import Any

from psycopg import Cursor

TRACKING_DDL = (
    "CREATE SCHEMA IF NOT EXISTS projections",
    "CREATE TABLE IF NOT EXISTS projections.tracking ("
    " projection_name text NOT NULL, application_name text NOT NULL,"
    " notification_id bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),"
    " PRIMARY KEY (projection_name, application_name))",
)


class TrackingConflictError(Exception):
    """A tracking row moved under a runner: another instance of the projection is running."""


def read_position(cursor: Cursor[Any], projection: str, application: str) -> int:
    """This function will return the last notification id a projection applied from a log."""
    cursor.execute(
        "SELECT notification_id FROM projections.tracking"
        " WHERE projection_name = %s AND application_name = %s",
        (projection, application),
    )
    row = cursor.fetchone()
    if row is None:
        return 0
    return int(row["notification_id"] if isinstance(row, dict) else row[0])


def advance(
    cursor: Cursor[Any], projection: str, application: str, *, previous: int, to: int
) -> None:
    """This function will move the tracking row from one position to the next, in the caller's
    transaction, refusing if it is not where this runner left it."""
    if previous == 0:
        cursor.execute(
            "INSERT INTO projections.tracking (projection_name, application_name, notification_id)"
            " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            (projection, application, to),
        )
    else:
        cursor.execute(
            "UPDATE projections.tracking SET notification_id = %s, updated_at = now()"
            " WHERE projection_name = %s AND application_name = %s AND notification_id = %s",
            (to, projection, application, previous),
        )
    if cursor.rowcount != 1:
        raise TrackingConflictError(
            f"projection {projection!r} on log {application!r} moved from {previous} meanwhile: "
            "is another instance running?"
        )


def read_positions(cursor: Cursor[Any]) -> dict[tuple[str, str], int]:
    """This function will return where every projection stands in every log it follows."""
    cursor.execute(
        "SELECT projection_name, application_name, notification_id FROM projections.tracking"
    )
    positions: dict[tuple[str, str], int] = {}
    for row in cursor.fetchall():
        values = list(row.values()) if isinstance(row, dict) else list(row)
        positions[(str(values[0]), str(values[1]))] = int(values[2])
    return positions
