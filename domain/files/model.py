"""The FileEntry aggregate: an uploaded file kept by Testament, addressed by id."""

from enum import StrEnum
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError
from domain.shared.meta import Meta


class FileDeletedError(ConflictError):
    """Deleting a file that is already deleted."""


class FileCategory(StrEnum):
    """What a file is for (the ERD's FileCategory)."""

    API_SPEC = "ApiSpec"
    REPORT = "Report"
    EXPORT = "Export"
    ATTACHMENT = "Attachment"


def file_entry_id(owner_id: UUID, sha256: str) -> UUID:
    """This function will give the id of an owner's file with these bytes.

    Derived from the checksum, so uploading identical bytes again finds the same entry.
    """
    return uuid5(owner_id, f"file:{sha256}")


class FileEntry(Aggregate):
    """A file one user uploaded: name, type, size, checksum and where its bytes lie."""

    class Uploaded(Aggregate.Created):
        owner_id: UUID
        file_name: str
        content_type: str
        size: int
        sha256: str
        location: str
        category: str
        meta: Meta

    @event(Uploaded)
    def __init__(
        self,
        *,
        owner_id: UUID,
        file_name: str,
        content_type: str,
        size: int,
        sha256: str,
        location: str,
        category: str,
        meta: Meta,
    ) -> None:
        self.owner_id = owner_id
        self.file_name = file_name
        self.content_type = content_type
        self.size = size
        self.sha256 = sha256
        self.location = location
        self.category = category
        self.deleted = False
        self.expires_at: str | None = None
        self.purged = False

    @staticmethod
    def create_id(owner_id: UUID, sha256: str, **_: object) -> UUID:
        return file_entry_id(owner_id, sha256)

    class Deleted(Aggregate.Event):
        meta: Meta

    def delete(self, *, meta: Meta) -> None:
        """This function will soft-delete the file; its bytes stay until purged."""
        if self.deleted:
            raise FileDeletedError("the file is already deleted")
        self._delete(meta=meta)

    @event(Deleted)
    def _delete(self, *, meta: Meta) -> None:
        self.deleted = True

    class Restored(Aggregate.Event):
        file_name: str
        meta: Meta

    @event(Restored)
    def restore(self, *, file_name: str, meta: Meta) -> None:
        """This function will bring back a deleted file uploaded again under a name (its
        bytes written again, kept as long as the new upload says)."""
        self.deleted = False
        self.purged = False
        self.expires_at = None
        self.file_name = file_name

    class ExpirySet(Aggregate.Event):
        expires_at: str
        meta: Meta

    @event(ExpirySet)
    def expire_at(self, *, expires_at: str, meta: Meta) -> None:
        """This function will say when the file is no longer needed (a report, an export):
        after that its bytes are removed from disk by the storage clean-up."""
        self.expires_at = expires_at

    class Purged(Aggregate.Event):
        meta: Meta

    def purge(self, *, meta: Meta) -> None:
        """This function will record that the file expired and its bytes are gone."""
        if self.purged:
            raise FileDeletedError("the file is already purged")
        self._purge(meta=meta)

    @event(Purged)
    def _purge(self, *, meta: Meta) -> None:
        self.deleted = True
        self.purged = True
