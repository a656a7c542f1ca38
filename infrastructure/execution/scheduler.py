"""The order of a run: dependencies, concurrency, cancellation, resumption, the outcome.

``concurrency`` workers take the cases in plan order. A case whose dependencies (which
come earlier in the plan) and earlier cases of its chains (ordering.py) have finished runs
at once in its worker; one that must wait is parked in a task of its own, at most a
window of them, so that a chain does not hold up the independent cases behind it. A task
per case would cost more than the rest of the engine's work for a fast target. Only
statuses and variables outlive a case: results go to the sink as soon as they exist, so
memory does not grow with the run.
"""

import asyncio
import time
from collections.abc import Iterable
from typing import Any

from application.testexec.execution import (
    CaseResult,
    CaseStatus,
    ExecutionCase,
    ExecutionPlan,
    RunOutcome,
)
from infrastructure.execution.case_runner import CaseRunner
from infrastructure.execution.ordering import ordering_waits
from infrastructure.execution.reporting import SinkReporter


class RunScheduler:
    """One run in progress: what has finished, with which status, and the variables so far."""

    def __init__(
        self,
        plan: ExecutionPlan,
        reporter: SinkReporter,
        runner: CaseRunner,
        concurrency: int,
        always_read: Iterable[str] = (),
    ) -> None:
        self._plan = plan
        self._reporter = reporter
        self._runner = runner
        self._workers = max(concurrency, 1)
        self._slots = asyncio.Semaphore(self._workers)
        self._parked = asyncio.Semaphore(max(64, 4 * self._workers))
        self._pending = iter(enumerate(plan.cases))
        # Besides its dependencies, a case waits for the earlier cases whose order with it
        # matters (the variables they share, the resource they address): see ordering.py.
        self._order = ordering_waits(plan.cases, always_read)
        # Only cases something waits for are tracked: the others leave nothing behind.
        self._awaited = {dependency for case in plan.cases for dependency in case.depends_on}
        self._awaited.update(*self._order.values())
        self._names = {case.id: case.name for case in plan.cases if case.id in self._awaited}
        self._positions = {
            case.id: index for index, case in enumerate(plan.cases) if case.id in self._awaited
        }
        self._finished: dict[str, CaseStatus | None] = {}
        self._events: dict[str, asyncio.Event] = {}
        self._counts = {"passed": 0, "failed": 0, "skipped": 0}

    def count(self, status: CaseStatus) -> None:
        """This function will add a row's status to the outcome."""
        key = {CaseStatus.PASSED: "passed", CaseStatus.SKIPPED: "skipped"}.get(status, "failed")
        self._counts[key] += 1

    async def run(self) -> RunOutcome:
        """This function will run every case of the plan and give the outcome."""
        started = time.perf_counter()
        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(self._workers):
                    group.create_task(self._worker(group))
        except BaseExceptionGroup as group:
            # A failing sink stops the run: its first error is the one worth raising.
            first: BaseException = group
            while isinstance(first, BaseExceptionGroup):
                first = first.exceptions[0]
            raise first from None
        return RunOutcome(
            passed=self._counts["passed"],
            failed=self._counts["failed"],
            skipped=self._counts["skipped"],
            duration_ms=round((time.perf_counter() - started) * 1000),
            cancelled=self._reporter.cancelled,
        )

    async def _worker(self, group: asyncio.TaskGroup) -> None:
        """This function will take cases in plan order until none is left or the run is
        cancelled: running each now, or parking it while its dependencies run."""
        while not self._reporter.cancelled:
            taken = next(self._pending, None)
            if taken is None:
                return
            index, case = taken
            waits = any(dependency in self._events for dependency in case.depends_on) or any(
                earlier in self._events for earlier in self._order.get(case.id, ())
            )
            if case.id in self._awaited:
                self._events[case.id] = asyncio.Event()
            if not waits:
                await self._case(index, case)
                continue
            await self._parked.acquire()
            group.create_task(self._parked_case(index, case))

    async def _parked_case(self, index: int, case: ExecutionCase) -> None:
        """This function will run a case that waited for its dependencies, then free its place."""
        try:
            await self._case(index, case)
        finally:
            self._parked.release()

    async def _blocker(self, index: int, case: ExecutionCase) -> str:
        """This function will give the reason a dependency keeps the case from running."""
        if not case.depends_on:
            return ""
        for dependency in case.depends_on:
            name = self._names.get(dependency, dependency)
            position = self._positions.get(dependency)
            if position is None or position >= index:
                return f"depends on {name}, which does not run before it in this run"
            if dependency not in self._finished:
                await self._events[dependency].wait()
            status = self._finished.get(dependency)
            if status is None:
                return f"depends on {name}, which did not finish"
            if status == CaseStatus.SKIPPED:
                return f"depends on {name}, which was skipped"
            if status != CaseStatus.PASSED:
                return f"depends on {name}, which failed"
        return ""

    async def _case(self, index: int, case: ExecutionCase) -> None:
        """This function will wait for a case's dependencies and a slot, then run it."""
        status: CaseStatus | None = None
        try:
            blocker = await self._blocker(index, case) if case.depends_on else ""
            for earlier in self._order.get(case.id, ()):
                if earlier not in self._finished:
                    await self._events[earlier].wait()
            async with self._slots:
                status = await self._runner.run_case(case, blocker, self)
        finally:
            if case.id in self._awaited:
                self._finished[case.id] = status
                event = self._events.pop(case.id, None)
                if event is not None:
                    event.set()

    def before_row(self, key: str) -> tuple[bool, CaseResult | None]:
        """This function will tell whether the run was cancelled, and what an earlier attempt
        of the run recorded for a row."""
        return self._reporter.before_row(key)

    def record(self, result: CaseResult, variables: dict[str, Any]) -> None:
        """This function will hand a (masked) result and the run's variables to the sink."""
        self.count(result.status)
        self._reporter.record(result, variables)
