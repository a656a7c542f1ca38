"""Reports of runs (request, list, read, download) and trends of suites."""

from collections.abc import Iterator
from contextlib import contextmanager
from hashlib import sha256
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status

from application.testreport.commands import RequestReport
from application.testreport.errors import (
    ExportFormatNotAllowedError,
    ReportDetailsExpiredError,
    ReportExpiredError,
)
from application.testreport.listing import report_summary
from domain.reports.model import CONTENT_TYPES, ReportFormat
from interfaces.http.dependencies import Command, CurrentUser, ReadPosition, RuntimeDep
from interfaces.http.errors import ProblemError
from interfaces.http.schemas.testreport import ReportCreate, ReportPublic, TrendsPublic
from interfaces.http.security_headers import download_headers

router = APIRouter(tags=["reports"])
_read = Depends(ReadPosition("testreport"))


@contextmanager
def _refusals() -> Iterator[None]:
    """The refusals of reports that are not conflicts: a plan's formats, what has expired."""
    try:
        yield
    except ExportFormatNotAllowedError as error:
        raise ProblemError(
            403,
            "export-format-not-allowed",
            "Format not in your plan",
            error.message,
            allowed=error.allowed,
        ) from None
    except ReportDetailsExpiredError as error:
        raise ProblemError(
            410, "report-details-expired", "Run details expired", error.message
        ) from None
    except ReportExpiredError as error:
        raise ProblemError(410, "report-expired", "Report expired", error.message) from None


@router.post(
    "/runs/{run_id}/reports", status_code=status.HTTP_202_ACCEPTED, response_model=ReportPublic
)
def request_report(run_id: UUID, body: ReportCreate, ctx: Command) -> ReportPublic:
    """Ask for a report of an ended run; a worker makes it (poll GET /reports/{id})."""
    with _refusals():
        written = ctx.runtime.testreport.request_report(
            RequestReport(
                run_id=run_id,
                requester_id=ctx.user_id,
                report_type=body.report_type.value,
                format=body.format.value,
                meta=ctx.meta,
            )
        )
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    ctx.response.headers["Location"] = f"/reports/{written.aggregate_id}"
    return ReportPublic.of(report_summary(written.aggregate))


@router.get("/runs/{run_id}/reports", dependencies=[_read], response_model=list[ReportPublic])
def list_reports(run_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> list[ReportPublic]:
    """The run's reports, newest first, from testreport.test_reports."""
    return [ReportPublic.of(r) for r in runtime.reports.run_reports(run_id, user.user_id)]


@router.get("/reports/{report_id}", response_model=ReportPublic)
def get_report(report_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> ReportPublic:
    """A report and whether it is made yet."""
    return ReportPublic.of(report_summary(runtime.testreport.report(report_id, user.user_id)))


@router.get(
    "/reports/{report_id}/content",
    response_class=Response,
    responses={200: {"description": "The report's bytes, as an attachment"}},
)
def download_report(report_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> Response:
    """The report's file (409 report-not-ready while it is made, 410 once it expired)."""
    with _refusals():
        report, content = runtime.testreport.report_content(report_id, user.user_id)
    return Response(
        content,
        media_type=CONTENT_TYPES[ReportFormat(report.format)],
        headers=download_headers(report.file_name, sha256(content).hexdigest()),
    )


@router.get("/suites/{suite_id}/trends", response_model=TrendsPublic)
def suite_trends(
    suite_id: UUID,
    user: CurrentUser,
    runtime: RuntimeDep,
    last: Annotated[int, Query(ge=1, le=50, description="How many recent runs")] = 10,
) -> TrendsPublic:
    """Pass rate, duration and flaky cases over the suite's last runs (those captured)."""
    return TrendsPublic(**runtime.reports.trends(suite_id, user.user_id, last=last))
