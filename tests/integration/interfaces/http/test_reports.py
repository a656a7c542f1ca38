"""Reports over HTTP, from a real run: every type in every format, downloaded and read back
(CSV parsed, JSON validated against its schema, PDF text extracted with pdftotext, HTML
opened in headless Chromium), the refusals, and the suite's trends."""

import csv
import io
import json
import subprocess
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from jsonschema import Draft202012Validator

from infrastructure.projections.catalog import read_model
from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    TestClient,
    a_project,
    an_account,
    assert_problem,
)
from tests.integration.interfaces.http.test_coverage import SPEC, target_url  # noqa: F401
from tests.integration.interfaces.http.test_runs import GET_PET, LOGIN, create_pet
from tests.integration.interfaces.http.test_runs import a_suite_with_cases as suite_with
from tests.support.browser import visit

SCHEMA = json.loads((Path(__file__).parents[4] / "docs/schemas/report-v1.json").read_text())
# Fails: the pet does not exist (404, documented), and the check says so.
MISSING_PET = {
    "name": "read a pet that is not there",
    "request": {
        "method": "GET",
        "url": "/pets/nobody",
        "headers": {"Authorization": "Bearer {{token}}"},
    },
    "expectations": {"expected_status": [200]},
}
KINDS = ("Summary", "Detailed", "Coverage")
FORMATS = ("CSV", "JSON", "HTML", "PDF")


def catch_up(runtime: Runtime) -> None:
    for runner in runtime.runners((read_model("testreport"),)):
        runner.catch_up()


def a_run(client: TestClient, account: Any, suite_id: str, runtime: Runtime) -> str:
    run_id: str = client.post(f"/suites/{suite_id}/runs", headers=account.auth, json={}).json()[
        "id"
    ]
    assert runtime.testexec.execute_test_run(UUID(run_id)) == "Completed"
    return run_id


@pytest.fixture(scope="module")
def finished(client: TestClient, http_runtime: Runtime, target_url: str) -> dict[str, Any]:  # noqa: F811
    """Two captured runs of a suite on the coverage test's specification."""
    account = an_account(client)
    project_id = a_project(client, account, base_url="").json()["id"]
    uploaded = client.post(
        f"/projects/{project_id}/specs/text",
        json={"content": json.dumps(SPEC), "name": "pets"},
        headers=account.auth,
    )
    assert http_runtime.apidoc.parse_specification(UUID(uploaded.json()["id"])) == "Success"
    client.post(
        f"/projects/{project_id}/environments",
        headers=account.auth,
        json={
            "name": "local",
            "base_url": target_url,
            "variables": [
                {"name": "user", "value": "alice"},
                {"name": "password", "value": "wonderland", "secret": True},
            ],
        },
    )
    suite_id = suite_with(
        client, account, project_id, [LOGIN, create_pet("Rex"), GET_PET, MISSING_PET]
    )
    runs = [a_run(client, account, suite_id, http_runtime) for _ in range(2)]
    for run_id in runs:
        assert http_runtime.testreport.capture_finished_run(UUID(run_id)) is not None
    catch_up(http_runtime)
    return {"account": account, "suite": suite_id, "run": runs[-1], "project": project_id}


@pytest.fixture(scope="module")
def downloads(
    client: TestClient, http_runtime: Runtime, finished: dict[str, Any]
) -> dict[tuple[str, str], bytes]:
    """Every type in every format, requested over HTTP, made by the worker's call, downloaded."""
    account, run = finished["account"], finished["run"]
    out = {}
    for kind in KINDS:
        for fmt in FORMATS:
            asked = client.post(
                f"/runs/{run}/reports",
                headers=account.auth,
                json={"report_type": kind, "format": fmt},
            )
            assert asked.status_code == 202, asked.text
            report = asked.json()
            assert (report["status"], report["download"]) == ("Pending", None)
            assert asked.headers["Location"] == f"/reports/{report['id']}"
            assert http_runtime.testreport.generate_report(UUID(report["id"])) == "Generated"
            got = client.get(f"/reports/{report['id']}/content", headers=account.auth)
            assert got.status_code == 200, got.text
            assert got.headers["content-disposition"].startswith("attachment;")
            out[(kind, fmt)] = got.content
    return out


