"""Report files kept by the storage context, and the plan ports until plans exist."""

from uuid import UUID

from application.storage.app import StorageApplication
from domain.files.model import FileCategory
from domain.reports.model import ReportFormat
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


class AllFormats:
    """Every export format, for everyone, until plans (issue 11) say otherwise."""

    def allowed_formats(self, owner_id: UUID) -> list[str]:
        return [f.value for f in ReportFormat]


class FixedReportRetention:
    """The same report retention for every owner until plans exist (None: kept for good)."""

    def __init__(self, days: int | None) -> None:
        self._days = days

    def days_for(self, user_id: UUID) -> int | None:
        return self._days
