"""Other contexts and side effects, as the testreport context needs them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.coverage.calculation import Exercise


@dataclass(frozen=True, kw_only=True)
class CoverageInputs:
    """A finished run, the specification its suite tests, and the requests it sent."""

    run_id: UUID
    project_id: UUID
    suite_id: UUID
    owner_id: UUID
    run_number: int
    spec_id: UUID | None  # None: the suite's project has no parsed specification
    spec_version: int
    endpoints: list[dict[str, Any]]  # the specification's endpoints (ParsedEndpoint.to_json())
    exercises: list[Exercise]


class RunFacts(Protocol):
    """The testexec, testgen and apidoc contexts, and the hot results, seen from reports."""

    def coverage_inputs(self, run_id: UUID) -> CoverageInputs | None:
        """None while the run has not finished (or when there is no such run)."""
        ...


class Visibility(Protocol):
    """Who may see a run, a suite or a project. Each raises NotFoundError otherwise."""

    def require_run(self, run_id: UUID, user_id: UUID) -> None: ...

    def require_suite(self, suite_id: UUID, user_id: UUID) -> None: ...

    def require_project(self, project_id: UUID, user_id: UUID) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...
