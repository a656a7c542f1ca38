"""Reports on the in-memory store: requested, made in every type and format from a run's
capture, read back (CSV parsed, JSON validated against its schema), refused when they cannot
be made, and suite trends with flaky cases."""

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from jsonschema import Draft202012Validator

from application.testreport.app import TestreportApplication
from application.testreport.commands import RequestReport
from application.testreport.errors import (
    ExportFormatNotAllowedError,
    ReportDetailsExpiredError,
    ReportExpiredError,
    RunNotFinishedError,
)
from application.testreport.listing import CapturedRun, ReportQueries
from domain.reports.model import ReportFormat, ReportNotReadyError, ReportType
from domain.shared.errors import NotFoundError
from domain.shared.meta import Meta
from infrastructure.reports.renderer import DocumentRenderer
from infrastructure.reports.tabular import DETAILED_COLUMNS, RESULT_COLUMNS
from tests.unit.application.testreport_fakes import (
    Facts,
    FixedClock,
    MemoryFiles,
    a_result,
)

SCHEMA = json.loads((Path(__file__).parents[3] / "docs" / "schemas" / "report-v1.json").read_text())
FAILING = a_result(
    "create a pet",
    "Failed",
    endpoint_key="POST /pets",
    tags=["pets", "write"],
    duration_ms=120,
    failure_reason="status: expected [201], got 500",
    validations=[
        {"check": "status", "passed": False, "expected": [201], "actual": 500, "message": ""}
    ],
    llm_explanation="The server failed: look at its log.",
    request={"method": "POST", "url": "/pets", "headers": {"A": "b"}, "body": '{"name": "Rex"}'},
    response={"status": 500, "headers": {}, "body": "boom", "truncated": False, "time_ms": 100},
)
ROWS = [a_result(f"row case {i}", row=f"users#{i}") for i in range(3)]


class Policy:
    def __init__(self, *formats: str) -> None:
        self.formats = list(formats) or [f.value for f in ReportFormat]

    def allowed_formats(self, owner_id: UUID) -> list[str]:
        return self.formats


class Retention:
    def days_for(self, user_id: UUID) -> int | None:
        return 7


@pytest.fixture
def facts() -> Facts:
    return Facts()


@pytest.fixture
def files() -> MemoryFiles:
    return MemoryFiles()


@pytest.fixture
def clock() -> FixedClock:  # type: ignore[override]
    return FixedClock()


def an_app(facts: Facts, files: MemoryFiles, clock: FixedClock, policy: Policy) -> Any:
    return TestreportApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"},
        facts=facts,
        clock=clock,
        files=files,
        renderer=DocumentRenderer(),
        policy=policy,
        retention=Retention(),
    )


@pytest.fixture
def app(facts: Facts, files: MemoryFiles, clock: FixedClock) -> TestreportApplication:
    built: TestreportApplication = an_app(facts, files, clock, Policy())
    return built


def meta(user_id: UUID) -> Meta:
    return Meta(user_id=str(user_id), ip=None, user_agent=None, correlation_id=None, reason=None)


def ask(app: TestreportApplication, run_id: UUID, owner: UUID, kind: str, fmt: str) -> UUID:
    written = app.request_report(
        RequestReport(
            run_id=run_id, requester_id=owner, report_type=kind, format=fmt, meta=meta(owner)
        )
    )
    return written.aggregate_id


def made(app: TestreportApplication, facts: Facts, kind: str, fmt: str) -> tuple[Any, bytes]:
    run = facts.a_finished_run(a_result("list pets"), FAILING, *ROWS)
    app.capture_finished_run(run.run_id)
    report_id = ask(app, run.run_id, run.owner_id, kind, fmt)
    assert app.generate_report(report_id) == "Generated"
    return app.report_content(report_id, run.owner_id)


class TestJsonReports:
    @pytest.mark.parametrize("kind", [t.value for t in ReportType])
    def test_validate_against_the_published_schema(
        self, app: TestreportApplication, facts: Facts, kind: str
    ) -> None:
        report, content = made(app, facts, kind, "JSON")
        document = json.loads(content)
        Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
            document
        )
        assert document["run"]["verdict"] == "Failed" and document["run"]["pass_rate"] == 80.0
        assert report.file_name == f"run-1-{kind.lower()}.json"
        assert document["coverage"]["uncovered_paths"] == ["GET /stores"]
        if kind == "Coverage":
            assert "results" not in document and "endpoints" in document["coverage"]
            return
        (failure,) = document["failures"]
        assert failure["failed_checks"][0]["expected"] == [201]
        assert failure["llm_explanation"].startswith("The server failed")
        assert ("request" in failure) == (kind == "Detailed")
        assert len(document["results"]) == 5
        assert document["slowest"][0]["case_name"] == "create a pet"
        assert document["by_tag"]["write"]["Failed"] == 1

    def test_a_document_missing_a_field_fails_the_schema(
        self, app: TestreportApplication, facts: Facts
    ) -> None:
        _, content = made(app, facts, "Detailed", "JSON")
        document = json.loads(content)
        del document["results"][0]["request"]
        assert list(Draft202012Validator(SCHEMA).iter_errors(document))


