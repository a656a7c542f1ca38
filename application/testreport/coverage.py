"""Coverage of runs: calculated once when a run ends, read per run, suite and project."""

from uuid import UUID

from application.shared.base import ConcurrentChangeError, TestamentApplication, Written
from application.testreport.ports import Clock, RunFacts
from domain.coverage.calculation import calculate
from domain.coverage.model import RunCoverage, run_coverage_id
from domain.shared.errors import NotFoundError
from domain.shared.meta import system_meta


class CoverageCommands(TestamentApplication):
    """Calculating a run's coverage (a worker does it when the run ends)."""

    _facts: RunFacts | None = None
    _clock: Clock | None = None

    def calculate_run_coverage(self, run_id: UUID) -> Written | None:
        """This function will calculate and record a finished run's coverage, once.

        Returns None when there is nothing to do: already recorded (a message delivered
        twice), or the run has not finished (or does not exist)."""
        if self._facts is None or self._clock is None:
            raise RuntimeError("this application was built without run facts or a clock")
        if self.run_coverage(run_id) is not None:
            return None
        inputs = self._facts.coverage_inputs(run_id)
        if inputs is None:
            return None
        coverage = RunCoverage(
            run_id=inputs.run_id,
            project_id=inputs.project_id,
            suite_id=inputs.suite_id,
            owner_id=inputs.owner_id,
            spec_id=inputs.spec_id,
            spec_version=inputs.spec_version,
            run_number=inputs.run_number,
            endpoints=[e.to_json() for e in calculate(inputs.endpoints, inputs.exercises)],
            calculated_at=self._clock.now().isoformat(),
            meta=system_meta("run finished: coverage calculated"),
        )
        try:
            return self.written(coverage)
        except ConcurrentChangeError:
            return None  # another worker recorded it first: the same figures

    def run_coverage(self, run_id: UUID) -> RunCoverage | None:
        """This function will load a run's coverage from its events (None if not yet)."""
        try:
            found = self.load_version(run_coverage_id(run_id))
        except NotFoundError:
            return None
        return found if isinstance(found, RunCoverage) else None
