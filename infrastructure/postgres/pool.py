"""Connection pools for the read models (the event store has its own)."""

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


def open_pool(database_url: str, *, size: int = 10, name: str = "read-models") -> DictPool:
    """This function will open a pool whose connections return rows as dicts."""
    pool: DictPool = ConnectionPool(
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
