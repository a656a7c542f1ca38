"""An in-memory ResultSink and small builders of plans, for the engine's tests."""

import json
from collections import Counter
from dataclasses import asdict
from typing import Any

from application.testexec.execution import (
    CaseResult,
    EnvironmentConfig,
    ExecutionCase,
    ExecutionPlan,
    ExecutionSettings,
    RunOutcome,
)
from infrastructure.execution.engine import HttpExecutionEngine


class MemorySink:
    """A ResultSink keeping everything in lists; it can replay earlier results and cancel."""

    def __init__(
        self,
        previous: dict[str, CaseResult] | None = None,
        cancel_after: int | None = None,
    ) -> None:
        self.previous = previous or {}
        self.cancel_after = cancel_after
        self.results: list[CaseResult] = []
        self.variables: list[dict[str, str]] = []
        self.logs: list[tuple[str, str]] = []
        self.asked: list[str] = []
        self.sent: Counter[str] = Counter()  # sends marked per row, as Redis keeps them

    def previous_result(self, key: str) -> CaseResult | None:
        self.asked.append(key)
        return self.previous.get(key)

    def mark_sent(self, keys: list[str]) -> None:
        self.sent.update(keys)

    def sent_before(self, key: str) -> int:
        return 0

    def record(self, result: CaseResult, variables: dict[str, str]) -> None:
        self.results.append(result)
        self.variables.append(dict(variables))

    def log(self, level: str, message: str) -> None:
        self.logs.append((level, message))

    def cancelled(self) -> bool:
        return self.cancel_after is not None and len(self.results) >= self.cancel_after

    def result(self, case_id: str, row: str | None = None) -> CaseResult:
        """This function will give the one result of a case (and row)."""
        found = [r for r in self.results if r.case_id == case_id and r.row == row]
        assert len(found) == 1, f"{case_id}/{row}: {len(found)} results in {self.results}"
        return found[0]

    def everything(self) -> str:
        """This function will dump all the sink received as one text, to search for secrets."""
        return json.dumps(
            {
                "results": [asdict(r) for r in self.results],
                "variables": self.variables,
                "logs": self.logs,
            },
            default=str,
        )


def case(
    case_id: str,
    url: str,
    *,
    method: str = "GET",
    status: list[int] | None = None,
    depends_on: list[str] | None = None,
    variables: list[dict[str, Any]] | None = None,
    data_sets: list[dict[str, Any]] | None = None,
    **request: Any,
) -> ExecutionCase:
    """This function will build a case; keyword arguments starting with x_ are expectations."""
    expectations: dict[str, Any] = {"expected_status": status or [200]}
    for key in [k for k in request if k.startswith("x_")]:
        expectations[key[2:]] = request.pop(key)
    return ExecutionCase(
        id=case_id,
        name=f"case {case_id}",
        endpoint_key=request.pop("endpoint_key", f"{method} {url}"),
        request={"method": method, "url": url, **request},
        expectations=expectations,
        variables=variables or [],
        data_sets=data_sets or [],
        depends_on=depends_on or [],
    )


def run(
    cases: list[ExecutionCase],
    base_url: str,
    *,
    sink: MemorySink | None = None,
    openapi: dict[str, Any] | None = None,
    **options: Any,
) -> tuple[RunOutcome, MemorySink]:
    """This function will run cases against the target with private targets allowed."""
    environment_fields = {
        k: options.pop(k) for k in ("variables", "headers", "auth", "secrets") if k in options
    }
    settings = ExecutionSettings(**{"allow_private_targets": True, **options})
    used = sink or MemorySink()
    outcome = HttpExecutionEngine().run(
        ExecutionPlan(run_id="run-1", cases=cases, openapi_document=openapi),
        EnvironmentConfig(base_url=base_url, **environment_fields),
        used,
        settings,
    )
    return outcome, used
