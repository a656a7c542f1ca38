"""Reports of runs: requested by a user, made by a worker from the run's capture."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from application.shared.base import Written
from application.testreport.commands import RequestReport
from application.testreport.coverage import CoverageCommands
from application.testreport.errors import (
    ExportFormatNotAllowedError,
    ReportDetailsExpiredError,
    ReportExpiredError,
    RunNotFinishedError,
)
from application.testreport.ports import (
    ExportPolicy,
    ReportFiles,
    ReportRenderer,
    ReportRetention,
    RunFacts,
)
from domain.coverage.calculation import EndpointCoverage, summarize
from domain.reports.document import document_head, report_document
from domain.reports.model import (
    CONTENT_TYPES,
    ReportFormat,
    ReportNotReadyError,
    ReportStatus,
    ReportType,
    TestReport,
)
from domain.shared.errors import NotFoundError
from domain.shared.meta import system_meta

EXTENSIONS = {"PDF": "pdf", "CSV": "csv", "JSON": "json", "HTML": "html"}


class TrendSource(Protocol):
    def for_report(self, suite_id: UUID, owner_id: UUID) -> dict[str, Any] | None: ...


def coverage_json(endpoints: list[dict[str, Any]]) -> dict[str, Any]:
    """This function will give a run's coverage figures and endpoints as report data."""
    figures = summarize([EndpointCoverage.from_json(item) for item in endpoints])
    return {
        "total_endpoints": figures.total_endpoints,
        "tested_endpoints": figures.tested_endpoints,
        "coverage_percent": float(figures.coverage_percent),
        "by_method": figures.by_method,
        "by_tag": figures.by_tag,
        "uncovered_paths": figures.uncovered_paths,
        "statuses": figures.statuses,
        "parameters": figures.parameters,
        "body_fields": figures.body_fields,
        "endpoints": endpoints,
    }


class ReportCommands(CoverageCommands):
    """Requesting, making and reading reports."""

    _renderer: ReportRenderer | None = None
    _policy: ExportPolicy | None = None
    _retention: ReportRetention | None = None
    _trends: TrendSource | None = None

    def request_report(self, cmd: RequestReport) -> Written:
        """This function will record a report request; a worker makes it (through the outbox).

        Raises NotFoundError, ExportFormatNotAllowedError, RunNotFinishedError,
        ReportDetailsExpiredError."""
        facts: RunFacts = self._need(self._facts, "run facts")
        policy: ExportPolicy = self._need(self._policy, "an export policy")
        report_type, report_format = ReportType(cmd.report_type), ReportFormat(cmd.format)
        state = facts.run_state(cmd.run_id, cmd.requester_id)
        allowed = policy.allowed_formats(cmd.requester_id)
        if report_format.value not in allowed:
            raise ExportFormatNotAllowedError(report_format.value, allowed)
        if not state.finished:
            raise RunNotFinishedError("a report is made of a run that has ended: this one has not")
        if self.run_capture(cmd.run_id) is None and not state.details_available:
            raise ReportDetailsExpiredError(
                "the run's details expired before they were captured: no report of it can be"
                " made any more (its summary is kept: GET /runs/{id})"
            )
        report = TestReport(
            run_id=cmd.run_id,
            owner_id=cmd.requester_id,
            report_type=report_type.value,
            format=report_format.value,
            meta=cmd.meta,
        )
        return self.written(report)

    def generate_report(self, report_id: UUID) -> str:
        """This function will make a requested report and record its file, or why it could
        not be made. Safe to call again: a report made or failed is left alone. Returns the
        report's status."""
        report: TestReport = self.load_version(report_id)
        if report.status != ReportStatus.PENDING:
            return str(report.status)
        meta = system_meta("report generated")
        capture = self.run_capture(report.run_id)
        if capture is None:
            # Asked before the run's end was handled: capture now, while details exist.
            self.capture_finished_run(report.run_id)
            capture = self.run_capture(report.run_id)
        if capture is None:
            report.failed(reason="the run's details expired before they were captured", meta=meta)
            self.written(report)
            return str(report.status)
        files: ReportFiles = self._need(self._files, "report files")
        renderer: ReportRenderer = self._need(self._renderer, "a report renderer")
        now = self._need(self._clock, "a clock").now()
        coverage = self.run_coverage(report.run_id)
        trends = (
            None
            if self._trends is None
            else self._trends.for_report(capture.suite_id, report.owner_id)
        )
        name = f"run-{capture.run_number}-{report.report_type.lower()}.{EXTENSIONS[report.format]}"
        content_type = _content_type(report.format)
        parts = {
            "coverage": None if coverage is None else coverage_json(coverage.endpoints),
            "trends": trends,
            "generated_at": now.isoformat(),
        }
        if renderer.streams(report.format):
            # Read from the capture's file as a stream, twice (figures, then rows), and
            # written as it goes: memory does not grow with the number of cases.
            capture_file = capture.file_id

            def results() -> Iterator[dict[str, Any]]:
                with files.open(capture_file) as stream:
                    yield from self.codec.results_from(stream)

            with files.open(capture_file) as stream:
                run = self.codec.run_from(stream)
            head = document_head(report.report_type, run=run, results=results(), **parts)
            chunks = renderer.render_stream(head, results, report.format)
            file_id, size = files.store_chunks(report.owner_id, name, content_type, chunks)
        else:
            content = files.read(capture.file_id)
            document = report_document(
                report.report_type,
                run=self.codec.run_of(content),
                results=list(self.codec.results_of(content)),
                **parts,
            )
            data = renderer.render(document, report.format)
            file_id = files.store(report.owner_id, name, content_type, data)
            size = len(data)
        report.generated(
            file_id=file_id,
            file_name=name,
            size=size,
            generated_at=now.isoformat(),
            expires_at=self._expiry(report.owner_id, now),
            meta=meta,
        )
        self.written(report)
        return str(report.status)

    def _expiry(self, owner_id: UUID, now: datetime) -> str | None:
        days = None if self._retention is None else self._retention.days_for(owner_id)
        return None if days is None else (now + timedelta(days=days)).isoformat()

    def report(self, report_id: UUID, requester_id: UUID) -> TestReport:
        """This function will load a requester's report. Raises NotFoundError."""
        try:
            report = self.load_version(report_id)
        except NotFoundError:
            raise NotFoundError("report not found") from None
        if not isinstance(report, TestReport) or report.owner_id != requester_id:
            raise NotFoundError("report not found")
        return report

    def report_content(self, report_id: UUID, requester_id: UUID) -> tuple[TestReport, bytes]:
        """This function will give a made report and its bytes. Raises NotFoundError,
        ReportNotReadyError, ReportExpiredError."""
        report = self.report(report_id, requester_id)
        if report.status == ReportStatus.FAILED:
            raise ReportNotReadyError(f"the report could not be made: {report.failure_reason}")
        if report.status != ReportStatus.GENERATED or report.file_id is None:
            raise ReportNotReadyError("the report is being made: ask again shortly")
        now = self._need(self._clock, "a clock").now()
        if report.expires_at is not None and datetime.fromisoformat(report.expires_at) <= now:
            raise ReportExpiredError(f"the report expired at {report.expires_at}")
        files: ReportFiles = self._need(self._files, "report files")
        return report, files.read(report.file_id)


def _content_type(report_format: str) -> str:
    return CONTENT_TYPES[ReportFormat(report_format)]
