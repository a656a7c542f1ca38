"""The TestRun aggregate: one execution of a suite against one environment."""

from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError
from domain.shared.meta import Meta


class RunStatusError(ConflictError):
    """A command the run's status no longer allows (cancelling a finished run, say)."""


MAX_RUN_ATTEMPTS = 3


class RunStatus(StrEnum):
    PENDING = "Pending"
    RUNNING = "Running"
    COMPLETED = "Completed"
    FAILED = "Failed"
    CANCELLED = "Cancelled"


FINISHED = (RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED)


def redis_key(run_id: UUID) -> str:
    """This function will name the run's hot results (§3.5.1)."""
    return f"testrun:{run_id}:results"


class TestRun(Aggregate):
    """One execution of a suite against one environment."""

    __test__ = False

    class Queued(Aggregate.Created):
        project_id: UUID
        suite_id: UUID
        environment_id: UUID
        run_number: int
        owner_id: UUID
        total_tests: int
        retention_days: int
        meta: Meta

    @event(Queued)
    def __init__(
        self,
        *,
        project_id: UUID,
        suite_id: UUID,
        environment_id: UUID,
        run_number: int,
        owner_id: UUID,
        total_tests: int,
        retention_days: int,
        meta: Meta,
    ) -> None:
        self.project_id = project_id
        self.suite_id = suite_id
        self.environment_id = environment_id
        self.run_number = run_number
        self.owner_id = owner_id
        self.triggered_by = meta["user_id"]
        self.total_tests = total_tests
        self.retention_days = retention_days
        self.status = RunStatus.PENDING
        self.attempts = 0
        self.passed = self.failed = self.skipped = 0
        self.duration_ms = 0
        self.started_at: str | None = None
        self.completed_at: str | None = None
        self.results_expire_at: str | None = None
        self.redis_key: str | None = redis_key(self.id)
        self.cancel_requested = False
        self.failure_reason = ""

    class Started(Aggregate.Event):
        attempt: int
        started_at: str
        suite_version: int
        total_tests: int
        meta: Meta

    def start(self, *, started_at: str, suite_version: int, total_tests: int, meta: Meta) -> int:
        """This function will begin (or, after a crash, resume) the run; returns the attempt."""
        if self.status in FINISHED:
            raise RunStatusError(f"the run is already {self.status}")
        self._start(
            attempt=self.attempts + 1,
            started_at=self.started_at or started_at,
            suite_version=suite_version,
            total_tests=total_tests,
            meta=meta,
        )
        return self.attempts

    @event(Started)
    def _start(
        self, *, attempt: int, started_at: str, suite_version: int, total_tests: int, meta: Meta
    ) -> None:
        self.status = RunStatus.RUNNING
        self.attempts = attempt
        self.started_at = started_at
        self.total_tests = total_tests

    class Completed(Aggregate.Event):
        passed: int
        failed: int
        skipped: int
        duration_ms: int
        completed_at: str
        results_expire_at: str
        meta: Meta

    class Failed(Aggregate.Event):
        reason: str
        passed: int
        failed: int
        skipped: int
        duration_ms: int
        completed_at: str
        results_expire_at: str
        meta: Meta

    class Cancelled(Aggregate.Event):
        passed: int
        failed: int
        skipped: int
        duration_ms: int
        completed_at: str
        results_expire_at: str
        meta: Meta

    def finish(
        self,
        *,
        outcome: str,
        counts: dict[str, int],
        duration_ms: int,
        completed_at: str,
        results_expire_at: str,
        meta: Meta,
        reason: str = "",
    ) -> None:
        """This function will close the run as Completed, Failed or Cancelled with its counts."""
        if self.status in FINISHED:
            raise RunStatusError(f"the run is already {self.status}")
        common: dict[str, Any] = {
            "passed": counts.get("passed", 0),
            "failed": counts.get("failed", 0),
            "skipped": counts.get("skipped", 0),
            "duration_ms": duration_ms,
            "completed_at": completed_at,
            "results_expire_at": results_expire_at,
            "meta": meta,
        }
        if outcome == RunStatus.CANCELLED:
            self._cancelled(**common)
        elif outcome == RunStatus.FAILED:
            self._failed(reason=reason, **common)
        else:
            self._completed(**common)

    def _close(
        self,
        status: RunStatus,
        passed: int,
        failed: int,
        skipped: int,
        duration_ms: int,
        completed_at: str,
        results_expire_at: str,
    ) -> None:
        self.status = status
        self.passed, self.failed, self.skipped = passed, failed, skipped
        self.duration_ms = duration_ms
        self.completed_at = completed_at
        self.results_expire_at = results_expire_at

    @event(Completed)
    def _completed(
        self,
        *,
        passed: int,
        failed: int,
        skipped: int,
        duration_ms: int,
        completed_at: str,
        results_expire_at: str,
        meta: Meta,
    ) -> None:
        self._close(
            RunStatus.COMPLETED,
            passed,
            failed,
            skipped,
            duration_ms,
            completed_at,
            results_expire_at,
        )

    @event(Failed)
    def _failed(
        self,
        *,
        reason: str,
        passed: int,
        failed: int,
        skipped: int,
        duration_ms: int,
        completed_at: str,
        results_expire_at: str,
        meta: Meta,
    ) -> None:
        self._close(
            RunStatus.FAILED, passed, failed, skipped, duration_ms, completed_at, results_expire_at
        )
        self.failure_reason = reason

    @event(Cancelled)
    def _cancelled(
        self,
        *,
        passed: int,
        failed: int,
        skipped: int,
        duration_ms: int,
        completed_at: str,
        results_expire_at: str,
        meta: Meta,
    ) -> None:
        self._close(
            RunStatus.CANCELLED,
            passed,
            failed,
            skipped,
            duration_ms,
            completed_at,
            results_expire_at,
        )

    class CancellationRequested(Aggregate.Event):
        meta: Meta

    def request_cancellation(self, *, meta: Meta) -> None:
        """This function will ask the run to stop at the next case boundary."""
        if self.status in FINISHED:
            raise RunStatusError(f"the run is already {self.status}")
        if not self.cancel_requested:
            self._request_cancellation(meta=meta)

    @event(CancellationRequested)
    def _request_cancellation(self, *, meta: Meta) -> None:
        self.cancel_requested = True

    class ResultsArchived(Aggregate.Event):
        meta: Meta

    def archive_results(self, *, meta: Meta) -> None:
        """This function will record that the hot results expired; the summary stays."""
        if self.redis_key is not None:
            self._archive_results(meta=meta)

    @event(ResultsArchived)
    def _archive_results(self, *, meta: Meta) -> None:
        self.redis_key = None


