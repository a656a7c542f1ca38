"""Response bodies of coverage: a run's, a suite's recent runs', a project's per specification."""

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field

from application.testreport.queries import CoverageReport
from domain.coverage.calculation import EndpointCoverage


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
