"""identity.api_keys in PostgreSQL: the view the projection writes and the owner's reader."""

from datetime import datetime
from typing import Any
from uuid import UUID

from application.identity.queries import ApiKeyView
from infrastructure.postgres.pool import DictPool
from infrastructure.read_models.postgres.base import PostgresView, columns
from projections.api_keys.view import ApiKeyRow, ApiKeysView


class PostgresApiKeysView(PostgresView, ApiKeysView):
    """Not in the ERD: a user's keys for machines (docs/api-keys.md). No key is stored, nor
    its hash: requests find a key through its aggregate, whose id derives from the hash."""

    tables = ("api_keys",)
    ddl = (
        "CREATE TABLE IF NOT EXISTS {schema}.api_keys ("
        " id uuid PRIMARY KEY, owner_id uuid NOT NULL, name text NOT NULL, scope text NOT NULL,"
        " prefix text NOT NULL, expires_at timestamptz NOT NULL,"
        " created_at timestamptz NOT NULL, revoked_at timestamptz,"
        " last_used_at timestamptz, row_version integer NOT NULL)",
        "CREATE INDEX IF NOT EXISTS api_keys_owner_idx ON {schema}.api_keys (owner_id, created_at)",
    )

    def insert_key(self, row: ApiKeyRow) -> None:
        self.run(
            "INSERT INTO {t_api_keys} (id, owner_id, name, scope, prefix, expires_at,"
            " created_at, row_version) VALUES (%(id)s, %(owner_id)s, %(name)s, %(scope)s,"
            " %(prefix)s, %(expires_at)s, %(created_at)s, %(row_version)s)",
            columns(row),
        )

    def revoke_key(self, key_id: UUID, *, at: datetime, version: int) -> None:
        self.run(
            "UPDATE {t_api_keys} SET revoked_at = %(at)s, row_version = %(v)s WHERE id = %(id)s",
            {"at": at, "v": version, "id": key_id},
        )

    def record_use(self, key_id: UUID, *, at: datetime, version: int) -> None:
        self.run(
            "UPDATE {t_api_keys} SET last_used_at = %(at)s, row_version = %(v)s WHERE id = %(id)s",
            {"at": at, "v": version, "id": key_id},
        )


class PostgresApiKeyReader:
    """A user's keys, newest first; another user's key is not found."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def keys_of(self, owner_id: UUID) -> list[ApiKeyView]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT * FROM identity.api_keys WHERE owner_id = %s ORDER BY created_at DESC, id",
                (owner_id,),
            ).fetchall()
        return [_view(row) for row in rows]

    def key(self, key_id: UUID, *, owner_id: UUID) -> ApiKeyView | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT * FROM identity.api_keys WHERE id = %s AND owner_id = %s",
                (key_id, owner_id),
            ).fetchone()
        return _view(row) if row else None


def _view(row: dict[str, Any]) -> ApiKeyView:
    return ApiKeyView(
        id=row["id"],
        owner_id=row["owner_id"],
        name=row["name"],
        scope=row["scope"],
        prefix=row["prefix"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
        last_used_at=row["last_used_at"],
        version=row["row_version"],
    )
