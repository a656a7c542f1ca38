"""The contract between a test run and the engine that sends its requests.

The application builds an ExecutionPlan (cases in execution order, with their requests,
expectations, extractions, data sets and dependencies) and an EnvironmentConfig; the engine
(infrastructure/execution) sends the requests and reports each CaseResult to a ResultSink.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class CaseStatus(StrEnum):
    """The outcome of one case (one data-set row of it)."""

    PASSED = "Passed"
    FAILED = "Failed"
    SKIPPED = "Skipped"
    ERROR = "Error"


@dataclass(frozen=True, kw_only=True)
class ExecutionCase:
    """One case to run: its content is the JSON of domain.testing.values."""

    id: str
    name: str
    endpoint_key: str
    request: dict[str, Any]
    expectations: dict[str, Any]
    variables: list[dict[str, Any]] = field(default_factory=list)
    data_sets: list[dict[str, Any]] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)


class MalformedDataSetsError(ValueError):
    """Data sets a case cannot run: a name that is not text, rows that are not objects."""


def data_rows(data_sets: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """This function will list the rows a case runs, one per row of each enabled data set,
    named ``<set>#<index>``. A set named like an earlier one (which the domain now refuses,
    but older cases may have) is told apart by its position, ``<set>@<position>#<index>``,
    so that no two results share a name. Raises MalformedDataSetsError."""
    rows: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    for position, data_set in enumerate(data_sets):
        if data_set.get("enabled", True) is False:
            continue
        name, found = data_set.get("name"), data_set.get("rows") or []
        if not isinstance(name, str) or not isinstance(found, list):
            raise MalformedDataSetsError("a data set needs a name and a list of rows")
        if not all(isinstance(row, dict) for row in found):
            raise MalformedDataSetsError(f"every row of the data set {name!r} must be an object")
        label = f"{name}@{position}" if name in seen else name
        seen.add(name)
        rows.extend((f"{label}#{index}", row) for index, row in enumerate(found))
    return rows


def result_rows(case: ExecutionCase) -> list[str | None]:
    """This function will name the results a case gives: one per row (data_rows), else one
    (None). Malformed data sets give one result, in error, since the case cannot run."""
    try:
        rows = data_rows(case.data_sets)
    except MalformedDataSetsError:
        return [None]
    return [name for name, _ in rows] or [None]


def result_count(case: ExecutionCase) -> int:
    """This function will tell how many results a case gives (see result_rows)."""
    return len(result_rows(case))


@dataclass(frozen=True, kw_only=True)
class ExecutionPlan:
    """Everything a run executes, in order (CustomOrderIndex ?? OrderIndex), enabled cases only."""

    run_id: str
    cases: list[ExecutionCase]
    openapi_document: dict[str, Any] | None = None  # the raw OpenAPI 3.x document, for conformance


@dataclass(frozen=True, kw_only=True)
class EnvironmentConfig:
    """Where and how requests go. `auth` is decrypted here; `secrets` lists values to mask."""

    base_url: str
    variables: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    auth: dict[str, Any] = field(default_factory=lambda: {"type": "none"})
    secrets: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class ExecutionSettings:
    concurrency: int = 8
    retries: int = 0  # network errors only
    max_response_bytes: int = 1_048_576  # kept per response; larger bodies are cut and flagged
    allow_private_targets: bool = False


# Validation and CaseResult are made for every case a run sends, thousands a second: plain
# slotted classes, not frozen ones (whose __init__ costs four times as much). Nothing
# changes them after they are built; masking makes a new one with dataclasses.replace.
@dataclass(kw_only=True, slots=True)
class Validation:
    check: str
    passed: bool
    expected: Any = None
    actual: Any = None
    message: str = ""


@dataclass(kw_only=True, slots=True)
class CaseResult:
    """What happened to one case (one row of a data set: `row` names it, None without data sets)."""

    case_id: str
    row: str | None
    status: CaseStatus
    started_at: str
    completed_at: str
    duration_ms: int
    request: dict[str, Any] = field(
        default_factory=dict
    )  # method, url, headers (masked), body (bounded)
    response: dict[str, Any] = field(
        default_factory=dict
    )  # status, headers, body (bounded), size, truncated
    response_time_ms: int | None = None
    validations: list[Validation] = field(default_factory=list)
    failure_reason: str = ""
    extracted: dict[str, Any] = field(default_factory=dict)  # JSON values, as extracted
    # Every time the request went out, across the lives of the run's worker: a worker killed
    # after sending and before recording leaves sends that the resumed run counts here too.
    attempts: int = 1
    interrupted_attempts: int = 0  # of those, the sends of earlier workers that never recorded

    @property
    def key(self) -> str:
        return self.case_id if self.row is None else f"{self.case_id}:{self.row}"


@dataclass(frozen=True, kw_only=True)
class RunOutcome:
    passed: int
    failed: int
    skipped: int
    duration_ms: int
    cancelled: bool


class ResultSink(Protocol):
    """Where the engine reports; also how a resumed run learns what already ran."""

    def previous_result(self, key: str) -> CaseResult | None:
        """A result recorded by an earlier attempt of this run (then the case is not sent again)."""
        ...

    def record(self, result: CaseResult, variables: dict[str, str]) -> None:
        """Store a finished case and the run's variables after it (both masked by the sink)."""
        ...

    def mark_sent(self, keys: list[str]) -> None:
        """Count one more send of each of these rows, written out before they are sent: a
        worker killed after sending leaves the trace a resumed run reads (sent_before)."""
        ...

    def sent_before(self, key: str) -> int:
        """How often earlier attempts of this run sent a row they never recorded (0 for a
        first attempt); known once previous_result was asked about the row."""
        ...

    def log(self, level: str, message: str) -> None: ...

    def cancelled(self) -> bool:
        """Whether the run was cancelled: checked at each case boundary."""
        ...


class ExecutionEngine(Protocol):
    def run(
        self,
        plan: ExecutionPlan,
        environment: EnvironmentConfig,
        sink: ResultSink,
        settings: ExecutionSettings,
    ) -> RunOutcome: ...
