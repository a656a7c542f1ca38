"""Waking projection runners when their log grows, with one LISTEN connection per log, and
holding every runner's single-instance lock on one connection per process."""

import logging
import threading
from zlib import crc32

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)


class ProjectionAlreadyRunningError(Exception):
    """A second instance of a projection on the same log: only one may write its tables."""


class LogWaker:
    """Listens to one log's NOTIFY channel and sets the events of the runners that follow it."""

    def __init__(self, database_url: str, channel: str, stop: threading.Event) -> None:
        self._url, self._channel, self._stop = database_url, channel, stop
        self._events: list[threading.Event] = []
        self._thread = threading.Thread(target=self._listen, name=f"listen-{channel}", daemon=True)

    def subscribe(self) -> threading.Event:
        event = threading.Event()
        self._events.append(event)
        return event

    def start(self) -> None:
        self._thread.start()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=0.5, stop_after=1):
                            for event in self._events:
                                event.set()
            except psycopg.Error:
                log.warning(
                    "lost the LISTEN connection on %s; reconnecting", self._channel, exc_info=True
                )
                self._stop.wait(1.0)


class ProjectionLocks:
    """Session advisory locks, one per (projection, log), all on one connection."""

    def __init__(self, database_url: str) -> None:
        self._conn = psycopg.connect(database_url, autocommit=True)

    def acquire(self, projection: str, log_name: str) -> None:
        """This function will take a runner's lock. Raises ProjectionAlreadyRunningError."""
        key = crc32(f"projection:{projection}:{log_name}".encode()) - 2**31
        row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
        if not row or not row[0]:
            raise ProjectionAlreadyRunningError(
                f"projection {projection!r} on log {log_name!r} is already running in another process"
            )

    def close(self) -> None:
        self._conn.close()