class TestCsvReports:
    def test_have_one_row_per_case_result_with_the_documented_columns(
        self, app: TestreportApplication, facts: Facts
    ) -> None:
        _, content = made(app, facts, "Detailed", "CSV")
        assert content.startswith("\ufeff".encode())
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
        assert list(rows[0]) == list(RESULT_COLUMNS + DETAILED_COLUMNS)
        assert [r["row"] for r in rows] == ["", "", "users#0", "users#1", "users#2"]
        failed = rows[1]
        assert (failed["status"], failed["response_status"], failed["request_body"]) == (
            "Failed",
            "500",
            '{"name": "Rex"}',
        )
        assert failed["failed_checks"] == "status: expected [201], got 500"
        assert failed["tags"] == "pets write"

    def test_of_a_summary_leave_the_exchange_out_and_of_coverage_list_endpoints(
        self, app: TestreportApplication, facts: Facts
    ) -> None:
        _, summary = made(app, facts, "Summary", "CSV")
        header = next(csv.reader(io.StringIO(summary.decode("utf-8-sig"))))
        assert header == list(RESULT_COLUMNS)
        _, coverage = made(app, facts, "Coverage", "CSV")
        rows = list(csv.DictReader(io.StringIO(coverage.decode("utf-8-sig"))))
        assert [(r["endpoint"], r["tested"]) for r in rows] == [
            ("GET /pets", "yes"),
            ("GET /stores", "no"),
        ]


class TestHtmlAndPdfReports:
    def test_html_is_one_file_that_fetches_nothing(
        self, app: TestreportApplication, facts: Facts
    ) -> None:
        _, content = made(app, facts, "Detailed", "HTML")
        page = content.decode()
        assert "default-src &#x27;none&#x27;" in page or "default-src 'none'" in page
        assert "<script" not in page and "http://" not in page.replace(
            'xmlns="http://www.w3.org/2000/svg"', ""
        )
        assert "<svg" in page and "The server failed: look at its log." in page
        assert "status: expected [201], got 500" in page

    def test_pdf_is_a_pdf(self, app: TestreportApplication, facts: Facts) -> None:
        report, content = made(app, facts, "Summary", "PDF")
        assert content.startswith(b"%PDF-") and report.size == len(content)


