"""Test runs: queue (through the outbox), execute (a worker), cancel, archive hot results."""

import time
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from application.shared.base import ConcurrentChangeError, Written, require_version
from application.shared.limits import PlanLimitsPort, refuse_past
from application.testexec.commands import CancelTestRun, RequestTestRun
from application.testexec.environments import EnvironmentCommands
from application.testexec.execution import (
    ExecutionEngine,
    ExecutionPlan,
    ExecutionSettings,
    result_count,
)
from application.testexec.ports import Clock, ExpiredRuns, HotResults, Retention, SuiteSource
from domain.runs.model import (
    FINISHED,
    MAX_RUN_ATTEMPTS,
    RunCounter,
    RunSlots,
    RunStatus,
    TestRun,
    run_counter_id,
    run_slots_id,
)
from domain.shared.errors import ConflictError, NotFoundError
from domain.shared.meta import system_meta
from domain.subscriptions.limits import LimitType

# Attempts of a run start that lost a race on the user's RunSlots (or the suite's counter).
RACE_RETRIES = 5


class SuiteNotRunnableError(ConflictError):
    """A run asked of a suite that cannot run yet (not approved, or with no enabled case)."""


class NoEnvironmentError(ConflictError):
    """A run asked for in a project with no execution environment to run it against."""


