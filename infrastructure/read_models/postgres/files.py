"""storage.file_entries in PostgreSQL."""

from datetime import datetime
from typing import Any
from uuid import UUID

from infrastructure.read_models.postgres.base import PostgresView
from projections.files.view import FilesView

_EDITABLE = {"deleted", "deleted_date", "file_name", "uploaded_time", "expires_at"}


class PostgresFilesView(PostgresView, FilesView):
    """The ERD's FileEntries, plus the SHA-256 checksum."""

    tables = ("file_entries", "deleted_file_entries")
    ddl = (
        "CREATE TABLE IF NOT EXISTS {schema}.file_entries ("
        " id uuid PRIMARY KEY, owner_id uuid NOT NULL, file_name text NOT NULL, name text NOT NULL,"
        " content_type text NOT NULL, size bigint NOT NULL, checksum text NOT NULL,"
        " file_location text NOT NULL, description text NOT NULL, file_category text NOT NULL,"
        " deleted boolean NOT NULL, deleted_date timestamptz, archived boolean NOT NULL,"
        " archived_date timestamptz, encrypted boolean NOT NULL, encryption_key text,"
        " encryption_iv text, expires_at timestamptz, uploaded_time timestamptz NOT NULL,"
        " created_date_time timestamptz NOT NULL, updated_date_time timestamptz NOT NULL,"
        " row_version integer NOT NULL)",
        "CREATE INDEX IF NOT EXISTS file_entries_owner_idx ON {schema}.file_entries (owner_id, created_date_time DESC)",
        # The clean-up's question: which files are past their expiry and still on disk.
        "CREATE INDEX IF NOT EXISTS file_entries_expiry_idx ON {schema}.file_entries (expires_at)"
        " WHERE expires_at IS NOT NULL AND NOT deleted",
        "CREATE INDEX IF NOT EXISTS file_entries_location_idx ON {schema}.file_entries (file_location)",
        # The seed's storage_DeletedFileEntries: one row per file whose bytes the clean-up removed.
        "CREATE TABLE IF NOT EXISTS {schema}.deleted_file_entries ("
        " id uuid PRIMARY KEY, file_entry_id uuid NOT NULL,"
        " created_date_time timestamptz NOT NULL, updated_date_time timestamptz NOT NULL,"
        " row_version integer NOT NULL)",
    )

    def insert_file(self, row: dict[str, Any]) -> None:
        self.insert_rows("file_entries", [row])

    def insert_deleted(self, row: dict[str, Any]) -> None:
        self.insert_rows("deleted_file_entries", [row])

    def update_file(self, file_id: UUID, *, at: datetime, version: int, **fields: Any) -> None:
        self.update_row(
            "file_entries", file_id, at=at, version=version, allowed=_EDITABLE, fields=fields
        )
