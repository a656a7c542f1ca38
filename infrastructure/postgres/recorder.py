"""The events recorder Testament writes through: eventsourcing's, without a pipeline.

eventsourcing's recorder sends LOCK TABLE, NOTIFY and the INSERT in one psycopg pipeline.
Over a Unix-domain socket, one insert of about 1 MB or more could hang for ever in
`pipeline.sync()` (client and server each waiting for the other) while the table lock was
held, so every other writer of that log failed. Here the same statements run one after the
other in one transaction: same lock (notification ids stay in commit order), same NOTIFY,
same INSERT ... RETURNING; the server also bounds how long the transaction may wait for the
lock, run a statement, or sit idle, so no writer can hold the lock for long.
"""

import time
from collections.abc import Sequence
from typing import Any

import psycopg
import psycopg.errors
from eventsourcing.persistence import (
    InterfaceError,
    OperationalError,
    PersistenceError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.sql import SQL, Identifier

from domain.shared.limits import TooLargeError

# A connection lost before anything was written is worth another try; a timeout is not
# (the writer waited long enough, and retrying would hold the caller for minutes).
_RETRIES = 3
_RETRY_WAIT = 0.2
_TIMEOUTS = (
    psycopg.errors.LockNotAvailable,
    psycopg.errors.QueryCanceled,
    psycopg.errors.IdleInTransactionSessionTimeout,
)


class WriteTimeoutError(OperationalError):
    """A write the server stopped: the events table stayed locked, or a statement ran too long."""


class TestamentApplicationRecorder(PostgresApplicationRecorder):
    """An application recorder that inserts without a psycopg pipeline, under server timeouts."""

    __test__ = False

    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        events_table_name: str = "stored_events",
        statement_timeout_ms: int = 30_000,
        idle_in_transaction_timeout_ms: int = 10_000,
        max_event_bytes: int = 0,
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.max_event_bytes = max_event_bytes
        # One simple-protocol round trip: the transaction's limits, the lock, the wake-up.
        self.prelude = SQL(
            "SET LOCAL lock_timeout = '{lock}ms';"
            " SET LOCAL statement_timeout = '{statement}ms';"
            " SET LOCAL idle_in_transaction_session_timeout = '{idle}ms';"
            " LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE;"
            " NOTIFY {channel}"
        ).format(
            lock=SQL(str(int(datastore.lock_timeout * 1000))),
            statement=SQL(str(int(statement_timeout_ms))),
            idle=SQL(str(int(idle_in_transaction_timeout_ms))),
            schema=Identifier(datastore.schema),
            table=Identifier(self.events_table_name),
            channel=Identifier(self.channel_name),
        )

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """This function will write the events in one transaction and return their positions.

        Raises TooLargeError (an event over the limit), WriteTimeoutError (a server timeout),
        eventsourcing's IntegrityError (a version already taken) or its other errors.
        """
        self._check_sizes(stored_events)
        attempt = 0
        while True:
            try:
                return self._insert_once(stored_events, **kwargs)
            except WriteTimeoutError:
                raise
            except (InterfaceError, OperationalError):
                attempt += 1
                if attempt >= _RETRIES:
                    raise
                time.sleep(_RETRY_WAIT * attempt)

    def _insert_once(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        try:
            with (
                self.datastore.get_connection() as conn,
                conn.transaction(),
                conn.cursor() as curs,
            ):
                # Tracking rows (process recorders) and other extras first, as upstream.
                self._insert_events(curs, stored_events, **kwargs)
                if not stored_events:
                    return []
                curs.execute(self.prelude)
                # The base class's INSERT: one statement, every event, RETURNING the ids.
                super(PostgresApplicationRecorder, self)._insert_stored_events(
                    curs, stored_events, **kwargs
                )
                return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        except PersistenceError as error:
            if isinstance(error.__cause__, _TIMEOUTS):
                raise WriteTimeoutError(str(error)) from error.__cause__
            raise

    def _check_sizes(self, stored_events: Sequence[StoredEvent]) -> None:
        if not self.max_event_bytes:
            return
        for stored in stored_events:
            if len(stored.state) > self.max_event_bytes:
                raise TooLargeError(
                    limit="TESTAMENT_MAX_EVENT_BYTES",
                    size=len(stored.state),
                    maximum=self.max_event_bytes,
                    what=f"the event {stored.topic.rsplit(':', 1)[-1]}",
                )
