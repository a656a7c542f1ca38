"""The RunCapture aggregate: a run's details, kept as a file when the run ends, so reports
can be made after its hot results expire."""

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.meta import Meta

# The version of the captured document's shape (domain/reports/document.py reads it).
CAPTURE_VERSION = 1


def run_capture_id(run_id: UUID) -> UUID:
    """This function will give the id of a run's capture: one per run."""
    return uuid5(NAMESPACE_URL, f"testament:capture:{run_id}")


class RunCapture(Aggregate):
    """Where a finished run's details are kept, and a summary of them."""

    class Captured(Aggregate.Created):
        run_id: UUID
        suite_id: UUID
        owner_id: UUID
        run_number: int
        file_id: UUID
        results: int
        summary: dict[str, Any]  # the run's status, counts, times and duration
        capture_version: int
        meta: Meta

    @staticmethod
    def create_id(run_id: UUID, **_: Any) -> UUID:
        return run_capture_id(run_id)

    @event(Captured)
    def __init__(
        self,
        *,
        run_id: UUID,
        suite_id: UUID,
        owner_id: UUID,
        run_number: int,
        file_id: UUID,
        results: int,
        summary: dict[str, Any],
        capture_version: int,
        meta: Meta,
    ) -> None:
        self.run_id, self.suite_id, self.owner_id = run_id, suite_id, owner_id
        self.run_number = run_number
        self.file_id = file_id
        self.results = results
        self.summary = summary
        self.capture_version = capture_version
