"""The runs a report describes: the testexec, testgen and apidoc contexts and the hot results,
seen from the testreport context."""

import json
from typing import Any
from uuid import UUID

from application.apidoc.app import ApidocApplication
from application.testexec.app import TestexecApplication
from application.testgen.app import TestgenApplication
from application.testreport.ports import FinishedRun, RunState
from domain.environments.model import ExecutionEnvironment
from domain.runs.model import FINISHED, TestRun
from domain.shared.errors import NotFoundError
from domain.specifications.model import ApiSpecification
from domain.suites.model import TestSuite
from domain.testcases.model import TestCase
from infrastructure.redis.results import RedisHotResults


def _decoded(value: Any, empty: Any) -> Any:
    """The hot store keeps nested values as JSON text in a row; the case's own are decoded."""
    if isinstance(value, str):
        try:
            return json.loads(value) if value else empty
        except ValueError:
            return empty
    return empty if value is None else value


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() else None


def case_results(case: TestCase, case_id: str, result: dict[str, Any]) -> list[dict[str, Any]]:
    """This function will give a case's hot result as report results, one per data-set row."""
    rows = result.get("rows") or {}
    recorded = list(rows.items()) or [(None, result)]
    out = []
    for row, fields in recorded:
        out.append(
            {
                "case_id": case_id,
                "case_name": case.name,
                "case_version": case.version,
                "endpoint_key": case.endpoint_key,
                "test_type": case.test_type,
                "tags": list(case.tags),
                "row": row,
                "status": str(fields.get("status", "")),
                "started_at": str(fields.get("startedAt") or ""),
                "completed_at": str(fields.get("completedAt") or ""),
                "duration_ms": _int(fields.get("durationMs")) or 0,
                "request": {
                    "method": str(fields.get("requestMethod") or ""),
                    "url": str(fields.get("requestUrl") or ""),
                    "headers": _decoded(fields.get("requestHeaders"), {}),
                    "body": str(fields.get("requestBody") or ""),
                },
                "response": {
                    "status": _int(fields.get("responseStatus")),
                    "headers": _decoded(fields.get("responseHeaders"), {}),
                    "body": str(fields.get("responseBody") or ""),
                    "truncated": str(fields.get("responseTruncated", "0")) == "1",
                    "time_ms": _int(fields.get("responseTimeMs")),
                },
                "validations": _decoded(fields.get("validations"), []),
                "failure_reason": str(fields.get("failureReason") or ""),
                "llm_explanation": str(fields.get("llmExplanation") or ""),
            }
        )
    return out


class ContextRunFacts:
    """Builds what coverage and reports need of a finished run, for the system."""

    def __init__(
        self,
        testexec: TestexecApplication,
        testgen: TestgenApplication,
        apidoc: ApidocApplication,
        hot: RedisHotResults,
    ) -> None:
        self._testexec, self._testgen, self._apidoc, self._hot = testexec, testgen, apidoc, hot

    def _run(self, run_id: UUID) -> TestRun | None:
        try:
            run = self._testexec.load_version(run_id)
        except NotFoundError:
            return None
        return run if isinstance(run, TestRun) else None

    def _details_available(self, run: TestRun) -> bool:
        return run.redis_key is not None and self._hot.summary(run.id) is not None

    def run_state(self, run_id: UUID, user_id: UUID) -> RunState:
        run = self._testexec.run(run_id, user_id)
        return RunState(
            suite_id=run.suite_id,
            finished=run.status in FINISHED,
            details_available=self._details_available(run),
        )

    def finished_run(self, run_id: UUID) -> FinishedRun | None:
        run = self._run(run_id)
        if run is None or run.status not in FINISHED or not self._details_available(run):
            return None
        suite: TestSuite = self._testgen.load_version(run.suite_id)
        spec = self._specification(run.project_id, suite.api_spec_id, run.owner_id)
        results: list[dict[str, Any]] = []
        for case_id in suite.execution_order():
            result = self._hot.execution(run.id, case_id)
            if result is not None:
                case: TestCase = self._testgen.load_version(UUID(case_id))
                results += case_results(case, case_id, result)
        return FinishedRun(
            run_id=run.id,
            project_id=run.project_id,
            suite_id=run.suite_id,
            owner_id=run.owner_id,
            run_number=run.run_number,
            spec_id=None if spec is None else spec.id,
            spec_version=0 if spec is None else spec.version,
            endpoints=[] if spec is None else list((spec.parsed or {}).get("endpoints", [])),
            summary=self._summary(run, suite),
            results=results,
        )

    def _summary(self, run: TestRun, suite: TestSuite) -> dict[str, Any]:
        project = self._apidoc.load_version(run.project_id)
        try:
            env = self._testexec.load_version(run.environment_id)
        except NotFoundError:
            env = None
        return {
            "run_id": str(run.id),
            "run_number": run.run_number,
            "project_id": str(run.project_id),
            "project_name": str(getattr(project, "name", "")),
            "suite_id": str(run.suite_id),
            "suite_name": suite.name,
            "environment_id": str(run.environment_id),
            "environment_name": env.name if isinstance(env, ExecutionEnvironment) else "",
            "status": str(run.status),
            "started_at": run.started_at,
            "completed_at": run.completed_at,
            "duration_ms": run.duration_ms,
            "total_tests": run.total_tests,
            "passed": run.passed,
            "failed": run.failed,
            "skipped": run.skipped,
            "failure_reason": run.failure_reason,
            "triggered_by": str(run.triggered_by) if run.triggered_by else None,
        }

    def _specification(
        self, project_id: UUID, spec_id: UUID | None, owner_id: UUID
    ) -> ApiSpecification | None:
        """The suite's specification, else the project's active one (a suite written by hand)."""
        chosen = spec_id or self._apidoc.owned_project(project_id, owner_id).active_spec_id
        if chosen is None:
            return None
        spec = self._apidoc.load_version(chosen)
        return spec if isinstance(spec, ApiSpecification) and spec.parsed else None


class ContextVisibility:
    """Who may see a run, a suite or a project, from their events."""

    def __init__(
        self, testexec: TestexecApplication, testgen: TestgenApplication, apidoc: ApidocApplication
    ) -> None:
        self._testexec, self._testgen, self._apidoc = testexec, testgen, apidoc

    def require_run(self, run_id: UUID, user_id: UUID) -> None:
        self._testexec.run(run_id, user_id)

    def require_suite(self, suite_id: UUID, user_id: UUID) -> None:
        self._testgen.suite(suite_id, user_id)

    def require_project(self, project_id: UUID, user_id: UUID) -> None:
        self._apidoc.owned_project(project_id, user_id)
