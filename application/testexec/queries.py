"""What the testexec context reads: one shape for a run and one for an environment, wherever
they come from (an aggregate just written, or a row of a read table)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.environments.model import AUTH_FIELDS, AuthType, ExecutionEnvironment
from domain.runs.model import FINISHED, RunStatus, TestRun

# What every secret reads as. Sent back in a write, it means "keep the secret as it is".
MASK = "***"


@dataclass(frozen=True, kw_only=True, slots=True)
class RunSummary:
    """A run as every route shows it: from its events or from testexec.test_runs alike."""

    id: UUID
    project_id: UUID
    suite_id: UUID
    environment_id: UUID
    run_number: int
    status: RunStatus
    triggered_by: UUID | None
    queued_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    total_tests: int
    passed: int
    failed: int
    skipped: int
    duration_ms: int
    results_expire_at: datetime | None
    results_archived: bool
    cancel_requested: bool
    failure_reason: str
    attempts: int
    version: int

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


def event_time(text: str | None) -> datetime | None:
    """This function will read a time as events carry it (ISO 8601 with its UTC offset)."""
    return datetime.fromisoformat(text) if text else None


def run_summary(run: TestRun) -> RunSummary:
    """This function will describe a run from its aggregate (always there, even archived)."""
    return RunSummary(
        id=run.id,
        project_id=run.project_id,
        suite_id=run.suite_id,
        environment_id=run.environment_id,
        run_number=run.run_number,
        status=RunStatus(run.status),
        triggered_by=UUID(str(run.triggered_by)) if run.triggered_by else None,
        queued_at=run.created_on,
        started_at=event_time(run.started_at),
        completed_at=event_time(run.completed_at),
        total_tests=run.total_tests,
        passed=run.passed,
        failed=run.failed,
        skipped=run.skipped,
        duration_ms=run.duration_ms,
        results_expire_at=event_time(run.results_expire_at),
        results_archived=run.redis_key is None,
        cancel_requested=run.cancel_requested,
        failure_reason=run.failure_reason or "",
        attempts=run.attempts,
        version=run.version,
    )


def with_live_counts(run: RunSummary, hot: Mapping[str, str] | None) -> RunSummary:
    """This function will show a running run's counters as its hot results hold them now."""
    if not hot or run.finished or run.results_archived:
        return run
    return replace(
        run,
        passed=int(hot.get("passed", 0)),
        failed=int(hot.get("failed", 0)),
        skipped=int(hot.get("skipped", 0)),
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class VariableView:
    name: str
    value: str  # MASK for a secret
    secret: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class EnvironmentSummary:
    """An environment as every route shows it, every secret masked."""

    id: UUID
    project_id: UUID
    name: str
    base_url: str
    variables: list[VariableView]
    headers: dict[str, str]
    auth: dict[str, Any]
    is_default: bool
    version: int


def masked_auth(auth: Mapping[str, Any]) -> dict[str, Any]:
    """This function will show an auth configuration with its secret fields as MASK."""
    try:
        secrets = AUTH_FIELDS[AuthType(auth.get("type", "none"))]
    except ValueError:
        secrets = {}
    return {k: (MASK if secrets.get(k) else v) for k, v in auth.items()}


def masked_variables(variables: Sequence[Mapping[str, Any]]) -> list[VariableView]:
    return [
        VariableView(
            name=str(v["name"]),
            value=MASK if v.get("secret") else str(v.get("value", "")),
            secret=bool(v.get("secret")),
        )
        for v in variables
    ]


def environment_summary(env: ExecutionEnvironment) -> EnvironmentSummary:
    """This function will describe an environment from its aggregate, secrets masked."""
    return EnvironmentSummary(
        id=env.id,
        project_id=env.project_id,
        name=env.name,
        base_url=env.base_url,
        variables=masked_variables(env.variables),
        headers=dict(env.headers),
        auth=masked_auth(env.auth),
        is_default=env.is_default,
        version=env.version,
    )


class RunReader(Protocol):
    """Runs from testexec.test_runs, always scoped to their owner."""

    def suite_runs(
        self, suite_id: UUID, *, owner_id: UUID, limit: int, offset: int
    ) -> list[RunSummary]: ...


class EnvironmentReader(Protocol):
    """Environments from testexec.execution_environments, scoped to the project's owner."""

    def project_environments(
        self, project_id: UUID, *, owner_id: UUID | None
    ) -> list[EnvironmentSummary]:
        """owner_id None: the caller has checked ownership already."""
        ...
