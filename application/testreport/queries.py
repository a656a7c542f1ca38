"""Coverage as readers see it: one run, a suite's recent runs, a project's specifications."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.testreport.ports import Visibility
from domain.coverage.calculation import CoverageFigures, EndpointCoverage, merge, summarize
from domain.shared.errors import ConflictError


class CoverageNotReadyError(ConflictError):
    """Coverage asked of a run that has not finished, or whose coverage is being calculated."""


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredCoverage:
    """A row of testreport.coverage_metrics: one run's coverage."""

    id: UUID
    run_id: UUID
    run_number: int
    suite_id: UUID
    project_id: UUID
    spec_id: UUID | None
    spec_version: int
    calculated_at: datetime
    endpoints: list[EndpointCoverage]


@dataclass(frozen=True, kw_only=True, slots=True)
class CoverageReport:
    """Coverage of one specification version by one run or several (united)."""

    spec_id: UUID | None
    spec_version: int
    runs: list[UUID]  # newest first
    calculated_at: datetime
    figures: CoverageFigures
    endpoints: list[EndpointCoverage]


class CoverageReader(Protocol):
    def run_coverage(self, run_id: UUID, *, owner_id: UUID) -> StoredCoverage | None: ...

    def suite_coverages(
        self, suite_id: UUID, *, owner_id: UUID, limit: int
    ) -> list[StoredCoverage]:
        """The suite's latest runs' coverage, newest first."""
        ...

    def project_coverages(self, project_id: UUID, *, owner_id: UUID) -> list[StoredCoverage]:
        """Every coverage of the project's runs, newest first."""
        ...


def united(coverages: list[StoredCoverage]) -> CoverageReport:
    """This function will unite coverages of one specification version (newest first)."""
    endpoints = merge([c.endpoints for c in coverages])
    return CoverageReport(
        spec_id=coverages[0].spec_id,
        spec_version=coverages[0].spec_version,
        runs=[c.run_id for c in coverages],
        calculated_at=max(c.calculated_at for c in coverages),
        figures=summarize(endpoints),
        endpoints=endpoints,
    )


class CoverageQueries:
    """Coverage of runs, suites and projects, for their owner."""

    def __init__(self, reader: CoverageReader, visibility: Visibility) -> None:
        self._reader, self._visibility = reader, visibility

    def run(self, run_id: UUID, owner_id: UUID) -> CoverageReport:
        """This function will give a run's coverage. Raises NotFoundError,
        CoverageNotReadyError."""
        found = self._reader.run_coverage(run_id, owner_id=owner_id)
        if found is None:
            self._visibility.require_run(run_id, owner_id)
            raise CoverageNotReadyError(
                "the run's coverage is calculated when it ends: it has not ended yet,"
                " or the calculation is under way"
            )
        return united([found])

    def suite(self, suite_id: UUID, owner_id: UUID, *, last: int) -> CoverageReport:
        """This function will unite the coverage of a suite's last runs on the specification
        version of its latest one. Raises NotFoundError, CoverageNotReadyError."""
        found = self._reader.suite_coverages(suite_id, owner_id=owner_id, limit=last)
        if not found:
            self._visibility.require_suite(suite_id, owner_id)
            raise CoverageNotReadyError("no run of this suite has finished yet")
        latest = found[0]
        same = [
            c for c in found if (c.spec_id, c.spec_version) == (latest.spec_id, latest.spec_version)
        ]
        return united(same)

    def project(self, project_id: UUID, owner_id: UUID) -> list[CoverageReport]:
        """This function will give, per specification version, the coverage of all the
        project's runs on it, the newest version first. Raises NotFoundError."""
        found = self._reader.project_coverages(project_id, owner_id=owner_id)
        if not found:
            self._visibility.require_project(project_id, owner_id)
            return []
        groups: dict[tuple[UUID | None, int], list[StoredCoverage]] = {}
        for coverage in found:
            groups.setdefault((coverage.spec_id, coverage.spec_version), []).append(coverage)
        return [united(group) for group in groups.values()]
