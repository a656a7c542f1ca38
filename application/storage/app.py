"""The storage context: files users upload, kept with a checksum and an owner."""

import hashlib
from dataclasses import dataclass
from uuid import UUID

from application.shared.base import TestamentApplication, Written
from application.storage.ports import FileStore
from domain.files.model import FileCategory, FileEntry, file_entry_id
from domain.shared.errors import NotFoundError
from domain.shared.meta import Meta
from domain.shared.values import require_text


@dataclass(frozen=True, kw_only=True)
class StoredFile:
    """A file entry and whether this upload found it already stored."""

    id: UUID
    owner_id: UUID
    file_name: str
    content_type: str
    size: int
    sha256: str
    category: str
    deleted: bool
    deduplicated: bool
    version: int


def _stored(entry: FileEntry, deduplicated: bool) -> StoredFile:
    return StoredFile(
        id=entry.id,
        owner_id=entry.owner_id,
        file_name=entry.file_name,
        content_type=entry.content_type,
        size=entry.size,
        sha256=entry.sha256,
        category=entry.category,
        deleted=entry.deleted,
        deduplicated=deduplicated,
        version=entry.version,
    )


class StorageApplication(TestamentApplication):
    """Stores, finds and soft-deletes uploaded files."""

    name = "storage"

    def __init__(
        self, env: dict[str, str] | None = None, *, files: FileStore | None = None
    ) -> None:
        super().__init__(env)
        self._files = files

    @property
    def files(self) -> FileStore:
        if self._files is None:
            raise RuntimeError("this StorageApplication was built without a file store")
        return self._files

    def store_file(
        self,
        *,
        owner_id: UUID,
        file_name: str,
        content_type: str,
        content: bytes,
        category: FileCategory,
        meta: Meta,
    ) -> tuple[StoredFile, Written | None]:
        """This function will keep the bytes and record the entry, or find the same bytes
        already kept for this owner (then nothing new is written).

        Raises InvalidValueError for a bad file name.
        """
        name = require_text("file_name", file_name or "upload", max_length=255)
        sha256 = hashlib.sha256(content).hexdigest()
        existing = self._find(file_entry_id(owner_id, sha256))
        if existing is not None and not existing.deleted:
            return _stored(existing, True), None
        location = self.files.put(sha256, content)
        if existing is not None:
            existing.restore(file_name=name, meta=meta)
            return _stored(existing, True), self.written(existing)
        entry = FileEntry(
            owner_id=owner_id,
            file_name=name,
            content_type=(content_type or "application/octet-stream")[:100],
            size=len(content),
            sha256=sha256,
            location=location,
            category=category.value,
            meta=meta,
        )
        return _stored(entry, False), self.written(entry)

    def file(
        self, file_id: UUID, requester_id: UUID, *, include_deleted: bool = False
    ) -> StoredFile:
        """This function will describe an owner's file. Raises NotFoundError."""
        return _stored(self._owned(file_id, requester_id, include_deleted), False)

    def content(self, file_id: UUID, requester_id: UUID) -> bytes:
        """This function will return an owner's file bytes. Raises NotFoundError."""
        return self.files.get(self._owned(file_id, requester_id, False).location)

    def content_for_system(self, file_id: UUID) -> bytes:
        """This function will return a file's bytes to Testament itself (a parse job)."""
        entry = self._find(file_id)
        if entry is None:
            raise NotFoundError("file not found")
        return self.files.get(entry.location)

    def delete_file(self, file_id: UUID, requester_id: UUID, meta: Meta) -> Written:
        """This function will soft-delete a file. Raises NotFoundError, FileDeletedError."""
        entry = self._owned(file_id, requester_id, False)
        entry.delete(meta=meta)
        return self.written(entry)

    def _find(self, file_id: UUID) -> FileEntry | None:
        try:
            entry = self.load_version(file_id)
        except NotFoundError:
            return None
        return entry if isinstance(entry, FileEntry) else None

    def _owned(self, file_id: UUID, requester_id: UUID, include_deleted: bool) -> FileEntry:
        entry = self._find(file_id)
        if (
            entry is None
            or entry.owner_id != requester_id
            or (entry.deleted and not include_deleted)
        ):
            raise NotFoundError("file not found")
        return entry
