"""The runs a report describes: the testexec, testgen and apidoc contexts and the hot results,
seen from the testreport context."""

import json
from typing import Any
from uuid import UUID

from application.apidoc.app import ApidocApplication
from application.testexec.app import TestexecApplication
from application.testgen.app import TestgenApplication
from application.testreport.ports import CoverageInputs
from domain.coverage.calculation import Exercise
from domain.runs.model import FINISHED, TestRun
from domain.shared.errors import NotFoundError
from domain.specifications.model import ApiSpecification
from domain.testcases.model import TestCase
from infrastructure.redis.results import RedisHotResults


def _exercises(endpoint_key: str, result: dict[str, Any]) -> list[Exercise]:
    """This function will list the requests one case's hot result records (one per row)."""
    rows = list(result.get("rows", {}).values()) or [result]
    out = []
    for row in rows:
        method = str(row.get("requestMethod") or "")
        if not method or row.get("status") == "Skipped":
            continue  # nothing was sent
        headers = row.get("requestHeaders") or {}
        if isinstance(headers, str):
            headers = json.loads(headers or "{}")
        status = str(row.get("responseStatus") or "")
        out.append(
            Exercise(
                endpoint_key=endpoint_key,
                method=method,
                url=str(row.get("requestUrl") or ""),
                headers={str(k): str(v) for k, v in dict(headers).items()},
                body=str(row.get("requestBody") or ""),
                response_status=int(status) if status.isdigit() else None,
            )
        )
    return out


class ContextRunFacts:
    """Builds what coverage (and reports) need of a finished run, for the system."""

    def __init__(
        self,
        testexec: TestexecApplication,
        testgen: TestgenApplication,
        apidoc: ApidocApplication,
        hot: RedisHotResults,
    ) -> None:
        self._testexec, self._testgen, self._apidoc, self._hot = testexec, testgen, apidoc, hot

    def coverage_inputs(self, run_id: UUID) -> CoverageInputs | None:
        try:
            run = self._testexec.load_version(run_id)
        except NotFoundError:
            return None
        if not isinstance(run, TestRun) or run.status not in FINISHED:
            return None
        suite = self._testgen.suite(run.suite_id, run.owner_id)
        spec = self._specification(run.project_id, suite.api_spec_id, run.owner_id)
        exercises: list[Exercise] = []
        for case_id in suite.execution_order():
            result = self._hot.execution(run.id, case_id)
            if result is None:
                continue
            case: TestCase = self._testgen.load_version(UUID(case_id))
            exercises += _exercises(case.endpoint_key, result)
        return CoverageInputs(
            run_id=run.id,
            project_id=run.project_id,
            suite_id=run.suite_id,
            owner_id=run.owner_id,
            run_number=run.run_number,
            spec_id=None if spec is None else spec.id,
            spec_version=0 if spec is None else spec.version,
            endpoints=[] if spec is None else list((spec.parsed or {}).get("endpoints", [])),
            exercises=exercises,
        )

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