class TestReportFormats:
    def test_csv_has_one_row_per_case_result(self, downloads: dict[tuple[str, str], bytes]) -> None:
        rows = list(csv.DictReader(io.StringIO(downloads["Detailed", "CSV"].decode("utf-8-sig"))))
        assert [r["case_name"] for r in rows] == [
            "login",
            "create Rex",
            "read the pet",
            "read a pet that is not there",
        ]
        assert [r["status"] for r in rows] == ["Passed", "Passed", "Passed", "Failed"]
        assert rows[3]["response_status"] == "404" and "404" in rows[3]["failure_reason"]
        assert "wonderland" not in downloads["Detailed", "CSV"].decode()  # secrets masked
        endpoints = list(
            csv.DictReader(io.StringIO(downloads["Coverage", "CSV"].decode("utf-8-sig")))
        )
        assert {r["endpoint"] for r in endpoints if r["tested"] == "no"} == {
            "GET /pets",
            "DELETE /pets/{petId}",
            "GET /stores",
        }

    def test_json_follows_its_schema(self, downloads: dict[tuple[str, str], bytes]) -> None:
        for kind in KINDS:
            document = json.loads(downloads[kind, "JSON"])
            Draft202012Validator(SCHEMA).validate(document)
            assert document["run"]["verdict"] == "Failed"
            assert (document["run"]["passed"], document["run"]["failed"]) == (3, 1)
            assert document["coverage"]["coverage_percent"] == 50.0
        summary = json.loads(downloads["Summary", "JSON"])
        assert [r["run_number"] for r in summary["trends"]["runs"]] == [2, 1]

    def test_pdf_text_has_the_runs_figures(
        self, downloads: dict[tuple[str, str], bytes], tmp_path: Path
    ) -> None:
        for kind in KINDS:
            pdf = tmp_path / f"{kind}.pdf"
            pdf.write_bytes(downloads[kind, "PDF"])
            text = subprocess.run(
                ["pdftotext", "-layout", str(pdf), "-"],
                capture_output=True,
                text=True,
                check=True,
                timeout=60,
            ).stdout
            assert f"{kind} report" in text and "by hand run #2" in text
            assert "Failed" in text and "75.0%" in text  # the verdict and the pass rate
            assert "3 of 6 endpoints tested (50.0%)" in text
            assert "DELETE /pets/{petId}" in text
            if kind != "Coverage":
                assert "read a pet that is not there" in text
                assert "expected [200], got 404" in text

    def test_html_opens_in_chromium_fetching_nothing_and_logging_no_error(
        self, downloads: dict[tuple[str, str], bytes], tmp_path: Path
    ) -> None:
        for kind in KINDS:
            page = tmp_path / f"{kind}.html"
            page.write_bytes(downloads[kind, "HTML"])
            seen = visit(page)
            assert seen.requests == [] and seen.console_errors == [], (kind, seen)
            assert seen.screenshot.startswith(b"\x89PNG") and len(seen.screenshot) > 20_000
            (tmp_path / f"{kind}.png").write_bytes(seen.screenshot)


class TestBrowserCheck:
    def test_sees_a_page_that_fetches_and_logs_an_error(self, tmp_path: Path) -> None:
        page = tmp_path / "bad.html"
        page.write_text(
            '<!DOCTYPE html><img src="http://example.invalid/x.png">'
            '<script>console.error("boom")</script>'
        )
        seen = visit(page)
        assert seen.requests == ["http://example.invalid/x.png"]
        assert "boom" in seen.console_errors


class TestReportRoutes:
    def test_list_and_read_the_runs_reports(
        self,
        client: TestClient,
        http_runtime: Runtime,
        finished: dict[str, Any],
        downloads: dict[tuple[str, str], bytes],
    ) -> None:
        account, run = finished["account"], finished["run"]
        catch_up(http_runtime)
        listed = client.get(f"/runs/{run}/reports", headers=account.auth)
        assert listed.status_code == 200, listed.text
        reports = listed.json()
        assert len(reports) == len(KINDS) * len(FORMATS)
        assert {r["status"] for r in reports} == {"Generated"}
        one = client.get(f"/reports/{reports[0]['id']}", headers=account.auth).json()
        assert one["download"] == f"/reports/{one['id']}/content" and one["expires_at"]
        with http_runtime.pool.connection() as conn:
            row = conn.execute(
                "SELECT report_type, format, file_id, generated_by_id FROM testreport.test_reports"
                " WHERE id = %s",
                (one["id"],),
            ).fetchone()
        assert row is not None and row["file_id"] is not None
        assert row["generated_by_id"] == account.id
        stranger = an_account(client)
        assert_problem(client.get(f"/reports/{one['id']}", headers=stranger.auth), 404)
        assert_problem(client.get(f"/runs/{run}/reports", headers=stranger.auth), 404)

    def test_refuse_what_cannot_be_made_saying_why(
        self, client: TestClient, http_runtime: Runtime, finished: dict[str, Any]
    ) -> None:
        account = finished["account"]
        asked = {"report_type": "Detailed", "format": "HTML"}
        queued = client.post(f"/suites/{finished['suite']}/runs", headers=account.auth, json={})
        pending = queued.json()["id"]
        refused = client.post(f"/runs/{pending}/reports", headers=account.auth, json=asked)
        assert_problem(refused, 409, "run-not-finished")
        assert http_runtime.testexec.execute_test_run(UUID(pending)) == "Completed"
        http_runtime.hot_results.forget(UUID(pending))  # expired before it was captured
        expired = client.post(f"/runs/{pending}/reports", headers=account.auth, json=asked)
        assert_problem(expired, 410, "report-details-expired")
        wrong = client.post(
            f"/runs/{finished['run']}/reports",
            headers=account.auth,
            json={"report_type": "Everything", "format": "HTML"},
        )
        assert_problem(wrong, 422)
        extra = client.post(
            f"/runs/{finished['run']}/reports", headers=account.auth, json={**asked, "x": 1}
        )
        assert_problem(extra, 422)
        waiting = client.post(f"/runs/{finished['run']}/reports", headers=account.auth, json=asked)
        early = client.get(f"/reports/{waiting.json()['id']}/content", headers=account.auth)
        assert_problem(early, 409, "report-not-ready")

    def test_trends_of_the_suite(self, client: TestClient, finished: dict[str, Any]) -> None:
        account = finished["account"]
        trends = client.get(f"/suites/{finished['suite']}/trends?last=5", headers=account.auth)
        assert trends.status_code == 200, trends.text
        body = trends.json()
        assert [r["pass_rate"] for r in body["runs"]][-2:] == [75.0, 75.0]
        assert body["flaky_cases"] == []
        stranger = an_account(client)
        assert_problem(
            client.get(f"/suites/{finished['suite']}/trends", headers=stranger.auth), 404
        )
