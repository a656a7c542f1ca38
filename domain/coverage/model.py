"""The RunCoverage aggregate: how much of its specification one finished run exercised."""

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.meta import Meta


def run_coverage_id(run_id: UUID) -> UUID:
    """This function will give the id of a run's coverage: one per run, so a second
    calculation (a message delivered twice) collides instead of adding another."""
    return uuid5(NAMESPACE_URL, f"testament:coverage:{run_id}")


class RunCoverage(Aggregate):
    """The coverage of one run, calculated once when the run ends."""

    class Calculated(Aggregate.Created):
        run_id: UUID
        project_id: UUID
        suite_id: UUID
        owner_id: UUID
        spec_id: UUID | None
        spec_version: int
        run_number: int
        endpoints: list[dict[str, Any]]  # EndpointCoverage.to_json() of each endpoint
        calculated_at: str
        meta: Meta

    @staticmethod
    def create_id(run_id: UUID, **_: Any) -> UUID:
        return run_coverage_id(run_id)

    @event(Calculated)
    def __init__(
        self,
        *,
        run_id: UUID,
        project_id: UUID,
        suite_id: UUID,
        owner_id: UUID,
        spec_id: UUID | None,
        spec_version: int,
        run_number: int,
        endpoints: list[dict[str, Any]],
        calculated_at: str,
        meta: Meta,
    ) -> None:
        self.run_id = run_id
        self.project_id = project_id
        self.suite_id = suite_id
        self.owner_id = owner_id
        self.spec_id = spec_id
        self.spec_version = spec_version
        self.run_number = run_number
        self.endpoints = endpoints
        self.calculated_at = calculated_at