class RunCounter(Aggregate):
    """The run numbers of one suite: saved with each new run, so numbers never repeat."""

    class Opened(Aggregate.Created):
        suite_id: UUID

    @event(Opened)
    def __init__(self, *, suite_id: UUID) -> None:
        self.suite_id = suite_id
        self.last = 0

    @staticmethod
    def create_id(suite_id: UUID, **_: Any) -> UUID:
        return run_counter_id(suite_id)

    class Incremented(Aggregate.Event):
        number: int

    def next_number(self) -> int:
        self._increment(number=self.last + 1)
        return self.last

    @event(Incremented)
    def _increment(self, *, number: int) -> None:
        self.last = number


def run_counter_id(suite_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"testament:runs:{suite_id}")


class RunSlots(Aggregate):
    """The runs one user has in flight, and how many they started this period.

    Saved with each run queued, so two starts at the plan's MaxConcurrentRuns collide in the
    event store and the loser, checking again, is refused: the limit holds under races. A
    finished run gives its slot back (Released, saved after the run's last event); a slot whose
    run finished without giving it back (a crash between the two saves) is taken back when
    the limit is next reached, so nothing leaks for good."""

    class Opened(Aggregate.Created):
        owner_id: UUID

    @event(Opened)
    def __init__(self, *, owner_id: UUID) -> None:
        self.owner_id = owner_id
        self.in_flight: list[str] = []
        self.period = ""
        self.started_in_period = 0

    @staticmethod
    def create_id(owner_id: UUID, **_: Any) -> UUID:
        return run_slots_id(owner_id)

    class Admitted(Aggregate.Event):
        run_id: str
        period: str

    def started_in(self, period: str) -> int:
        """This function will count the runs started in a period (e.g. '2026-12')."""
        return self.started_in_period if self.period == period else 0

    def admit(self, run_id: UUID, *, period: str) -> None:
        self._admit(run_id=str(run_id), period=period)

    @event(Admitted)
    def _admit(self, *, run_id: str, period: str) -> None:
        self.started_in_period = self.started_in(period) + 1
        self.period = period
        self.in_flight = [*self.in_flight, run_id]

    class Released(Aggregate.Event):
        run_ids: list[str]

    def release(self, run_ids: list[UUID]) -> bool:
        """This function will give back the slots of finished runs; False when none held."""
        held = [str(r) for r in run_ids if str(r) in self.in_flight]
        if not held:
            return False
        self._release(run_ids=held)
        return True

    @event(Released)
    def _release(self, *, run_ids: list[str]) -> None:
        self.in_flight = [r for r in self.in_flight if r not in run_ids]


def run_slots_id(owner_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"testament:run-slots:{owner_id}")
