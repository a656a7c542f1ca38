"""Reports and trends as readers see them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from application.testreport.capture_file import JsonLinesCodec
from application.testreport.ports import CaptureCodec, ReportFiles, Visibility
from domain.reports.model import TestReport
from domain.reports.trends import RunOutcome, suite_trends

TREND_RUNS = 10


@dataclass(frozen=True, kw_only=True, slots=True)
class ReportSummary:
    """A report, one shape everywhere (read table row or aggregate)."""

    id: UUID
    run_id: UUID
    generated_by: UUID | None
    report_type: str
    format: str
    status: str
    file_id: UUID | None
    file_name: str
    size: int
    generated_at: datetime | None
    expires_at: datetime | None
    failure_reason: str
    requested_at: datetime
    version: int


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def report_summary(report: TestReport) -> ReportSummary:
    return ReportSummary(
        id=report.id,
        run_id=report.run_id,
        generated_by=UUID(report.generated_by) if report.generated_by else None,
        report_type=report.report_type,
        format=report.format,
        status=str(report.status),
        file_id=report.file_id,
        file_name=report.file_name,
        size=report.size,
        generated_at=_time(report.generated_at),
        expires_at=_time(report.expires_at),
        failure_reason=report.failure_reason,
        requested_at=report.created_on,
        version=report.version,
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class CapturedRun:
    """A row of testreport.run_captures."""

    run_id: UUID
    run_number: int
    file_id: UUID
    summary: dict[str, Any]


class ReportReader(Protocol):
    def run_reports(self, run_id: UUID, *, owner_id: UUID) -> list[ReportSummary]: ...

    def suite_captures(self, suite_id: UUID, *, owner_id: UUID, limit: int) -> list[CapturedRun]:
        """The suite's latest captured runs, newest first."""
        ...


class ReportQueries:
    """Report lists and suite trends, for their owner."""

    def __init__(
        self,
        reader: ReportReader,
        files: ReportFiles,
        visibility: Visibility,
        codec: CaptureCodec | None = None,
    ) -> None:
        self._reader, self._files, self._visibility = reader, files, visibility
        self._codec = codec or JsonLinesCodec()

    def run_reports(self, run_id: UUID, owner_id: UUID) -> list[ReportSummary]:
        """This function will list a run's reports, newest first. Raises NotFoundError."""
        found = self._reader.run_reports(run_id, owner_id=owner_id)
        if not found:
            self._visibility.require_run(run_id, owner_id)
        return found

    def trends(self, suite_id: UUID, owner_id: UUID, *, last: int) -> dict[str, Any]:
        """This function will give a suite's trends over its last runs. Raises
        NotFoundError."""
        self._visibility.require_suite(suite_id, owner_id)
        return self._trends(suite_id, owner_id, last)

    def for_report(self, suite_id: UUID, owner_id: UUID) -> dict[str, Any] | None:
        """This function will give the trends a report shows (None before any capture)."""
        found = self._trends(suite_id, owner_id, TREND_RUNS)
        return found if found["runs"] else None

    def _trends(self, suite_id: UUID, owner_id: UUID, last: int) -> dict[str, Any]:
        outcomes = []
        for captured in self._reader.suite_captures(suite_id, owner_id=owner_id, limit=last):
            summary = captured.summary
            verdicts = {
                (str(r["case_id"]), str(r.get("row") or "")): (
                    str(r.get("case_name", "")),
                    int(r.get("case_version") or 0),
                    str(r["status"]),
                )
                for r in self._codec.results_of(self._files.read(captured.file_id))
            }
            outcomes.append(
                RunOutcome(
                    run_id=str(captured.run_id),
                    run_number=captured.run_number,
                    status=str(summary.get("status", "")),
                    completed_at=str(summary.get("completed_at") or ""),
                    passed=int(summary.get("passed", 0)),
                    failed=int(summary.get("failed", 0)),
                    skipped=int(summary.get("skipped", 0)),
                    duration_ms=int(summary.get("duration_ms", 0)),
                    verdicts=verdicts,
                )
            )
        return {"suite_id": str(suite_id), **suite_trends(outcomes)}
