"""Report files kept by the storage context, and the plan ports until plans exist."""

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import BinaryIO, Protocol
from uuid import UUID

from application.storage.app import StorageApplication
from domain.files.model import FileCategory
from domain.shared.meta import system_meta


class StorageReportFiles:
    """Captures and reports as FileEntries of category Report, owned by the run's owner."""

    def __init__(self, storage: StorageApplication) -> None:
        self._storage = storage

    def store(self, owner_id: UUID, file_name: str, content_type: str, content: bytes) -> UUID:
        stored, _ = self._storage.store_file(
            owner_id=owner_id,
            file_name=file_name,
            content_type=content_type,
            content=content,
            category=FileCategory.REPORT,
            meta=system_meta("report file"),
        )
        return stored.id

    def read(self, file_id: UUID) -> bytes:
        return self._storage.content_for_system(file_id)

    def store_chunks(
        self, owner_id: UUID, file_name: str, content_type: str, chunks: Iterable[bytes]
    ) -> tuple[UUID, int]:
        stored, _ = self._storage.store_chunks(
            owner_id=owner_id,
            file_name=file_name,
            content_type=content_type,
            chunks=chunks,
            category=FileCategory.REPORT,
            meta=system_meta("report file"),
        )
        return stored.id, stored.size

    def open(self, file_id: UUID) -> AbstractContextManager[BinaryIO]:
        return self._storage.open_for_system(file_id)


class ExportFormatSource(Protocol):
    def export_formats(self, user_id: UUID) -> list[str]: ...


class PlanReportFormats:
    """The export formats of the owner's plan (§7.1: Free CSV, Pro CSV and PDF, Enterprise
    all), from the subscriptions context's limits."""

    def __init__(self, limits: ExportFormatSource) -> None:
        self._limits = limits

    def allowed_formats(self, owner_id: UUID) -> list[str]:
        return [f.upper() for f in self._limits.export_formats(owner_id)]