class TestRefusals:
    def test_another_users_run_is_not_found(self, app: TestreportApplication, facts: Facts) -> None:
        run = facts.a_finished_run(a_result("x"))
        with pytest.raises(NotFoundError):
            ask(app, run.run_id, uuid4(), "Summary", "CSV")

    def test_a_run_that_has_not_ended(self, app: TestreportApplication, facts: Facts) -> None:
        run = facts.a_finished_run(a_result("x"))
        facts.running.add(run.run_id)
        with pytest.raises(RunNotFinishedError):
            ask(app, run.run_id, run.owner_id, "Summary", "CSV")

    def test_a_format_the_plan_does_not_include(
        self, facts: Facts, files: MemoryFiles, clock: FixedClock
    ) -> None:
        app = an_app(facts, files, clock, Policy("CSV"))
        run = facts.a_finished_run(a_result("x"))
        with pytest.raises(ExportFormatNotAllowedError) as refused:
            ask(app, run.run_id, run.owner_id, "Detailed", "PDF")
        assert refused.value.allowed == ["CSV"]

    def test_a_detailed_report_once_the_details_expired_uncaptured(
        self, app: TestreportApplication, facts: Facts
    ) -> None:
        run = facts.a_finished_run(a_result("x"))
        facts.expired.add(run.run_id)
        with pytest.raises(ReportDetailsExpiredError):
            ask(app, run.run_id, run.owner_id, "Detailed", "HTML")

    def test_but_a_captured_run_outlives_its_hot_results(
        self, app: TestreportApplication, facts: Facts
    ) -> None:
        run = facts.a_finished_run(a_result("x"))
        app.capture_finished_run(run.run_id)
        facts.expired.add(run.run_id)
        report_id = ask(app, run.run_id, run.owner_id, "Detailed", "JSON")
        assert app.generate_report(report_id) == "Generated"
        assert app.generate_report(report_id) == "Generated"  # delivered twice: left alone

    def test_a_report_asked_before_the_capture_captures_first(
        self, app: TestreportApplication, facts: Facts
    ) -> None:
        run = facts.a_finished_run(a_result("x"))
        report_id = ask(app, run.run_id, run.owner_id, "Summary", "JSON")
        assert app.generate_report(report_id) == "Generated"
        assert app.run_capture(run.run_id) is not None

    def test_a_report_whose_details_expired_before_the_worker_came_fails_saying_why(
        self, app: TestreportApplication, facts: Facts
    ) -> None:
        run = facts.a_finished_run(a_result("x"))
        report_id = ask(app, run.run_id, run.owner_id, "Summary", "JSON")
        facts.expired.add(run.run_id)
        assert app.generate_report(report_id) == "Failed"
        with pytest.raises(ReportNotReadyError, match="expired before they were captured"):
            app.report_content(report_id, run.owner_id)

    def test_a_report_not_made_yet_then_expired(
        self, app: TestreportApplication, facts: Facts, clock: FixedClock
    ) -> None:
        run = facts.a_finished_run(a_result("x"))
        report_id = ask(app, run.run_id, run.owner_id, "Summary", "CSV")
        with pytest.raises(ReportNotReadyError):
            app.report_content(report_id, run.owner_id)
        app.generate_report(report_id)
        report, _ = app.report_content(report_id, run.owner_id)
        assert report.expires_at == "2026-12-10T12:00:00+00:00"
        clock.at += timedelta(days=7)
        with pytest.raises(ReportExpiredError):
            app.report_content(report_id, run.owner_id)
        with pytest.raises(NotFoundError):
            app.report(report_id, uuid4())


class CaptureReader:
    def __init__(self, app: TestreportApplication, runs: list[Any]) -> None:
        self.app, self.runs = app, runs

    def run_reports(self, run_id: UUID, *, owner_id: UUID) -> list[Any]:
        return []

    def suite_captures(self, suite_id: UUID, *, owner_id: UUID, limit: int) -> list[CapturedRun]:
        out = []
        mine = [r for r in self.runs if r.suite_id == suite_id]
        for run in sorted(mine, key=lambda r: -r.run_number)[:limit]:
            capture = self.app.run_capture(run.run_id)
            assert capture is not None
            out.append(
                CapturedRun(
                    run_id=run.run_id,
                    run_number=run.run_number,
                    file_id=capture.file_id,
                    summary=capture.summary,
                )
            )
        return out


class Anyone:
    def require_run(self, run_id: UUID, user_id: UUID) -> None: ...

    def require_suite(self, suite_id: UUID, user_id: UUID) -> None: ...

    def require_project(self, project_id: UUID, user_id: UUID) -> None: ...


class TestTrends:
    def test_name_a_case_whose_verdict_changed_while_the_case_did_not(
        self, app: TestreportApplication, facts: Facts, files: MemoryFiles
    ) -> None:
        suite, steady, flaky, edited = uuid4(), str(uuid4()), str(uuid4()), str(uuid4())
        runs = []
        for number, (flaky_status, edited_status, version) in enumerate(
            [("Passed", "Passed", 1), ("Failed", "Failed", 2), ("Passed", "Passed", 2)], start=1
        ):
            run = facts.a_finished_run(
                a_result("steady", case_id=steady),
                a_result("flaky", flaky_status, case_id=flaky),
                a_result("edited", edited_status, case_id=edited, case_version=version),
                a_result("skipped", "Skipped"),
                suite_id=suite,
                number=number,
            )
            app.capture_finished_run(run.run_id)
            runs.append(run)
        queries = ReportQueries(CaptureReader(app, runs), files, Anyone())
        trends = queries.trends(suite, uuid4(), last=10)
        assert [r["run_number"] for r in trends["runs"]] == [3, 2, 1]
        assert [r["pass_rate"] for r in trends["runs"]] == [100.0, 33.33, 100.0]
        (case,) = [c for c in trends["flaky_cases"] if c["case_id"] == flaky]
        assert [v["status"] for v in case["verdicts"]] == ["Passed", "Failed", "Passed"]
        # 'edited' failed once, but at version 2 it passed and failed: flaky only at version 2.
        assert {(c["case_name"], c["case_version"]) for c in trends["flaky_cases"]} == {
            ("flaky", 1),
            ("edited", 2),
        }
        assert queries.for_report(uuid4(), uuid4()) is None
