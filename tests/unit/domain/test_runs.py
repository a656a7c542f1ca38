"""The TestRun aggregate: queued, started (and resumed), finished, cancelled, archived."""

from uuid import uuid4

import pytest

from domain.runs.model import (
    FINISHED,
    RunCounter,
    RunStatus,
    TestRun,
    redis_key,
    run_counter_id,
)
from domain.shared.errors import ConflictError
from tests.unit.builders import a_meta

STARTED = "2026-03-02T09:00:00+00:00"
LATER = "2026-03-02T09:05:00+00:00"
EXPIRES = "2026-03-09T09:05:00+00:00"


def a_run(*, total_tests: int = 3, retention_days: int = 7) -> TestRun:
    owner = uuid4()
    return TestRun(
        project_id=uuid4(),
        suite_id=uuid4(),
        environment_id=uuid4(),
        run_number=1,
        owner_id=owner,
        total_tests=total_tests,
        retention_days=retention_days,
        meta=a_meta(user_id=owner),
    )


def replayed(run: TestRun) -> TestRun:
    events = run.collect_events()
    copy: TestRun = events[0].mutate(None)  # type: ignore[assignment]
    for later in events[1:]:
        copy = later.mutate(copy)  # type: ignore[assignment]
    return copy


def finish(run: TestRun, outcome: RunStatus, reason: str = "") -> None:
    run.finish(
        outcome=outcome.value,
        counts={"passed": 2, "failed": 1},
        duration_ms=1200,
        completed_at=LATER,
        results_expire_at=EXPIRES,
        meta=a_meta(),
        reason=reason,
    )


class TestQueueARun:
    def test_starts_pending_with_its_hot_results_key_and_who_triggered_it(self) -> None:
        run = a_run()
        assert (run.status, run.attempts, run.redis_key, run.triggered_by) == (
            RunStatus.PENDING,
            0,
            redis_key(run.id),
            str(run.owner_id),
        )
        assert (run.passed, run.failed, run.skipped, run.started_at) == (0, 0, 0, None)


class TestStartARun:
    def test_counts_each_attempt_and_keeps_the_first_start_time(self) -> None:
        run = a_run()
        first = run.start(started_at=STARTED, suite_version=4, total_tests=5, meta=a_meta())
        second = run.start(started_at=LATER, suite_version=4, total_tests=5, meta=a_meta())
        assert (first, second, run.started_at, run.total_tests) == (1, 2, STARTED, 5)
        assert run.status == RunStatus.RUNNING

    def test_refuses_a_run_that_is_already_finished(self) -> None:
        run = a_run()
        finish(run, RunStatus.COMPLETED)
        with pytest.raises(ConflictError, match="already Completed"):
            run.start(started_at=LATER, suite_version=1, total_tests=3, meta=a_meta())


class TestFinishARun:
    @pytest.mark.parametrize("outcome", list(FINISHED))
    def test_records_the_outcome_counts_and_times(self, outcome: RunStatus) -> None:
        run = a_run()
        run.start(started_at=STARTED, suite_version=1, total_tests=3, meta=a_meta())
        finish(run, outcome, reason="boom" if outcome == RunStatus.FAILED else "")
        assert (run.status, run.passed, run.failed, run.skipped, run.duration_ms) == (
            outcome,
            2,
            1,
            0,
            1200,
        )
        assert (run.completed_at, run.results_expire_at) == (LATER, EXPIRES)
        assert run.failure_reason == ("boom" if outcome == RunStatus.FAILED else "")

    def test_refuses_to_finish_twice(self) -> None:
        run = a_run()
        finish(run, RunStatus.CANCELLED)
        with pytest.raises(ConflictError, match="already Cancelled"):
            finish(run, RunStatus.COMPLETED)

    def test_replays_to_the_same_state(self) -> None:
        run = a_run()
        run.start(started_at=STARTED, suite_version=1, total_tests=3, meta=a_meta())
        finish(run, RunStatus.FAILED, reason="target down")
        copy = replayed(run)
        assert (copy.status, copy.failure_reason, copy.passed, copy.completed_at) == (
            RunStatus.FAILED,
            "target down",
            2,
            LATER,
        )


class TestRequestCancellation:
    def test_is_recorded_once(self) -> None:
        run = a_run()
        run.request_cancellation(meta=a_meta())
        run.request_cancellation(meta=a_meta())
        names = [type(e).__name__ for e in run.collect_events()]
        assert names.count("CancellationRequested") == 1 and run.cancel_requested

    def test_refuses_a_finished_run(self) -> None:
        run = a_run()
        finish(run, RunStatus.COMPLETED)
        with pytest.raises(ConflictError):
            run.request_cancellation(meta=a_meta())


class TestArchiveResults:
    def test_forgets_the_hot_results_key_once(self) -> None:
        run = a_run()
        finish(run, RunStatus.COMPLETED)
        run.archive_results(meta=a_meta())
        run.archive_results(meta=a_meta())
        names = [type(e).__name__ for e in run.collect_events()]
        assert run.redis_key is None and names.count("ResultsArchived") == 1


class TestRunCounter:
    def test_numbers_runs_of_a_suite_from_one_without_repeating(self) -> None:
        suite_id = uuid4()
        counter = RunCounter(suite_id=suite_id)
        assert [counter.next_number() for _ in range(3)] == [1, 2, 3]
        assert counter.id == run_counter_id(suite_id) != run_counter_id(uuid4())
