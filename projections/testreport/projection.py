"""testreport.coverage_metrics, test_reports and run_captures from their aggregates' events."""

import json
from datetime import datetime
from functools import singledispatchmethod
from typing import Any

from domain.coverage.calculation import EndpointCoverage, summarize
from domain.coverage.model import RunCoverage
from domain.reports.capture import RunCapture
from domain.reports.model import ReportStatus, TestReport, format_code, type_code
from projections.base import Projection
from projections.testreport.view import TestreportView


class TestreportProjection(Projection[TestreportView]):
    """One coverage row and one capture row per finished run; one row per report."""

    __test__ = False
    name = "testreport"
    follows = ("testreport",)

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore events it has no table for."""

    @process_event.register
    def _(self, e: RunCoverage.Calculated) -> None:
        figures = summarize([EndpointCoverage.from_json(item) for item in e.endpoints])
        self.view.insert_coverage(
            {
                "id": e.originator_id,
                "test_run_id": e.run_id,
                "total_endpoints": figures.total_endpoints,
                "tested_endpoints": figures.tested_endpoints,
                "coverage_percent": figures.coverage_percent,
                "by_method": json.dumps(figures.by_method),
                "by_tag": json.dumps(figures.by_tag),
                "uncovered_paths": json.dumps(figures.uncovered_paths),
                "calculated_at": datetime.fromisoformat(e.calculated_at),
                "owner_id": e.owner_id,
                "project_id": e.project_id,
                "suite_id": e.suite_id,
                "run_number": e.run_number,
                "spec_id": e.spec_id,
                "spec_version": e.spec_version,
                "statuses": json.dumps(figures.statuses),
                "parameters": json.dumps(figures.parameters),
                "body_fields": json.dumps(figures.body_fields),
                "endpoints": json.dumps(e.endpoints),
                "created_date_time": e.timestamp,
                "updated_date_time": e.timestamp,
                "row_version": e.originator_version,
            }
        )

    @process_event.register
    def _(self, e: RunCapture.Captured) -> None:
        self.view.insert_capture(
            {
                "id": e.originator_id,
                "test_run_id": e.run_id,
                "suite_id": e.suite_id,
                "owner_id": e.owner_id,
                "run_number": e.run_number,
                "file_id": e.file_id,
                "results": e.results,
                "summary": json.dumps(e.summary),
                "capture_version": e.capture_version,
                "created_date_time": e.timestamp,
                "updated_date_time": e.timestamp,
                "row_version": e.originator_version,
            }
        )

    @process_event.register
    def _(self, e: TestReport.Requested) -> None:
        user_id = e.meta.get("user_id")
        self.view.insert_report(
            {
                "id": e.originator_id,
                "test_run_id": e.run_id,
                "generated_by_id": user_id or None,
                "file_id": None,
                "report_type": type_code(e.report_type),
                "format": format_code(e.format),
                "generated_at": None,
                "expires_at": None,
                "owner_id": e.owner_id,
                "type_name": e.report_type,
                "format_name": e.format,
                "status": ReportStatus.PENDING.value,
                "file_name": "",
                "size": 0,
                "failure_reason": "",
                "created_date_time": e.timestamp,
                "updated_date_time": e.timestamp,
                "row_version": e.originator_version,
            }
        )

    @process_event.register
    def _(self, e: TestReport.Generated) -> None:
        self.view.update_report(
            e.originator_id,
            at=e.timestamp,
            version=e.originator_version,
            status=ReportStatus.GENERATED.value,
            file_id=e.file_id,
            file_name=e.file_name,
            size=e.size,
            generated_at=datetime.fromisoformat(e.generated_at),
            expires_at=datetime.fromisoformat(e.expires_at) if e.expires_at else None,
        )

    @process_event.register
    def _(self, e: TestReport.GenerationFailed) -> None:
        self.view.update_report(
            e.originator_id,
            at=e.timestamp,
            version=e.originator_version,
            status=ReportStatus.FAILED.value,
            failure_reason=e.reason,
        )
