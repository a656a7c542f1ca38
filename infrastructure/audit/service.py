"""The signed digests as the API and the workers use them, on the read-model pool."""

from datetime import UTC, datetime, timedelta

from psycopg import sql
from psycopg.rows import tuple_row

from infrastructure.audit.chain import SCHEMA
from infrastructure.audit.digests import Digest, DigestSigner, read_digests, take_digest
from infrastructure.postgres.pool import DictPool


class AuditDigests:
    """Take a digest when one is due, and page through those kept."""

    def __init__(self, pool: DictPool, signer: DigestSigner, *, every: timedelta) -> None:
        self._pool, self._signer, self._every = pool, signer, every

    @property
    def public_key(self) -> str:
        return self._signer.public_key

    def take_if_due(self) -> Digest | None:
        """This function will sign a digest when the last one is older than the period (or
        there is none); several workers asking at once take one (an advisory lock)."""
        with self._pool.connection() as conn, conn.transaction():
            cur = conn.cursor(row_factory=tuple_row)
            cur.execute("SELECT pg_advisory_xact_lock(771014)")
            last = cur.execute(
                sql.SQL("SELECT max(taken_at) FROM {}").format(
                    sql.Identifier(SCHEMA, "event_digests")
                )
            ).fetchone()
            if last and last[0] is not None and last[0] > datetime.now(UTC) - self._every:
                return None
            return take_digest(conn, self._signer)

    def take(self) -> Digest:
        with self._pool.connection() as conn:
            return take_digest(conn, self._signer)

    def page(self, *, after: int, limit: int | None) -> list[Digest]:
        with self._pool.connection() as conn:
            return read_digests(conn, after=after, limit=limit)
