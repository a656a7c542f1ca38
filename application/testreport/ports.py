"""Other contexts and side effects, as the testreport context needs them."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO, Protocol
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class FinishedRun:
    """A finished run, the specification its suite tests, and every result it recorded."""

    run_id: UUID
    project_id: UUID
    suite_id: UUID
    owner_id: UUID
    run_number: int
    spec_id: UUID | None  # None: the suite's project has no parsed specification
    spec_version: int
    endpoints: list[dict[str, Any]]  # the specification's endpoints (ParsedEndpoint.to_json())
    # The run as a report shows it: ids and names, status, counts, times, duration, reason.
    summary: dict[str, Any]
    # One per case result (per data-set row), in run order; docs/reports.md names the fields.
    results: list[dict[str, Any]]


@dataclass(frozen=True, kw_only=True)
class RunState:
    """Whether a run has ended, and whether its details are still in the hot store."""

    suite_id: UUID
    finished: bool
    details_available: bool


class RunFacts(Protocol):
    """The testexec, testgen and apidoc contexts, and the hot results, seen from reports."""

    def finished_run(self, run_id: UUID) -> FinishedRun | None:
        """None while the run has not finished, when its details have expired, or when there
        is no such run."""
        ...

    def run_state(self, run_id: UUID, user_id: UUID) -> RunState:
        """Raises NotFoundError for a run the user may not see."""
        ...


class ReportFiles(Protocol):
    """The storage context: where captures and reports are kept (category Report)."""

    def store(self, owner_id: UUID, file_name: str, content_type: str, content: bytes) -> UUID:
        """This function will keep the bytes as the owner's file and return its id."""
        ...

    def read(self, file_id: UUID) -> bytes: ...

    def store_chunks(
        self, owner_id: UUID, file_name: str, content_type: str, chunks: Iterable[bytes]
    ) -> tuple[UUID, int]:
        """This function will keep the bytes as they come (never all in memory at once) and
        return the file's id and size."""
        ...

    def open(self, file_id: UUID) -> AbstractContextManager[BinaryIO]:
        """A file's bytes to read as a stream."""
        ...


class CaptureCodec(Protocol):
    """How a run's capture is written to a file and read back (gzip JSON lines)."""

    def encode(self, run: dict[str, Any], results: list[dict[str, Any]]) -> bytes: ...

    def run_of(self, content: bytes) -> dict[str, Any]: ...

    def results_of(self, content: bytes) -> Iterator[dict[str, Any]]: ...

    def run_from(self, stream: BinaryIO) -> dict[str, Any]:
        """The run, read from the start of a capture's stream."""
        ...

    def results_from(self, stream: BinaryIO) -> Iterator[dict[str, Any]]:
        """The results, one at a time, read from a capture's stream."""
        ...


class ReportRenderer(Protocol):
    """Writes a report document in a format (CSV, JSON, HTML, PDF)."""

    def render(self, document: dict[str, Any], report_format: str) -> bytes: ...

    def streams(self, report_format: str) -> bool:
        """Whether the format is written item by item (render_stream), in memory that does
        not grow with the run."""
        ...

    def render_stream(
        self,
        head: dict[str, Any],
        results: Callable[[], Iterator[dict[str, Any]]],
        report_format: str,
    ) -> Iterator[bytes]:
        """This function will write a report from its head (document_head) and its results,
        read as often as the format needs (`results()` starts them again), chunk by chunk."""
        ...


class ExportPolicy(Protocol):
    """Which report formats the owner's plan allows (§7.1: Free CSV, Pro CSV and PDF,
    Enterprise all)."""

    def allowed_formats(self, owner_id: UUID) -> list[str]: ...


class ReportRetention(Protocol):
    """How many days a report is kept (the owner's plan retention); None: for good."""

    def days_for(self, user_id: UUID) -> int | None: ...


class Visibility(Protocol):
    """Who may see a run, a suite or a project. Each raises NotFoundError otherwise."""

    def require_run(self, run_id: UUID, user_id: UUID) -> None: ...

    def require_suite(self, suite_id: UUID, user_id: UUID) -> None: ...

    def require_project(self, project_id: UUID, user_id: UUID) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...
