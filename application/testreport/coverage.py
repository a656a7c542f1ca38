"""A run's end: its details captured as a file, and its coverage calculated, once."""

from typing import Any
from uuid import UUID

from application.shared.base import ConcurrentChangeError, TestamentApplication, Written
from application.testreport.capture_file import CONTENT_TYPE, JsonLinesCodec
from application.testreport.ports import CaptureCodec, Clock, ReportFiles, RunFacts
from domain.coverage.calculation import calculate, exercises_of
from domain.coverage.model import RunCoverage, run_coverage_id
from domain.reports.capture import CAPTURE_VERSION, RunCapture, run_capture_id
from domain.shared.errors import NotFoundError
from domain.shared.meta import system_meta


class CoverageCommands(TestamentApplication):
    """What happens when a run ends (a worker does it)."""

    _facts: RunFacts | None = None
    _clock: Clock | None = None
    _files: ReportFiles | None = None
    _codec: CaptureCodec | None = None

    @property
    def codec(self) -> CaptureCodec:
        return self._codec or JsonLinesCodec()

    def _need(self, value: Any, what: str) -> Any:
        if value is None:
            raise RuntimeError(f"this application was built without {what}")
        return value

    def capture_finished_run(self, run_id: UUID) -> Written | None:
        """This function will keep a finished run's details as a file and record its
        coverage, once (RunCapture and RunCoverage, saved together).

        Returns None when there is nothing to do: already recorded (a message delivered
        twice), or the run has not finished, its details expired, or there is no such run."""
        facts: RunFacts = self._need(self._facts, "run facts")
        clock: Clock = self._need(self._clock, "a clock")
        files: ReportFiles = self._need(self._files, "report files")
        if self.run_coverage(run_id) is not None:
            return None
        run = facts.finished_run(run_id)
        if run is None:
            return None
        meta = system_meta("run finished: details captured, coverage calculated")
        file_id = files.store(
            run.owner_id,
            f"run-{run.run_number}-{run.run_id}.capture.jsonl.gz",
            CONTENT_TYPE,
            self.codec.encode(run.summary, run.results),
        )
        capture = RunCapture(
            run_id=run.run_id,
            suite_id=run.suite_id,
            owner_id=run.owner_id,
            run_number=run.run_number,
            file_id=file_id,
            results=len(run.results),
            summary=run.summary,
            capture_version=CAPTURE_VERSION,
            meta=meta,
        )
        coverage = RunCoverage(
            run_id=run.run_id,
            project_id=run.project_id,
            suite_id=run.suite_id,
            owner_id=run.owner_id,
            spec_id=run.spec_id,
            spec_version=run.spec_version,
            run_number=run.run_number,
            endpoints=[e.to_json() for e in calculate(run.endpoints, exercises_of(run.results))],
            calculated_at=clock.now().isoformat(),
            meta=meta,
        )
        try:
            return self.written(coverage, capture)
        except ConcurrentChangeError:
            return None  # another worker recorded it first: the same details

    def run_coverage(self, run_id: UUID) -> RunCoverage | None:
        """This function will load a run's coverage from its events (None if not yet)."""
        found: RunCoverage | None = self._find(run_coverage_id(run_id), RunCoverage)
        return found

    def run_capture(self, run_id: UUID) -> RunCapture | None:
        """This function will load where a run's details are kept (None if not captured)."""
        found: RunCapture | None = self._find(run_capture_id(run_id), RunCapture)
        return found

    def _find(self, aggregate_id: UUID, kind: type[Any]) -> Any:
        try:
            found = self.load_version(aggregate_id)
        except NotFoundError:
            return None
        return found if isinstance(found, kind) else None
