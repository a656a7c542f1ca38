"""Side effects and other contexts, as the testexec context needs them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from application.testexec.execution import ExecutionCase, ResultSink


class FlushingSink(ResultSink, Protocol):
    """A sink that may buffer: the run closes it (writing what is left) once the engine returns."""

    def close(self) -> None: ...


class SecretBox(Protocol):
    """Encryption of secrets at rest (environment credentials and secret variables)."""

    def seal(self, plaintext: str) -> str: ...

    def open(self, sealed: str) -> str: ...


@dataclass(frozen=True, kw_only=True)
class SuitePlan:
    """A suite as a run sees it: whether it may run, and its enabled cases in order."""

    project_id: UUID
    suite_version: int
    refusal: str | None
    cases: list[ExecutionCase]
    openapi_document: dict[str, Any] | None


class SuiteSource(Protocol):
    """The testgen context (and the spec behind a suite), seen from test runs."""

    def plan(self, suite_id: UUID, user_id: UUID, *, with_document: bool = True) -> SuitePlan:
        """Raises NotFoundError for a suite the user may not see. `with_document=False`
        leaves out the OpenAPI document (a queued run needs only the cases)."""
        ...

    def require_visible(self, suite_id: UUID, user_id: UUID) -> None:
        """Raises NotFoundError for a suite the user may not see."""
        ...

    def execution_order(self, suite_id: UUID, user_id: UUID) -> list[str]:
        """The suite's case ids in run order. Raises NotFoundError."""
        ...


class ProjectAccess(Protocol):
    def require_owned(self, project_id: UUID, user_id: UUID) -> None: ...


class Retention(Protocol):
    """How long a user's hot run results are kept (the plan's retention days)."""

    def days_for(self, user_id: UUID) -> int: ...


class HotResults(Protocol):
    """The Redis side of runs (§3.5.1)."""

    def sink(
        self,
        run_id: UUID,
        owner_id: UUID,
        retention_days: int,
        cancelled: Any,
        *,
        resuming: bool = True,
    ) -> "FlushingSink": ...

    def counts(self, run_id: UUID) -> dict[str, int]: ...

    def mark_started(
        self, run_id: UUID, owner_id: UUID, started_at: str, total: int, retention_days: int
    ) -> None: ...

    def mark_finished(
        self, run_id: UUID, status: str, completed_at: str, duration_ms: int, retention_days: int
    ) -> None: ...


class LiveResults(Protocol):
    """What a reader sees of the hot results while a run goes on."""

    def summary(self, run_id: UUID) -> dict[str, str] | None: ...

    def case_events(self, run_id: UUID) -> list[dict[str, Any]]: ...

    def recent_runs(self, user_id: UUID, limit: int = 20) -> list[str]: ...

    def execution(self, run_id: UUID, case_id: str) -> dict[str, Any] | None: ...

    def logs(self, run_id: UUID, start: int = 0, end: int = -1) -> list[dict[str, Any]]: ...

    def variables(self, run_id: UUID) -> dict[str, str]: ...


class RunEventSubscription(Protocol):
    """A live subscription to one run's progress messages."""

    async def next(self, timeout: float) -> dict[str, Any] | None:
        """Wait up to `timeout` seconds for the next message; None when none came."""
        ...

    async def close(self) -> None: ...


class RunEvents(Protocol):
    """The channel live progress of runs is published on."""

    async def subscribe(self, run_id: UUID) -> RunEventSubscription: ...


class ExpiredRuns(Protocol):
    def expired(self, now: datetime, limit: int) -> list[UUID]: ...


class Clock(Protocol):
    def now(self) -> datetime: ...
