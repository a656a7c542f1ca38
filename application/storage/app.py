"""The storage context: files users upload, kept with a checksum and an owner."""

import hashlib
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO
from uuid import UUID

from application.shared.base import ConcurrentChangeError, TestamentApplication, Written
from application.storage.ports import ExpiredFiles, FileStore, Kept
from domain.files.model import FileCategory, FileEntry, file_entry_id
from domain.shared.errors import NotFoundError
from domain.shared.meta import Meta, system_meta
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


def _no_expired() -> ExpiredFiles:
    raise RuntimeError("this StorageApplication was built without an expired-files reader")


class StorageApplication(TestamentApplication):
    """Stores, finds and soft-deletes uploaded files."""

    name = "storage"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        files: FileStore | None = None,
        expired: ExpiredFiles | None = None,
    ) -> None:
        super().__init__(env)
        self._files = files
        # Set after construction too: the composition root opens the read pool later.
        self.expired_files = expired

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
        expires_at: datetime | None = None,
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
        return self._file_entry(
            owner_id=owner_id,
            name=name,
            content_type=content_type,
            kept=Kept(location=location, sha256=sha256, size=len(content)),
            category=category,
            meta=meta,
            expires_at=expires_at,
            existing=existing,
        )

    def store_chunks(
        self,
        *,
        owner_id: UUID,
        file_name: str,
        content_type: str,
        chunks: Iterable[bytes],
        category: FileCategory,
        meta: Meta,
        expires_at: datetime | None = None,
    ) -> tuple[StoredFile, Written | None]:
        """This function will keep bytes as they come (a large report), then record the
        entry as store_file does (the same bytes kept for this owner are found again).

        Raises InvalidValueError for a bad file name, before anything is written.
        """
        name = require_text("file_name", file_name or "upload", max_length=255)
        kept = self.files.put_stream(chunks)
        existing = self._find(file_entry_id(owner_id, kept.sha256))
        if existing is not None and not existing.deleted:
            return _stored(existing, True), None
        return self._file_entry(
            owner_id=owner_id,
            name=name,
            content_type=content_type,
            kept=kept,
            category=category,
            meta=meta,
            expires_at=expires_at,
            existing=existing,
        )

    def _file_entry(
        self,
        *,
        owner_id: UUID,
        name: str,
        content_type: str,
        kept: Kept,
        category: FileCategory,
        meta: Meta,
        expires_at: datetime | None,
        existing: FileEntry | None,
    ) -> tuple[StoredFile, Written | None]:
        location, sha256 = kept.location, kept.sha256
        if existing is not None:
            existing.restore(file_name=name, meta=meta)
            if expires_at is not None:
                existing.expire_at(expires_at=expires_at.isoformat(), meta=meta)
            return _stored(existing, True), self.written(existing)
        entry = FileEntry(
            owner_id=owner_id,
            file_name=name,
            content_type=(content_type or "application/octet-stream")[:100],
            size=kept.size,
            sha256=sha256,
            location=location,
            category=category.value,
            meta=meta,
        )
        if expires_at is not None:
            entry.expire_at(expires_at=expires_at.isoformat(), meta=meta)
        return _stored(entry, False), self.written(entry)

    def file(
        self, file_id: UUID, requester_id: UUID, *, include_deleted: bool = False
    ) -> StoredFile:
        """This function will describe an owner's file. Raises NotFoundError."""
        return _stored(self._owned(file_id, requester_id, include_deleted), False)

    def content(self, file_id: UUID, requester_id: UUID) -> bytes:
        """This function will return an owner's file bytes. Raises NotFoundError."""
        return self.files.get(self._owned(file_id, requester_id, False).location)

    def open_for_system(self, file_id: UUID) -> AbstractContextManager[BinaryIO]:
        """This function will open a file's bytes as a stream for Testament itself."""
        entry = self._find(file_id)
        if entry is None:
            raise NotFoundError("file not found")
        return self.files.open(entry.location)

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

    def purge_expired_files(self, now: datetime, limit: int = 200) -> list[UUID]:
        """This function will remove the bytes of files past their expiry and record each
        (FileEntry.Purged, which storage.deleted_file_entries lists); bytes another live
        file shares stay. Safe to run in several workers at once: a file purged by another
        is skipped."""
        expired: ExpiredFiles = self.expired_files or _no_expired()
        purged = []
        for file_id in expired.expired(now, limit):
            entry = self._find(file_id)
            if entry is None or entry.purged or entry.expires_at is None:
                continue
            if datetime.fromisoformat(entry.expires_at) > now:
                continue  # uploaded again since, with a later expiry
            # Bytes first: a crash before the record leaves the file found again next time.
            if not expired.location_shared(entry.location, entry.id):
                self.files.delete(entry.location)
            entry.purge(meta=system_meta("the file expired"))
            try:
                self.written(entry)
            except ConcurrentChangeError:
                continue  # purged (or uploaded again) by another worker meanwhile
            purged.append(file_id)
        return purged

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
