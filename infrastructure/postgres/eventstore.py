"""The eventsourcing library's environment for PostgreSQL, built from a database URL."""

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from infrastructure.postgres.factory import (
    BLOB_FROM_BYTES,
    DEFAULT_BLOB_FROM_BYTES,
    IDLE_IN_TRANSACTION_TIMEOUT_MS,
    MAX_EVENT_BYTES,
    STATEMENT_TIMEOUT_MS,
)
from infrastructure.settings import ConfigurationError


@dataclass(frozen=True, kw_only=True)
class WriteLimits:
    """How long a write may wait or run on the server, how large one event may be, and from
    what size a field of an event is kept as a blob (0: never, the shape before ADR 0005)."""

    lock_timeout_seconds: int = 5
    statement_timeout_seconds: int = 30
    idle_in_transaction_timeout_seconds: int = 10
    max_event_bytes: int = 8 * 1024 * 1024
    blob_from_bytes: int = DEFAULT_BLOB_FROM_BYTES


def postgres_env(
    database_url: str,
    *,
    create_table: bool,
    pool_size: int = 1,
    max_overflow: int = 5,
    limits: WriteLimits = WriteLimits(),
) -> dict[str, str]:
    """This function will translate a URL into the eventsourcing library's settings.

    Testament's factory (infrastructure.postgres.factory) writes events without a psycopg
    pipeline and under the limits given. DB functions stay off (they break commit-order of
    notification ids), and tables are created only by `testament migrate` (CREATE_TABLE=y
    there alone).
    """
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ConfigurationError(
            f"TESTAMENT_DATABASE_URL must start with postgresql://, got {parts.scheme!r}"
        )
    query = parse_qs(parts.query)
    host = parts.hostname or query.get("host", [""])[0]
    dbname = parts.path.lstrip("/") or "postgres"
    return {
        "PERSISTENCE_MODULE": "infrastructure.postgres.factory:Factory",
        "POSTGRES_DBNAME": unquote(dbname),
        "POSTGRES_HOST": unquote(host) or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or query.get("port", ["5432"])[0]),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_POOL_SIZE": str(pool_size),
        "POSTGRES_MAX_OVERFLOW": str(max_overflow),
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "POSTGRES_LOCK_TIMEOUT": str(limits.lock_timeout_seconds),
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": str(
            limits.idle_in_transaction_timeout_seconds
        ),
        STATEMENT_TIMEOUT_MS: str(limits.statement_timeout_seconds * 1000),
        IDLE_IN_TRANSACTION_TIMEOUT_MS: str(limits.idle_in_transaction_timeout_seconds * 1000),
        MAX_EVENT_BYTES: str(limits.max_event_bytes),
        BLOB_FROM_BYTES: str(limits.blob_from_bytes),
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
        "CREATE_TABLE": "y" if create_table else "n",
        "AGGREGATE_CACHE_MAXSIZE": "1000",
    }
