"""storage.file_entries and storage.deleted_file_entries, from FileEntry events."""

from datetime import datetime
from functools import singledispatchmethod
from typing import Any

from domain.files.model import FileEntry
from projections.base import Projection
from projections.files.view import FilesView
from projections.shared import event_id


class FilesProjection(Projection[FilesView]):
    """One row per stored file, with its soft-delete state."""

    name = "files"
    follows = ("storage",)

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore events of other aggregates."""

    @process_event.register
    def _(self, e: FileEntry.Uploaded) -> None:
        self.view.insert_file(
            {
                "id": e.originator_id,
                "owner_id": e.owner_id,
                "file_name": e.file_name,
                "name": e.file_name,
                "content_type": e.content_type,
                "size": e.size,
                "checksum": e.sha256,
                "file_location": e.location,
                "description": "",
                "file_category": e.category,
                "deleted": False,
                "deleted_date": None,
                "archived": False,
                "archived_date": None,
                "encrypted": False,
                "encryption_key": None,
                "encryption_iv": None,
                "expires_at": None,
                "uploaded_time": e.timestamp,
                "created_date_time": e.timestamp,
                "updated_date_time": e.timestamp,
                "row_version": e.originator_version,
            }
        )

    @process_event.register
    def _(self, e: FileEntry.Deleted) -> None:
        self.view.update_file(
            e.originator_id,
            at=e.timestamp,
            version=e.originator_version,
            deleted=True,
            deleted_date=e.timestamp,
        )

    @process_event.register
    def _(self, e: FileEntry.Restored) -> None:
        self.view.update_file(
            e.originator_id,
            at=e.timestamp,
            version=e.originator_version,
            deleted=False,
            deleted_date=None,
            file_name=e.file_name,
            uploaded_time=e.timestamp,
            expires_at=None,
        )

    @process_event.register
    def _(self, e: FileEntry.ExpirySet) -> None:
        self.view.update_file(
            e.originator_id,
            at=e.timestamp,
            version=e.originator_version,
            expires_at=datetime.fromisoformat(e.expires_at),
        )

    @process_event.register
    def _(self, e: FileEntry.Purged) -> None:
        self.view.update_file(
            e.originator_id,
            at=e.timestamp,
            version=e.originator_version,
            deleted=True,
            deleted_date=e.timestamp,
        )
        self.view.insert_deleted(
            {
                "id": event_id(e),
                "file_entry_id": e.originator_id,
                "created_date_time": e.timestamp,
                "updated_date_time": e.timestamp,
                "row_version": 1,
            }
        )
