"""The testreport application on the in-memory store: a run's end captured, its coverage
calculated once, and coverage read per run, suite and project."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from application.testreport.app import TestreportApplication
from application.testreport.capture_file import JsonLinesCodec
from application.testreport.queries import (
    CoverageNotReadyError,
    CoverageQueries,
    StoredCoverage,
)
from domain.coverage.calculation import EndpointCoverage
from domain.coverage.model import RunCoverage
from domain.shared.errors import NotFoundError
from infrastructure.reports.capture_codec import OrjsonCaptureCodec
from projections.testreport.projection import TestreportProjection
from tests.unit.application.testreport_fakes import (
    GET_PETS,
    Facts,
    FixedClock,
    MemoryFiles,
    MemoryView,
)


@pytest.fixture
def facts() -> Facts:
    return Facts()


@pytest.fixture
def files() -> MemoryFiles:
    return MemoryFiles()


@pytest.fixture
def app(facts: Facts, files: MemoryFiles) -> TestreportApplication:
    return TestreportApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"}, facts=facts, clock=FixedClock(), files=files
    )


class TestCaptureFinishedRun:
    def test_keeps_the_details_and_records_the_coverage_once(
        self, app: TestreportApplication, facts: Facts, files: MemoryFiles
    ) -> None:
        run = facts.a_finished_run(GET_PETS)
        assert app.capture_finished_run(run.run_id) is not None
        assert app.capture_finished_run(run.run_id) is None  # delivered twice: no change
        coverage = app.run_coverage(run.run_id)
        assert coverage is not None and coverage.version == 1
        assert [e["tested"] for e in coverage.endpoints] == [True, False]
        assert coverage.calculated_at == "2026-12-03T12:00:00+00:00"
        capture = app.run_capture(run.run_id)
        assert capture is not None and capture.results == 1
        name, _, content = files.files[capture.file_id]
        assert name.endswith(".capture.jsonl.gz") and len(files.files) == 1
        for codec in (JsonLinesCodec(), OrjsonCaptureCodec()):  # one format, two codecs
            assert list(codec.results_of(content)) == [GET_PETS]
            assert codec.run_of(content)["run_number"] == 1
        again = OrjsonCaptureCodec().encode({"n": 1}, [GET_PETS])
        assert list(JsonLinesCodec().results_of(again)) == [GET_PETS]

    def test_leaves_a_run_that_has_not_finished(self, app: TestreportApplication) -> None:
        assert app.capture_finished_run(uuid4()) is None

    def test_refuses_to_work_without_its_ports(self) -> None:
        bare = TestreportApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"})
        with pytest.raises(RuntimeError):
            bare.capture_finished_run(uuid4())
        with pytest.raises(TypeError):
            TestreportApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"}, mail=1)


class TestProjection:
    def test_writes_the_erd_figures(self, app: TestreportApplication, facts: Facts) -> None:
        run = facts.a_finished_run(GET_PETS)
        app.capture_finished_run(run.run_id)
        view = MemoryView()
        projection = TestreportProjection(view)
        for notification in app.recorder.select_notifications(start=1, limit=100):
            projection.process_event(app.mapper.to_domain_event(notification))
        (row,) = view.rows["coverage_metrics"]
        assert (row["total_endpoints"], row["tested_endpoints"]) == (2, 1)
        assert str(row["coverage_percent"]) == "50.00"
        assert row["uncovered_paths"] == '["GET /stores"]'
        assert row["by_tag"] == '{"pets": 100.0, "stores": 0.0}'
        (captured,) = view.rows["run_captures"]
        assert (captured["test_run_id"], captured["results"]) == (run.run_id, 1)


class Reader:
    def __init__(self, stored: list[StoredCoverage]) -> None:
        self.stored = stored

    def run_coverage(self, run_id: UUID, *, owner_id: UUID) -> StoredCoverage | None:
        return next((s for s in self.stored if s.run_id == run_id), None)

    def suite_coverages(
        self, suite_id: UUID, *, owner_id: UUID, limit: int
    ) -> list[StoredCoverage]:
        return [s for s in self.stored if s.suite_id == suite_id][:limit]

    def project_coverages(self, project_id: UUID, *, owner_id: UUID) -> list[StoredCoverage]:
        return [s for s in self.stored if s.project_id == project_id]


class Visible:
    def __init__(self, *ids: UUID) -> None:
        self.ids = set(ids)

    def _require(self, some_id: UUID) -> None:
        if some_id not in self.ids:
            raise NotFoundError("not found")

    def require_run(self, run_id: UUID, user_id: UUID) -> None:
        self._require(run_id)

    def require_suite(self, suite_id: UUID, user_id: UUID) -> None:
        self._require(suite_id)

    def require_project(self, project_id: UUID, user_id: UUID) -> None:
        self._require(project_id)


def stored(
    suite_id: UUID, project_id: UUID, number: int, spec_version: int, tested: list[bool]
) -> StoredCoverage:
    return StoredCoverage(
        id=uuid4(),
        run_id=uuid4(),
        run_number=number,
        suite_id=suite_id,
        project_id=project_id,
        spec_id=None,
        spec_version=spec_version,
        calculated_at=datetime(2026, 12, number, tzinfo=UTC),
        endpoints=[
            EndpointCoverage(
                key=f"GET /{i}",
                method="GET",
                path=f"/{i}",
                tags=[],
                tested=t,
                statuses_documented=[],
                statuses_observed=[],
                statuses_undocumented=[],
                parameters_documented=[],
                parameters_exercised=[],
                body_fields_documented=[],
                body_fields_sent=[],
            )
            for i, t in enumerate(tested)
        ],
    )


class TestCoverageQueries:
    def test_unites_a_suites_runs_on_the_latest_specification_version_only(self) -> None:
        suite, project = uuid4(), uuid4()
        rows = [
            stored(suite, project, 3, 2, [True, False, False]),
            stored(suite, project, 2, 2, [False, True, False]),
            stored(suite, project, 1, 1, [False, False, True]),
        ]
        queries = CoverageQueries(Reader(rows), Visible(suite, project))
        report = queries.suite(suite, uuid4(), last=10)
        assert report.runs == [rows[0].run_id, rows[1].run_id]
        assert report.figures.uncovered_paths == ["GET /2"]
        assert [r.spec_version for r in queries.project(project, uuid4())] == [2, 1]

    def test_says_why_there_is_no_coverage_yet_and_hides_what_is_not_yours(self) -> None:
        mine, theirs = uuid4(), uuid4()
        queries = CoverageQueries(Reader([]), Visible(mine))
        with pytest.raises(CoverageNotReadyError):
            queries.run(mine, uuid4())
        with pytest.raises(CoverageNotReadyError):
            queries.suite(mine, uuid4(), last=5)
        with pytest.raises(NotFoundError):
            queries.run(theirs, uuid4())
        assert queries.project(mine, uuid4()) == []
        with pytest.raises(NotFoundError):
            queries.project(theirs, uuid4())


def test_the_coverage_id_is_one_per_run() -> None:
    run_id = uuid4()
    assert RunCoverage.create_id(run_id=run_id) == RunCoverage.create_id(run_id=run_id)
