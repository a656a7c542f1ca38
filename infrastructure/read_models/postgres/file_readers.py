"""Queries on storage.file_entries for the storage clean-up."""

from datetime import datetime
from uuid import UUID

from infrastructure.postgres.pool import DictPool


class PostgresExpiredFiles:
    """Files past their expiry, and whether another file shares one's bytes."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def expired(self, now: datetime, limit: int) -> list[UUID]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT id FROM storage.file_entries WHERE expires_at IS NOT NULL AND NOT deleted"
                " AND expires_at <= %s ORDER BY expires_at LIMIT %s",
                (now, limit),
            ).fetchall()
        return [row["id"] for row in rows]

    def location_shared(self, location: str, file_id: UUID) -> bool:
        # A deleted (not purged) file may be restored by uploading it again, which writes
        # its bytes again: only files not deleted need them kept.
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT 1 FROM storage.file_entries WHERE file_location = %s AND id <> %s"
                " AND NOT deleted AND (expires_at IS NULL OR expires_at > now()) LIMIT 1",
                (location, file_id),
            ).fetchone()
        return row is not None
