"""The TestReport aggregate: one report of a run, requested by a user, made by a worker."""

from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError
from domain.shared.meta import Meta


class ReportType(StrEnum):
    """What a report tells (the ERD's ReportType; its int code is the position, from 1)."""

    SUMMARY = "Summary"
    DETAILED = "Detailed"
    COVERAGE = "Coverage"


class ReportFormat(StrEnum):
    """How a report is written (the ERD's Format, in the analysis' order PDF/CSV/JSON/HTML)."""

    PDF = "PDF"
    CSV = "CSV"
    JSON = "JSON"
    HTML = "HTML"


class ReportStatus(StrEnum):
    PENDING = "Pending"
    GENERATED = "Generated"
    FAILED = "Failed"


def type_code(report_type: str) -> int:
    """This function will give the ERD's int ReportType: Summary 1, Detailed 2, Coverage 3."""
    return list(ReportType).index(ReportType(report_type)) + 1


def format_code(report_format: str) -> int:
    """This function will give the ERD's int Format: PDF 1, CSV 2, JSON 3, HTML 4."""
    return list(ReportFormat).index(ReportFormat(report_format)) + 1


CONTENT_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.CSV: "text/csv; charset=utf-8",
    ReportFormat.JSON: "application/json",
    ReportFormat.HTML: "text/html; charset=utf-8",
}


class ReportNotReadyError(ConflictError):
    """The report's file asked for before a worker has made it (or after it failed)."""


class TestReport(Aggregate):
    """A report of one run in one type and format; its bytes are a stored file."""

    __test__ = False

    class Requested(Aggregate.Created):
        run_id: UUID
        owner_id: UUID
        report_type: str
        format: str
        meta: Meta

    @event(Requested)
    def __init__(
        self, *, run_id: UUID, owner_id: UUID, report_type: str, format: str, meta: Meta
    ) -> None:
        self.run_id = run_id
        self.owner_id = owner_id
        self.generated_by = meta["user_id"]
        self.report_type = ReportType(report_type).value
        self.format = ReportFormat(format).value
        self.status = ReportStatus.PENDING
        self.file_id: UUID | None = None
        self.file_name = ""
        self.size = 0
        self.generated_at: str | None = None
        self.expires_at: str | None = None
        self.failure_reason = ""

    class Generated(Aggregate.Event):
        file_id: UUID
        file_name: str
        size: int
        generated_at: str
        expires_at: str | None
        meta: Meta

    def generated(
        self,
        *,
        file_id: UUID,
        file_name: str,
        size: int,
        generated_at: str,
        expires_at: str | None,
        meta: Meta,
    ) -> None:
        """This function will record the report's file (once)."""
        if self.status != ReportStatus.PENDING:
            raise ConflictError(f"the report is already {self.status}")
        self._generated(
            file_id=file_id,
            file_name=file_name,
            size=size,
            generated_at=generated_at,
            expires_at=expires_at,
            meta=meta,
        )

    @event(Generated)
    def _generated(
        self,
        *,
        file_id: UUID,
        file_name: str,
        size: int,
        generated_at: str,
        expires_at: str | None,
        meta: Meta,
    ) -> None:
        self.status = ReportStatus.GENERATED
        self.file_id, self.file_name, self.size = file_id, file_name, size
        self.generated_at, self.expires_at = generated_at, expires_at

    class GenerationFailed(Aggregate.Event):
        reason: str
        meta: Meta

    def failed(self, *, reason: str, meta: Meta) -> None:
        """This function will record why the report could not be made."""
        if self.status != ReportStatus.PENDING:
            raise ConflictError(f"the report is already {self.status}")
        self._failed(reason=reason, meta=meta)

    @event(GenerationFailed)
    def _failed(self, *, reason: str, meta: Meta) -> None:
        self.status = ReportStatus.FAILED
        self.failure_reason = reason
