"""Response bodies of coverage: a run's, a suite's recent runs', a project's per specification."""

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from application.testreport.listing import ReportSummary
from application.testreport.queries import CoverageReport
from domain.coverage.calculation import EndpointCoverage
from domain.reports.model import ReportFormat, ReportStatus, ReportType


class CoverageSharePublic(BaseModel):
    documented: int = Field(description="How many the specification documents")
    exercised: int = Field(description="How many of those the run(s) exercised")
    percent: float


class EndpointCoveragePublic(BaseModel):
    key: str = Field(description='The endpoint: "GET /pets/{petId}"')
    method: str
    path: str
    tags: list[str]
    tested: bool = Field(description="Whether any request reached it")
    statuses_documented: list[str]
    statuses_observed: list[str] = Field(description="Documented statuses a response came with")
    statuses_undocumented: list[str] = Field(
        description="Statuses that came back and the specification does not document"
    )
    parameters_documented: list[str] = Field(description='"<location>:<name>", e.g. "query:limit"')
    parameters_exercised: list[str]
    body_fields_documented: list[str] = Field(description="Top-level request-body properties")
    body_fields_sent: list[str]

    @classmethod
    def of(cls, endpoint: EndpointCoverage) -> "EndpointCoveragePublic":
        return cls(**endpoint.to_json())


class CoveragePublic(BaseModel):
    spec_id: UUID | None = Field(description="The specification version covered (None: no spec)")
    spec_version: int
    runs: list[UUID] = Field(description="The runs whose requests are counted, newest first")
    calculated_at: datetime
    total_endpoints: int
    tested_endpoints: int
    coverage_percent: Decimal = Field(description="DECIMAL(5,2)")
    by_method: dict[str, float] = Field(description='Percent tested per method: {"GET": 66.67}')
    by_tag: dict[str, float] = Field(description="Percent tested per tag")
    uncovered_paths: list[str] = Field(description="Endpoints no request reached")
    statuses: CoverageSharePublic
    parameters: CoverageSharePublic
    body_fields: CoverageSharePublic
    endpoints: list[EndpointCoveragePublic]

    @classmethod
    def of(cls, report: CoverageReport) -> "CoveragePublic":
        figures = report.figures
        return cls(
            spec_id=report.spec_id,
            spec_version=report.spec_version,
            runs=report.runs,
            calculated_at=report.calculated_at,
            total_endpoints=figures.total_endpoints,
            tested_endpoints=figures.tested_endpoints,
            coverage_percent=figures.coverage_percent,
            by_method=figures.by_method,
            by_tag=figures.by_tag,
            uncovered_paths=figures.uncovered_paths,
            statuses=CoverageSharePublic(**figures.statuses),
            parameters=CoverageSharePublic(**figures.parameters),
            body_fields=CoverageSharePublic(**figures.body_fields),
            endpoints=[EndpointCoveragePublic.of(e) for e in report.endpoints],
        )


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    report_type: ReportType = Field(description="Summary, Detailed or Coverage")
    format: ReportFormat = Field(description="PDF, CSV, JSON or HTML (as the plan allows)")


class ReportPublic(BaseModel):
    id: UUID
    run_id: UUID
    generated_by: UUID | None
    report_type: ReportType
    format: ReportFormat
    status: ReportStatus = Field(description="Pending until a worker has made it")
    file_id: UUID | None
    file_name: str
    size: int
    generated_at: datetime | None
    expires_at: datetime | None = Field(description="After it, the download is 410")
    failure_reason: str
    requested_at: datetime
    version: int
    download: str | None = Field(description="Where to download it, once generated")

    @classmethod
    def of(cls, report: ReportSummary) -> "ReportPublic":
        fields = {k: getattr(report, k) for k in ReportSummary.__slots__}
        ready = report.status == ReportStatus.GENERATED
        return cls(**fields, download=f"/reports/{report.id}/content" if ready else None)


class TrendRunPublic(BaseModel):
    run_id: UUID
    run_number: int
    status: str
    completed_at: str
    pass_rate: float = Field(description="passed / (passed + failed), percent")
    duration_ms: int
    passed: int
    failed: int
    skipped: int


class TrendVerdictPublic(BaseModel):
    run_number: int
    status: str


class FlakyCasePublic(BaseModel):
    case_id: UUID
    case_name: str
    row: str | None = Field(description="The data-set row, for a data-driven case")
    case_version: int = Field(description="The case's version in every run counted")
    verdicts: list[TrendVerdictPublic] = Field(description="Newest first")


class TrendsPublic(BaseModel):
    suite_id: UUID
    runs: list[TrendRunPublic] = Field(description="Newest first")
    average_pass_rate: float
    average_duration_ms: int
    flaky_cases: list[FlakyCasePublic] = Field(
        description="Cases whose verdict changed between runs with no change to the case"
    )
