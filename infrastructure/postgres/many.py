"""Many aggregates of one application, read in two queries instead of two per aggregate.

A run's plan needs every case of its suite. `repository.get` reads one aggregate at a time
(its latest snapshot, then its events): a 1,000-case suite cost 2,000 round trips, once when
the run was queued and again in the worker, and dispatch grew with the suite. Here the
latest snapshot of every aggregate comes in one query and the events after it in another,
decoded by the application's own mapper (encryption, compression and blobs included) and
projected as the repository would: the same state, from the log, with no read-model lag.
"""

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import Application, project_aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder
from psycopg.sql import SQL, Identifier


def _stored(rows: Iterable[dict[str, Any]]) -> list[StoredEvent]:
    return [
        StoredEvent(
            originator_id=row["originator_id"],
            originator_version=row["originator_version"],
            topic=row["topic"],
            state=bytes(row["state"]),
        )
        for row in rows
    ]


def _table(recorder: PostgresAggregateRecorder) -> Any:
    return SQL("{}.{}").format(
        Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name)
    )


def load_many(app: Application[Any], ids: Sequence[UUID]) -> dict[UUID, Any]:
    """This function will read the current state of each aggregate named, by id; an id with
    no events is left out. Other stores (the in-memory one of unit tests) are read one
    aggregate at a time."""
    if not ids:
        return {}
    recorder = app.recorder
    if not isinstance(recorder, PostgresAggregateRecorder):
        return _one_by_one(app, ids)
    snapshot_recorder = app.snapshots.recorder if app.snapshots is not None else None
    unique = list(dict.fromkeys(ids))
    with recorder.datastore.get_connection() as conn, conn.cursor() as curs:
        snapshot_rows: list[dict[str, Any]] = []
        if isinstance(snapshot_recorder, PostgresAggregateRecorder):
            curs.execute(
                SQL(
                    "SELECT DISTINCT ON (originator_id) * FROM {} WHERE originator_id = ANY(%s)"
                    " ORDER BY originator_id, originator_version DESC"
                ).format(_table(snapshot_recorder)),
                (unique,),
            )
            snapshot_rows = list(curs.fetchall())
        after = {row["originator_id"]: row["originator_version"] for row in snapshot_rows}
        curs.execute(
            SQL(
                "SELECT e.* FROM {} e JOIN unnest(%s::uuid[], %s::int[]) AS s(id, after)"
                " ON e.originator_id = s.id AND e.originator_version > s.after"
                " ORDER BY e.originator_id, e.originator_version"
            ).format(_table(recorder)),
            (unique, [after.get(i, 0) for i in unique]),
        )
        event_rows = list(curs.fetchall())
    streams: dict[UUID, list[Any]] = {}
    snapshot_mapper = app.snapshots.mapper if app.snapshots is not None else app.mapper
    for stored in _stored(snapshot_rows):
        streams[UUID(str(stored.originator_id))] = [snapshot_mapper.to_domain_event(stored)]
    for stored in _stored(event_rows):
        key = UUID(str(stored.originator_id))
        streams.setdefault(key, []).append(app.mapper.to_domain_event(stored))
    loaded: dict[UUID, Any] = {}
    for key, stream in streams.items():
        aggregate = project_aggregate(None, stream)
        if aggregate is not None:
            loaded[key] = aggregate
    return loaded


def _one_by_one(app: Application[Any], ids: Sequence[UUID]) -> dict[UUID, Any]:
    from eventsourcing.application import AggregateNotFoundError

    loaded: dict[UUID, Any] = {}
    for key in dict.fromkeys(ids):
        try:
            loaded[key] = app.repository.get(key)
        except AggregateNotFoundError:
            continue
    return loaded
