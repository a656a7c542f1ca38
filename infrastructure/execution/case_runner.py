"""The rows of one case: resumed from the sink, skipped for a dependency, or run."""

from typing import Any, Protocol

from application.testexec.execution import CaseResult, CaseStatus, ExecutionCase, result_rows
from infrastructure.execution.compiler import CaseCompiler, CompiledCase, InvalidCaseError
from infrastructure.execution.records import masked, now
from infrastructure.execution.reporting import SinkError
from infrastructure.execution.row_runner import RowOutcome, RunContext, run_row
from infrastructure.execution.schemas import SchemaCache
from infrastructure.execution.templating import as_text

_SEVERITY = {CaseStatus.PASSED: 0, CaseStatus.SKIPPED: 1, CaseStatus.FAILED: 2, CaseStatus.ERROR: 3}


class RunProgress(Protocol):
    """The run a case reports to: cancellation, earlier results, recording, counting."""

    def before_row(self, key: str) -> tuple[bool, CaseResult | None]:
        """This function will tell whether the run was cancelled, and what ran before."""
        ...

    def record(self, result: CaseResult, variables: dict[str, Any]) -> None:
        """This function will store a finished row's result."""
        ...

    def count(self, status: CaseStatus) -> None:
        """This function will add a row's status to the outcome."""
        ...


def _key(case_id: str, row: str | None) -> str:
    """This function will name a row as CaseResult.key does."""
    return case_id if row is None else f"{case_id}:{row}"


class CaseRunner:
    """Runs cases against the run's shared variables, compiling each once for all its rows."""

    def __init__(self, ctx: RunContext, schemas: SchemaCache) -> None:
        self._ctx = ctx
        self._compiler = CaseCompiler(schemas, openapi=ctx.conformance is not None)
        self.variables: dict[str, Any] = {}

    def _compile(self, case: ExecutionCase) -> tuple[CompiledCase | None, str]:
        """This function will compile a case, or say why it cannot run."""
        try:
            compiled = self._compiler.compile(case)
        except InvalidCaseError as error:
            return None, str(error)
        except Exception as error:  # a malformed plan must not stop the run
            return None, f"the case cannot run: {type(error).__name__}: {error}"
        return compiled, ""

    async def run_case(
        self, case: ExecutionCase, blocker: str, run: RunProgress
    ) -> CaseStatus | None:
        """This function will run (or resume, or skip) every row; None when cancelled midway."""
        compiled, problem = self._compile(case)
        # A case that cannot run still answers for each row it would have run, so that the
        # run's results add up to its total_tests.
        rows = compiled.rows if compiled is not None else [(key, {}) for key in result_rows(case)]
        worst = CaseStatus.PASSED
        for row_key, row in rows:
            cancelled, previous = run.before_row(_key(case.id, row_key))
            if cancelled:
                return None
            if previous is not None:
                # Already recorded by an earlier attempt of this run: taken as it is.
                status = CaseStatus(previous.status)
                self.variables.update(previous.extracted)
                run.count(status)
            else:
                if blocker or compiled is None:
                    outcome = self._not_run(case, row_key, blocker, problem)
                else:
                    outcome = await self._run_row(compiled, row_key, row)
                self.variables.update(outcome.extracted)
                status = outcome.result.status
                run.record(masked(outcome.result, self._ctx.masker), self._masked_variables())
            if _SEVERITY[status] > _SEVERITY[worst]:
                worst = status
        return worst

    async def _run_row(
        self, compiled: CompiledCase, row_key: str | None, row: dict[str, Any]
    ) -> RowOutcome:
        """This function will run a row, turning a defect of the engine into an Error result."""
        try:
            return await run_row(self._ctx, compiled, row_key, row, self.variables)
        except SinkError:
            raise  # not the case's fault: the run stops, as when recording fails
        except Exception as error:  # a defect here must cost one case, not the run
            message = f"internal error: {type(error).__name__}: {error}"
            self._ctx.log("error", self._ctx.masker.mask(f"{compiled.name}: {message}"))
            return self._not_run_result(compiled.id, row_key, CaseStatus.ERROR, message)

    def _not_run(
        self, case: ExecutionCase, row_key: str | None, blocker: str, problem: str
    ) -> RowOutcome:
        """This function will describe a row that is not sent: skipped, or a case in error."""
        if blocker:
            return self._not_run_result(case.id, row_key, CaseStatus.SKIPPED, blocker)
        return self._not_run_result(case.id, row_key, CaseStatus.ERROR, problem)

    @staticmethod
    def _not_run_result(
        case_id: str, row_key: str | None, status: CaseStatus, reason: str
    ) -> RowOutcome:
        """This function will build the result of a row that was not sent."""
        moment = now()
        return RowOutcome(
            CaseResult(
                case_id=case_id,
                row=row_key,
                status=status,
                started_at=moment,
                completed_at=moment,
                duration_ms=0,
                failure_reason=reason,
                attempts=0,
            )
        )

    def _masked_variables(self) -> dict[str, str]:
        """This function will give the run's variables as masked text, for the sink."""
        if not self.variables:
            return {}
        mask = self._ctx.masker.mask
        return {name: mask(as_text(value)) for name, value in self.variables.items()}