class RunCommands(EnvironmentCommands):
    """Everything that happens to a run."""

    _suites: SuiteSource | None = None
    _retention: Retention | None = None
    _results: HotResults | None = None
    _engine: ExecutionEngine | None = None
    _clock: Clock | None = None
    _expired: ExpiredRuns | None = None
    _limits: PlanLimitsPort | None = None
    execution_settings = ExecutionSettings()

    def _need(self, value: Any, what: str) -> Any:
        if value is None:
            raise RuntimeError(f"this application was built without {what}")
        return value

    def run(self, run_id: UUID, requester_id: UUID) -> TestRun:
        """This function will load a requester's run. Raises NotFoundError."""
        run = self.load_version(run_id)
        if not isinstance(run, TestRun) or run.owner_id != requester_id:
            raise NotFoundError("test run not found")
        return run

    def request_test_run(self, cmd: RequestTestRun) -> Written:
        """This function will queue a run; the worker receives it through the outbox.

        Raises NotFoundError, SuiteNotRunnableError, NoEnvironmentError, LimitExceededError."""
        # Two starts at the limit collide on the user's RunSlots: the loser checks again.
        for _ in range(RACE_RETRIES):
            try:
                return self.written(*self._queued_run(cmd))
            except ConcurrentChangeError:
                continue
        raise ConcurrentChangeError(None)

    def _queued_run(self, cmd: RequestTestRun) -> tuple[TestRun, RunCounter, RunSlots]:
        """This function will make a run, its suite's counter and its owner's run slots (one
        taken for it), unsaved: whoever saves them saves them together."""
        suites: SuiteSource = self._need(self._suites, "a suite source")
        plan = suites.plan(cmd.suite_id, cmd.requester_id, with_document=False)
        if plan.refusal:
            raise SuiteNotRunnableError(plan.refusal)
        environment_id = cmd.environment_id or self.default_environment_id(plan.project_id)
        if environment_id is None:
            raise NoEnvironmentError("the project has no execution environment: create one first")
        env = self.environment(environment_id, cmd.requester_id)
        if env.project_id != plan.project_id:
            raise NotFoundError("environment not found in the suite's project")
        retention: Retention = self._need(self._retention, "a retention policy")
        try:
            counter: RunCounter = self.load_version(run_counter_id(cmd.suite_id))
        except NotFoundError:
            counter = RunCounter(suite_id=cmd.suite_id)
        slots = self._slots(cmd.requester_id)
        run = TestRun(
            project_id=plan.project_id,
            suite_id=cmd.suite_id,
            environment_id=env.id,
            run_number=counter.next_number(),
            owner_id=cmd.requester_id,
            total_tests=sum(result_count(case) for case in plan.cases),
            retention_days=retention.days_for(cmd.requester_id),
            meta=cmd.meta,
        )
        self._admit(slots, run.id, cmd.requester_id)
        return run, counter, slots

    def _slots(self, owner_id: UUID) -> RunSlots:
        try:
            slots: RunSlots = self.load_version(run_slots_id(owner_id))
        except NotFoundError:
            slots = RunSlots(owner_id=owner_id)
        return slots

    def _admit(self, slots: RunSlots, run_id: UUID, owner_id: UUID) -> None:
        """Take a slot for a run, within the plan's MaxTestRunsPerMonth and MaxConcurrentRuns.
        Raises LimitExceededError."""
        period = self._now().strftime("%Y-%m")
        limits: PlanLimitsPort | None = self._limits
        if limits is not None:
            monthly, concurrent = limits.limits(
                owner_id, LimitType.MaxTestRunsPerMonth, LimitType.MaxConcurrentRuns
            )
            refuse_past(
                monthly, current=slots.started_in(period), adding=1, upgrade_url=limits.upgrade_url
            )
            if concurrent.value is not None and len(slots.in_flight) >= concurrent.value:
                # A slot whose run ended without giving it back (a crash between the two
                # saves) is taken back here, before refusing.
                slots.release([UUID(r) for r in slots.in_flight if self._has_finished(UUID(r))])
            refuse_past(
                concurrent,
                current=len(slots.in_flight),
                adding=1,
                upgrade_url=limits.upgrade_url,
            )
        slots.admit(run_id, period=period)

    def _has_finished(self, run_id: UUID) -> bool:
        try:
            run = self.load_version(run_id)
        except NotFoundError:
            return True
        return not isinstance(run, TestRun) or run.status in FINISHED

    def _release_slot(self, run: TestRun) -> None:
        """Give a finished run's slot back. Best effort: a slot left held is taken back when
        the user next reaches the limit."""
        for _ in range(RACE_RETRIES):
            slots = self._slots(run.owner_id)
            if not slots.release([run.id]):
                return
            try:
                self.save(slots)
                return
            except IntegrityError:
                continue

    def cancel_test_run(self, cmd: CancelTestRun) -> Written:
        """This function will stop a run: a pending one at once, a running one at the next case."""
        run = self.run(cmd.run_id, cmd.requester_id)
        require_version(run, cmd.expected_version)
        run.request_cancellation(meta=cmd.meta)
        if run.status == RunStatus.PENDING:
            self._finish(run, RunStatus.CANCELLED, {"passed": 0, "failed": 0, "skipped": 0}, 0, "")
            return self._finished(run)
        return self.written(run)

    def execute_test_run(self, run_id: UUID) -> str:
        """This function will execute (or resume) a queued run and record its outcome.

        Safe to call again for the same run: a finished run is left alone, and cases already
        recorded in Redis by an earlier attempt are not sent again. Returns the final status."""
        run = self.load_version(run_id)
        if not isinstance(run, TestRun):
            raise NotFoundError("test run not found")
        if run.status in FINISHED:
            return str(run.status)
        meta = system_meta("test run worker")
        results: HotResults = self._need(self._results, "hot results")
        if run.attempts >= MAX_RUN_ATTEMPTS:
            self._finish(
                run,
                RunStatus.FAILED,
                results.counts(run.id),
                0,
                f"the run was interrupted {run.attempts} times; giving up",
            )
            self._finished(run)
            return str(run.status)
        suites: SuiteSource = self._need(self._suites, "a suite source")
        try:
            plan = suites.plan(run.suite_id, run.owner_id)
            env = self.environment(run.environment_id, run.owner_id)
        except NotFoundError as error:
            # Gone since the run was queued (a deleted environment, say): no later attempt
            # would fare better, so the run fails now, saying why.
            return self._fail_before_start(run, f"the run cannot start: {error}")
        if plan.refusal:
            return self._fail_before_start(run, f"the suite can no longer run: {plan.refusal}")
        total = sum(result_count(case) for case in plan.cases)
        now = self._now()
        run.start(
            started_at=now.isoformat(),
            suite_version=plan.suite_version,
            total_tests=total,
            meta=meta,
        )
        self.written(run)
        results.mark_started(
            run.id, run.owner_id, run.started_at or now.isoformat(), total, run.retention_days
        )
        started = time.monotonic()
        engine: ExecutionEngine = self._need(self._engine, "an execution engine")
        sink = results.sink(
            run.id,
            run.owner_id,
            run.retention_days,
            lambda: self._cancel_requested(run.id),
            resuming=run.attempts > 1,
        )
        if run.attempts > 1:
            sink.log(
                "warning",
                f"attempt {run.attempts} of this run: the worker before stopped without"
                " finishing; the cases it recorded are kept, those it sent without recording"
                " are sent again (each says so, and counts its interrupted attempts)",
            )
        try:
            outcome = engine.run(
                ExecutionPlan(
                    run_id=str(run.id), cases=plan.cases, openapi_document=plan.openapi_document
                ),
                self.opened(env),
                sink,
                self.execution_settings,
            )
        finally:
            sink.close()  # what ran is kept even when the engine fails
        run = self.load_version(run_id)
        status = RunStatus.CANCELLED if outcome.cancelled else RunStatus.COMPLETED
        duration = int((time.monotonic() - started) * 1000)
        self._finish(run, status, results.counts(run.id), duration, "")
        self._finished(run)
        return str(run.status)

    def _fail_before_start(self, run: TestRun, reason: str) -> str:
        """This function will end a run that cannot start with Failed and the reason."""
        counts = self._need(self._results, "hot results").counts(run.id)
        self._finish(run, RunStatus.FAILED, counts, 0, reason)
        self._finished(run)
        return str(run.status)

    def _cancel_requested(self, run_id: UUID) -> bool:
        run: TestRun = self.load_version(run_id)
        return run.cancel_requested

    def _now(self) -> datetime:
        clock: Clock = self._need(self._clock, "a clock")
        return clock.now()

    def _finished(self, run: TestRun) -> Written:
        """Save a finished run, then tell live followers (after the event is stored)."""
        written = self.written(run)
        self._release_slot(run)
        if self._results is not None:
            self._results.mark_finished(
                run.id, str(run.status), run.completed_at or "", run.duration_ms, run.retention_days
            )
        return written

    def _finish(
        self, run: TestRun, status: RunStatus, counts: dict[str, int], duration_ms: int, reason: str
    ) -> None:
        now = self._now()
        expire = now + timedelta(days=run.retention_days)
        run.finish(
            outcome=status.value,
            counts=counts,
            duration_ms=duration_ms,
            completed_at=now.isoformat(),
            results_expire_at=expire.isoformat(),
            meta=system_meta("test run worker"),
            reason=reason,
        )

    def archive_expired_results(self, limit: int = 500) -> int:
        """This function will record ResultsArchived for runs whose hot results expired (§5.1)."""
        expired: ExpiredRuns = self._need(self._expired, "an expired-runs reader")
        archived = 0
        for run_id in expired.expired(self._now(), limit):
            run = self.load_version(run_id)
            if isinstance(run, TestRun) and run.redis_key is not None:
                run.archive_results(meta=system_meta("results expired"))
                self.written(run)
                archived += 1
        return archived
