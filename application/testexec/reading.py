"""The read side of runs and environments: what the API answers, one shape per resource."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.testexec.environments import EnvironmentCommands
from application.testexec.ports import LiveResults, SuiteSource
from application.testexec.queries import (
    EnvironmentReader,
    EnvironmentSummary,
    RunReader,
    RunSummary,
    environment_summary,
    run_summary,
    with_live_counts,
)
from application.testexec.runs import RunCommands
from domain.runs.model import RunStatus
from domain.shared.errors import DomainError, NotFoundError


class ResultsExpiredError(DomainError):
    """A run's detailed results are gone from the hot store; its summary is kept."""

    def __init__(self, summary: RunSummary) -> None:
        super().__init__("the detailed results of this run have expired; its summary is kept")
        self.summary = summary


@dataclass(frozen=True, kw_only=True, slots=True)
class RunResults:
    summary: RunSummary
    results: list[dict[str, Any]]  # each case's hot result, with its case_id, in run order
    # With a page asked for: the cases of the suite in all, and where the next page starts.
    total_cases: int | None = None
    next_offset: int | None = None


class RunQueries:
    """Runs as the API reads them: one from its events (fresh), lists from the read table."""

    def __init__(
        self, app: RunCommands, runs: RunReader, live: LiveResults, suites: SuiteSource
    ) -> None:
        self._app, self._runs, self._live, self._suites = app, runs, live, suites

    def run(self, run_id: UUID, owner_id: UUID) -> RunSummary:
        """This function will give a requester's run with its live counters. Raises
        NotFoundError."""
        return self._with_live(run_summary(self._app.run(run_id, owner_id)))

    def _with_live(self, run: RunSummary) -> RunSummary:
        if run.finished or run.results_archived:
            return run
        return with_live_counts(run, self._live.summary(run.id))

    def suite_runs(
        self, suite_id: UUID, owner_id: UUID, *, limit: int, offset: int
    ) -> list[RunSummary]:
        """This function will list a suite's runs, newest first. Raises NotFoundError."""
        found = self._runs.suite_runs(suite_id, owner_id=owner_id, limit=limit, offset=offset)
        if not found:
            # No run of the caller's: an empty page, or somebody else's suite (404).
            self._suites.require_visible(suite_id, owner_id)
        return found

    def recent(self, owner_id: UUID, limit: int) -> list[RunSummary]:
        """This function will give the caller's latest runs (those still in the hot store)."""
        out = []
        for run_id in self._live.recent_runs(owner_id, limit):
            try:
                out.append(self.run(UUID(run_id), owner_id))
            except (NotFoundError, ValueError):  # not a run of the caller's (any more)
                continue
        return out

    def hot(self, run_id: UUID, owner_id: UUID) -> RunSummary:
        """This function will give a run whose detailed results are still kept.

        Raises NotFoundError, ResultsExpiredError."""
        run = self.run(run_id, owner_id)
        if run.status == RunStatus.PENDING:
            return run
        if run.results_archived or self._live.summary(run.id) is None:
            raise ResultsExpiredError(run)
        return run

    def results(
        self, run_id: UUID, owner_id: UUID, *, offset: int = 0, limit: int | None = None
    ) -> RunResults:
        """This function will give every case's result in execution order, or those of the
        cases from `offset` to `offset + limit` of that order (a page; a case not run yet has
        no result). Raises NotFoundError, ResultsExpiredError."""
        run = self.hot(run_id, owner_id)
        order = self._suites.execution_order(run.suite_id, owner_id)
        page = order[offset:] if limit is None else order[offset : offset + limit]
        cases = []
        for case_id in page:
            result = self._live.execution(run.id, case_id)
            if result is not None:
                cases.append({"case_id": case_id, **result})
        if limit is None and offset == 0:
            return RunResults(summary=run, results=cases)
        after = offset + len(page)
        return RunResults(
            summary=run,
            results=cases,
            total_cases=len(order),
            next_offset=after if after < len(order) else None,
        )

    def case_result(self, run_id: UUID, case_id: UUID, owner_id: UUID) -> dict[str, Any]:
        """This function will give one case's result. Raises NotFoundError,
        ResultsExpiredError."""
        run = self.hot(run_id, owner_id)
        result = self._live.execution(run.id, str(case_id))
        if result is None:
            raise NotFoundError("this case has no result in this run (yet)")
        return {"case_id": str(case_id), **result}

    def logs(self, run_id: UUID, owner_id: UUID, start: int) -> list[dict[str, Any]]:
        """This function will give the run's log lines from `start`. Raises NotFoundError,
        ResultsExpiredError."""
        return self._live.logs(self.hot(run_id, owner_id).id, start)

    def variables(self, run_id: UUID, owner_id: UUID) -> dict[str, str]:
        """This function will give the run's variables after its last case (secrets masked).
        Raises NotFoundError, ResultsExpiredError."""
        return self._live.variables(self.hot(run_id, owner_id).id)


class EnvironmentQueries:
    """Environments as the API reads them, secrets masked."""

    def __init__(self, app: EnvironmentCommands, environments: EnvironmentReader) -> None:
        self._app, self._environments = app, environments

    def environment(self, environment_id: UUID, owner_id: UUID) -> EnvironmentSummary:
        """This function will give one environment from its events. Raises NotFoundError."""
        return environment_summary(self._app.environment(environment_id, owner_id))

    def project_environments(self, project_id: UUID, owner_id: UUID) -> list[EnvironmentSummary]:
        """This function will list a project's environments in one query. Raises
        NotFoundError."""
        found = self._environments.project_environments(project_id, owner_id=owner_id)
        if found:
            return found
        # An empty project, somebody else's (404), or a project its read table has not
        # caught up with yet: ask the event store, then read again without the owner join.
        self._app.projects.require_owned(project_id, owner_id)
        return self._environments.project_environments(project_id, owner_id=None)
