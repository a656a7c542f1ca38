"""Connection pools for the read models (the event store has its own)."""

import os
import threading
from typing import Any, TypeAlias

import psycopg
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool

from infrastructure.settings import ConfigurationError

# Read models use dict rows everywhere.
DictPool: TypeAlias = ConnectionPool[psycopg.Connection[DictRow]]


def check_reachable(database_url: str) -> None:
    """This function will fail with a clear message when PostgreSQL cannot be reached."""
    try:
        with psycopg.connect(database_url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        raise ConfigurationError(
            f"cannot reach PostgreSQL at {_safe(database_url)}: {error}".strip()
        ) from None


class NestedConnectionError(RuntimeError):
    """A thread asked a pool for a second connection while it still held one."""


class _OneAtATimePool(ConnectionPool[psycopg.Connection[DictRow]]):
    """A pool that refuses a thread a second connection while it holds one.

    A thread that holds one connection and waits for another deadlocks as soon as as many
    threads as the pool has connections do the same (the projector's 13 runners on a pool of
    10 waited 30 s for each other). Tests turn this check on (TESTAMENT_STRICT_POOL=1), so
    the whole suite proves no code path nests; production keeps the plain pool.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held = threading.local()

    def getconn(self, timeout: float | None = None) -> psycopg.Connection[DictRow]:
        if getattr(self._held, "count", 0):
            raise NestedConnectionError(
                f"pool {self.name}: this thread already holds a connection; pass it on instead"
            )
        conn = super().getconn(timeout)
        self._held.count = 1
        return conn

    def putconn(self, conn: psycopg.Connection[DictRow]) -> None:
        self._held.count = 0
        super().putconn(conn)


def open_pool(database_url: str, *, size: int = 10, name: str = "read-models") -> DictPool:
    """This function will open a pool whose connections return rows as dicts."""
    strict = os.environ.get("TESTAMENT_STRICT_POOL") == "1"
    pool_class = _OneAtATimePool if strict else ConnectionPool
    pool: DictPool = pool_class(
        database_url,
        connection_class=psycopg.Connection[Any],
        min_size=1,
        max_size=size,
        kwargs={"row_factory": dict_row, "autocommit": True},
        name=name,
        open=False,
    )
    pool.open(wait=True, timeout=10)
    return pool


def _safe(url: str) -> str:
    """This function will hide a password in a URL before it is shown."""
    if "@" in url and ":" in url.split("@", 1)[0].split("//", 1)[-1]:
        scheme, rest = url.split("//", 1)
        creds, host = rest.split("@", 1)
        return f"{scheme}//{creds.split(':', 1)[0]}:***@{host}"
    return url
