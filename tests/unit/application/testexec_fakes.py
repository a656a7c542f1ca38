"""In-memory stand-ins for the testexec application's ports (the real ones need Redis)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from application.testexec.app import TestexecApplication
from application.testexec.commands import CreateEnvironment, RequestTestRun
from application.testexec.execution import (
    CaseResult,
    CaseStatus,
    EnvironmentConfig,
    ExecutionCase,
    ExecutionPlan,
    ExecutionSettings,
    ResultSink,
    RunOutcome,
)
from application.testexec.ports import SuitePlan
from application.testexec.queries import EnvironmentSummary, RunSummary
from application.testexec.reading import RunQueries
from domain.shared.errors import NotFoundError
from tests.unit.builders import POPO, a_meta

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class ReversingBox:
    """Seals by reversing: enough to tell a sealed value from its plaintext."""

    def seal(self, plaintext: str) -> str:
        return "sealed:" + plaintext[::-1]

    def open(self, sealed: str) -> str:
        return sealed.removeprefix("sealed:")[::-1]


@dataclass
class Owners:
    """Which user owns which project."""

    of: dict[UUID, UUID] = field(default_factory=dict)

    def require_owned(self, project_id: UUID, user_id: UUID) -> None:
        if self.of.get(project_id) != user_id:
            raise NotFoundError("project not found")


@dataclass
class Suites:
    """Suites a run can see: their owner, project, cases and whether they may run."""

    plans: dict[UUID, tuple[UUID, SuitePlan]] = field(default_factory=dict)

    def add(
        self, suite_id: UUID, owner: UUID, project_id: UUID, cases: list[str], refusal: str | None
    ) -> None:
        plan = SuitePlan(
            project_id=project_id,
            suite_version=3,
            refusal=refusal,
            cases=[
                ExecutionCase(id=c, name=c, endpoint_key="GET /x", request={}, expectations={})
                for c in cases
            ],
            openapi_document=None,
        )
        self.plans[suite_id] = (owner, plan)

    def plan(self, suite_id: UUID, user_id: UUID, *, with_document: bool = True) -> SuitePlan:
        owner, plan = self.plans.get(suite_id, (None, None))
        if owner != user_id or plan is None:
            raise NotFoundError("suite not found")
        return plan

    def require_visible(self, suite_id: UUID, user_id: UUID) -> None:
        self.plan(suite_id, user_id)

    def execution_order(self, suite_id: UUID, user_id: UUID) -> list[str]:
        return [case.id for case in self.plan(suite_id, user_id).cases]


class SevenDays:
    def days_for(self, user_id: UUID) -> int:
        return 7


class StepClock:
    def __init__(self) -> None:
        self.reads = 0

    def now(self) -> datetime:
        self.reads += 1
        return NOW + timedelta(seconds=self.reads)


class MemorySink:
    def __init__(self, hot: "MemoryHotResults", run_id: UUID, cancelled: Callable[[], bool]):
        self._hot, self._run_id, self._cancelled = hot, run_id, cancelled

    def previous_result(self, key: str) -> CaseResult | None:
        return None

    def record(self, result: CaseResult, variables: dict[str, str]) -> None:
        counters = self._hot.summaries.setdefault(self._run_id, {})
        name = {"Passed": "passed", "Failed": "failed"}.get(result.status.value, "skipped")
        counters[name] = str(int(counters.get(name, "0")) + 1)
        self._hot.executions[(self._run_id, result.case_id)] = {"status": result.status.value}
        self._hot.vars[self._run_id] = dict(variables)

    def mark_sent(self, keys: list[str]) -> None:
        pass

    def sent_before(self, key: str) -> int:
        return 0

    def log(self, level: str, message: str) -> None:
        self._hot.lines.setdefault(self._run_id, []).append({"level": level, "message": message})

    def cancelled(self) -> bool:
        return self._cancelled()

    def close(self) -> None:
        pass


@dataclass
class MemoryHotResults:
    """The hot results of runs, in dictionaries."""

    summaries: dict[UUID, dict[str, str]] = field(default_factory=dict)
    executions: dict[tuple[UUID, str], dict[str, Any]] = field(default_factory=dict)
    lines: dict[UUID, list[dict[str, Any]]] = field(default_factory=dict)
    vars: dict[UUID, dict[str, str]] = field(default_factory=dict)
    recent: dict[UUID, list[str]] = field(default_factory=dict)
    finished: list[tuple[UUID, str]] = field(default_factory=list)

    def sink(
        self,
        run_id: UUID,
        owner_id: UUID,
        retention_days: int,
        cancelled: Any,
        *,
        resuming: bool = True,
    ) -> MemorySink:
        return MemorySink(self, run_id, cancelled)

    def counts(self, run_id: UUID) -> dict[str, int]:
        hot = self.summaries.get(run_id, {})
        return {k: int(hot.get(k, 0)) for k in ("passed", "failed", "skipped")}

    def mark_started(
        self, run_id: UUID, owner_id: UUID, started_at: str, total: int, retention_days: int
    ) -> None:
        self.summaries.setdefault(run_id, {})["status"] = "Running"
        self.recent.setdefault(owner_id, []).insert(0, str(run_id))

    def mark_finished(
        self, run_id: UUID, status: str, completed_at: str, duration_ms: int, retention_days: int
    ) -> None:
        self.summaries.setdefault(run_id, {})["status"] = status
        self.finished.append((run_id, status))

    def summary(self, run_id: UUID) -> dict[str, str] | None:
        return self.summaries.get(run_id)

    def case_events(self, run_id: UUID) -> list[dict[str, Any]]:
        return [
            {"type": "case", "caseId": case, "row": None, "status": found["status"]}
            for (run, case), found in self.executions.items()
            if run == run_id
        ]

    def recent_runs(self, user_id: UUID, limit: int = 20) -> list[str]:
        return self.recent.get(user_id, [])[:limit]

    def execution(self, run_id: UUID, case_id: str) -> dict[str, Any] | None:
        return self.executions.get((run_id, case_id))

    def logs(self, run_id: UUID, start: int = 0, end: int = -1) -> list[dict[str, Any]]:
        return self.lines.get(run_id, [])[start:]

    def variables(self, run_id: UUID) -> dict[str, str]:
        return self.vars.get(run_id, {})


class PassingEngine:
    """Passes every case but those named in `failing`; remembers the environment it got."""

    def __init__(self, failing: tuple[str, ...] = ()) -> None:
        self.failing = failing
        self.environments: list[EnvironmentConfig] = []

    def run(
        self,
        plan: ExecutionPlan,
        environment: EnvironmentConfig,
        sink: ResultSink,
        settings: ExecutionSettings,
    ) -> RunOutcome:
        self.environments.append(environment)
        for case in plan.cases:
            if sink.cancelled():
                return RunOutcome(passed=0, failed=0, skipped=0, duration_ms=0, cancelled=True)
            status = CaseStatus.FAILED if case.id in self.failing else CaseStatus.PASSED
            sink.record(
                CaseResult(
                    case_id=case.id,
                    row=None,
                    status=status,
                    started_at=NOW.isoformat(),
                    completed_at=NOW.isoformat(),
                    duration_ms=1,
                ),
                {"last": case.id},
            )
        return RunOutcome(passed=0, failed=0, skipped=0, duration_ms=0, cancelled=False)


@dataclass
class MemoryRuns:
    """The run and environment readers over lists the test fills."""

    runs: list[RunSummary] = field(default_factory=list)
    environments: list[tuple[UUID, EnvironmentSummary]] = field(default_factory=list)
    expired_ids: list[UUID] = field(default_factory=list)

    def suite_runs(
        self, suite_id: UUID, *, owner_id: UUID, limit: int, offset: int
    ) -> list[RunSummary]:
        mine = [r for r in self.runs if r.suite_id == suite_id and r.triggered_by == owner_id]
        return sorted(mine, key=lambda r: -r.run_number)[offset : offset + limit]

    def project_environments(
        self, project_id: UUID, *, owner_id: UUID | None
    ) -> list[EnvironmentSummary]:
        return [
            env
            for owner, env in self.environments
            if env.project_id == project_id and owner_id in (None, owner)
        ]

    def expired(self, now: datetime, limit: int) -> list[UUID]:
        return self.expired_ids[:limit]


@dataclass
class World:
    app: TestexecApplication
    owners: Owners
    suites: Suites
    hot: MemoryHotResults
    engine: PassingEngine
    reader: MemoryRuns
    owner: UUID = field(default_factory=uuid4)
    project: UUID = field(default_factory=uuid4)

    def environment(self, **values: Any) -> UUID:
        written = self.app.create_environment(
            CreateEnvironment(
                project_id=self.project,
                requester_id=self.owner,
                name=values.pop("name", "staging"),
                base_url="https://staging.example.com",
                meta=a_meta(user_id=self.owner),
                **values,
            )
        )
        return written.aggregate_id

    def suite(self, cases: list[str], refusal: str | None = None) -> UUID:
        suite_id = uuid4()
        self.suites.add(suite_id, self.owner, self.project, cases, refusal)
        return suite_id

    def queue(self, suite_id: UUID, environment_id: UUID | None = None) -> UUID:
        return self.app.request_test_run(
            RequestTestRun(
                suite_id=suite_id,
                requester_id=self.owner,
                meta=a_meta(user_id=self.owner),
                environment_id=environment_id,
            )
        ).aggregate_id

    def queries(self) -> RunQueries:
        return RunQueries(self.app, self.reader, self.hot, self.suites)


def a_world() -> World:
    owners, suites, hot, engine, reader = (
        Owners(),
        Suites(),
        MemoryHotResults(),
        PassingEngine(failing=("b",)),
        MemoryRuns(),
    )
    app = TestexecApplication(
        env=POPO,
        box=ReversingBox(),
        projects=owners,
        suites=suites,
        retention=SevenDays(),
        results=hot,
        engine=engine,
        clock=StepClock(),
        expired=reader,
    )
    made = World(app, owners, suites, hot, engine, reader)
    owners.of[made.project] = made.owner
    return made


SECRETS = {
    "variables": [
        {"name": "password", "value": "hunter2", "secret": True},
        {"name": "user", "value": "alice", "secret": False},
    ],
    "auth": {"type": "basic", "username": "alice", "password": "basic-secret"},
}
