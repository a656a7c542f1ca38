"""The client commands (`testament login`, listings, `runs show|follow`, `keys`, `test`)
against the real API served on loopback, with a thread doing what the projector and the
worker do: read models caught up, uploaded specifications parsed, queued runs executed."""

import contextlib
import json
import re
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID
from xml.etree import ElementTree

import httpx
import psycopg
import pytest
from click.testing import CliRunner
from fastapi import Request, Response
from fastapi.responses import JSONResponse

from infrastructure.projections.tracking import TrackingConflictError
from interfaces.bootstrap import Runtime
from interfaces.cli import ci_test, client
from interfaces.cli.main import main as cli_main
from interfaces.http.app import create_app
from tests.integration.interfaces.http.support import (
    PASSWORD,
    Account,
    TestClient,
    a_project,
    an_account,
)
from tests.integration.interfaces.http.test_runs import a_suite_with_cases
from tests.support.target_api import build_target, serve

SPEC_UPLOAD = re.compile(r"/projects/[0-9a-f-]{36}/specs")
RUN = re.compile(r"/runs/[0-9a-f-]{36}")


@dataclass
class Served:
    """The served API: its URL, and what it saw and how it misbehaves."""

    url: str = ""
    refuse_events: bool = False
    polls: int = 0  # GET /runs/{id}
    streams: int = 0  # GET /runs/{id}/events


@contextmanager
def served(runtime: Runtime, *, refuse_events: bool = False) -> Iterator[Served]:
    """This function will serve the API with a stand-in for the projector and the worker."""
    app = create_app(runtime)
    seen = Served(refuse_events=refuse_events)
    stop = threading.Event()
    jobs: list[threading.Thread] = []

    runners = runtime.runners()

    def project() -> None:
        while not stop.is_set():
            for runner in runners:
                # Another projector of the session may have applied the same events first:
                # its transaction won, this one rolled back; the next pass goes on from there.
                with contextlib.suppress(TrackingConflictError, psycopg.errors.UniqueViolation):
                    runner.catch_up()
            stop.wait(0.05)

    def later(work: Any, *args: Any) -> None:
        jobs.append(threading.Thread(target=work, args=args, daemon=True))
        jobs[-1].start()

    @app.middleware("http")
    async def as_deployed(request: Request, call_next: Any) -> Response:
        path = request.url.path
        if request.method == "GET" and RUN.fullmatch(path):
            seen.polls += 1
        if request.method == "GET" and path.endswith("/events"):
            seen.streams += 1
            if seen.refuse_events:  # a proxy that does not pass a stream through
                return JSONResponse({"detail": "no streams here"}, status_code=502)
        response: Response = await call_next(request)
        if request.method == "POST" and response.status_code == 202:
            location = response.headers.get("Location", "")
            if path.endswith("/runs"):
                later(runtime.testexec.execute_test_run, UUID(location.rsplit("/", 1)[1]))
            elif SPEC_UPLOAD.fullmatch(path):
                later(runtime.apidoc.parse_specification, UUID(location.rsplit("/", 1)[1]))
        return response

    # What earlier tests of the session wrote is applied first, so the thread below only has
    # this module's events to keep up with.
    for runner in runners:
        with contextlib.suppress(TrackingConflictError, psycopg.errors.UniqueViolation):
            runner.catch_up()
    projector = threading.Thread(target=project, daemon=True)
    projector.start()
    try:
        with serve(app) as url:
            seen.url = url
            yield seen
    finally:
        stop.set()
        # Until it has stopped: a projector left running would race the next module's
        # catch-ups.
        projector.join()
        for job in jobs:
            job.join(timeout=30)


@pytest.fixture(scope="module")
def api(http_runtime: Runtime) -> Iterator[str]:
    with served(http_runtime) as seen:
        yield seen.url


@pytest.fixture(scope="module")
def target() -> Iterator[tuple[str, dict[str, Any]]]:
    app, _ = build_target()
    with serve(app) as url:
        yield url, app.openapi()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file of the test's own, and no credentials from the environment."""
    for name in ("TESTAMENT_API_KEY", "TESTAMENT_TOKEN", "TESTAMENT_EMAIL", "TESTAMENT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("TESTAMENT_URL", raising=False)
    path = tmp_path / "config" / "credentials.json"
    monkeypatch.setenv("TESTAMENT_CONFIG", str(path))
    return path


def run_cli(*args: str, env: dict[str, str] | None = None) -> Any:
    """This function will run a client command in this process, as the shell would."""
    runner = CliRunner()
    return runner.invoke(client.cli, list(args), env=env, catch_exceptions=False)


def a_key(test_client: TestClient, account: Account, scope: str) -> str:
    created = test_client.post(
        "/me/api-keys", json={"name": f"cli-{scope}", "scope": scope}, headers=account.auth
    )
    assert created.status_code == 201, created.text
    return str(created.json()["key"])


class TestLogin:
    def test_keeps_the_session_in_a_file_only_its_owner_reads_and_uses_it(
        self, api: str, client: TestClient, home: Path
    ) -> None:
        account = an_account(client)
        logged = run_cli("login", "--url", api, "--email", account.email, "--password", PASSWORD)
        assert logged.exit_code == 0, logged.output
        assert account.email in logged.output
        assert stat.S_IMODE(home.stat().st_mode) == 0o600
        assert stat.S_IMODE(home.parent.stat().st_mode) == 0o700
        saved = json.loads(home.read_text())
        assert saved["url"] == api and saved["refresh_token"] and PASSWORD not in home.read_text()
        me = run_cli("whoami", "--output", "json")
        assert me.exit_code == 0, me.output
        assert json.loads(me.output)[0]["email"] == account.email
        out = run_cli("logout")
        assert out.exit_code == 0 and not home.exists()
        refused = run_cli("whoami")
        assert refused.exit_code == 2 and "testament login" in refused.output

    def test_a_wrong_password_is_one_line_and_exit_2(
        self, api: str, client: TestClient, home: Path
    ) -> None:
        account = an_account(client)
        wrong = run_cli("login", "--url", api, "--email", account.email, "--password", "nope-nope")
        assert wrong.exit_code == 2
        assert "401" in wrong.output and not home.exists()

    def test_saves_an_api_key_instead(self, api: str, client: TestClient, home: Path) -> None:
        account = an_account(client)
        key = a_key(client, account, "read")
        assert run_cli("login", "--url", api, "--api-key", key).exit_code == 0
        assert json.loads(home.read_text())["api_key"] == key
        assert json.loads(run_cli("whoami", "-o", "json").output)[0]["id"] == str(account.id)


class TestListings:
    def test_lists_projects_specs_suites_and_runs_as_tables_or_json(
        self, api: str, client: TestClient, home: Path
    ) -> None:
        account = an_account(client)
        key = a_key(client, account, "write")
        env = {"TESTAMENT_URL": api, "TESTAMENT_API_KEY": key}
        made = client.post(
            "/projects",
            json={"name": "Listed project", "base_url": "https://x.example"},
            headers=account.auth,
        ).json()
        suite = client.post(
            f"/projects/{made['id']}/suites", json={"name": "Listed suite"}, headers=account.auth
        ).json()
        time.sleep(0.3)  # the stand-in projector's next pass
        projects = run_cli("projects", "list", "--output", "json", env=env)
        assert projects.exit_code == 0, projects.output
        assert [p["name"] for p in json.loads(projects.output)] == ["Listed project"]
        table = run_cli("projects", "list", env={**env, "COLUMNS": "200"})
        assert "Listed project" in table.output and made["id"] in table.output
        suites = run_cli("suites", "list", "--project", made["id"], "-o", "json", env=env)
        assert [s["id"] for s in json.loads(suites.output)] == [suite["id"]]
        specs = run_cli("specs", "list", "--project", made["id"], "-o", "json", env=env)
        assert json.loads(specs.output) == []
        runs = run_cli("runs", "list", "-o", "json", env=env)
        assert runs.exit_code == 0 and json.loads(runs.output) == []

    def test_another_users_project_is_a_404_on_one_line(
        self, api: str, client: TestClient, home: Path
    ) -> None:
        alice, bob = an_account(client), an_account(client)
        bobs = client.post(
            "/projects", json={"name": "Bob's", "base_url": "https://x"}, headers=bob.auth
        ).json()
        env = {"TESTAMENT_URL": api, "TESTAMENT_API_KEY": a_key(client, alice, "read")}
        listed = run_cli("suites", "list", "--project", bobs["id"], env=env)
        assert listed.exit_code == 2 and "404" in listed.output


class TestKeys:
    def test_creates_lists_and_revokes_keys_with_a_log_in(
        self, api: str, client: TestClient, home: Path
    ) -> None:
        account = an_account(client)
        env = {
            "TESTAMENT_URL": api,
            "TESTAMENT_EMAIL": account.email,
            "TESTAMENT_PASSWORD": PASSWORD,
        }
        made = run_cli("keys", "create", "pipeline", "--scope", "run", "-o", "json", env=env)
        assert made.exit_code == 0, made.output
        key = json.loads(made.output)[0]
        assert key["key"].startswith("tk_")
        time.sleep(0.3)
        listed = json.loads(run_cli("keys", "list", "-o", "json", env=env).output)
        assert [k["name"] for k in listed] == ["pipeline"] and "key" not in listed[0]
        with_key = {"TESTAMENT_URL": api, "TESTAMENT_API_KEY": key["key"]}
        refused = run_cli("keys", "list", env=with_key)
        assert refused.exit_code == 2 and "403" in refused.output
        assert run_cli("keys", "revoke", key["id"], env=env).exit_code == 0
        assert run_cli("whoami", env=with_key).exit_code == 2


class TestCiInOneCommand:
    def test_without_approve_stops_after_generation_and_says_where_to_review(
        self,
        api: str,
        client: TestClient,
        home: Path,
        target: tuple[str, dict[str, Any]],
        tmp_path: Path,
    ) -> None:
        url, openapi = target
        spec = tmp_path / "openapi.json"
        spec.write_text(json.dumps(openapi))
        account = an_account(client)
        env = {"TESTAMENT_URL": api, "TESTAMENT_API_KEY": a_key(client, account, "write")}
        generated = run_cli("test", str(spec), "--base-url", url, "--types", "HappyPath", env=env)
        assert generated.exit_code == 0, generated.output
        assert "waiting for review" in generated.output
        suite_id = re.search(r"suite ([0-9a-f-]{36})", generated.output)
        assert suite_id is not None
        suite = client.get(f"/suites/{suite_id.group(1)}", headers=account.auth).json()
        assert suite["approval_status"] == "PendingReview" and suite["case_count"] > 0
        assert client.get(f"/suites/{suite['id']}/runs", headers=account.auth).json() == []

    def test_with_approve_records_who_approved_and_how_then_runs_for_ci(
        self,
        api: str,
        client: TestClient,
        home: Path,
        target: tuple[str, dict[str, Any]],
        tmp_path: Path,
    ) -> None:
        url, openapi = target
        spec = tmp_path / "openapi.json"
        spec.write_text(json.dumps(openapi))
        account = an_account(client)
        key = a_key(client, account, "write")
        env = {"TESTAMENT_URL": api, "TESTAMENT_API_KEY": key}
        junit_file, report_file = tmp_path / "junit.xml", tmp_path / "report.json"
        ran = run_cli(
            "test",
            str(spec),
            "--base-url",
            url,
            "--auth",
            "bearer:not-a-real-token",
            "--approve",
            "--junit",
            str(junit_file),
            "--report",
            str(report_file),
            env=env,
        )
        report = json.loads(report_file.read_text())
        run = report["run"]
        assert run["status"] in ("Completed", "Failed")
        assert ran.exit_code == (
            0 if run["status"] == "Completed" and run["failed"] == 0 and run["skipped"] == 0 else 1
        ), ran.output
        assert f"run {run['run_number']} {run['status']}" in ran.output
        tree = ElementTree.parse(junit_file).getroot()
        assert int(tree.get("tests") or 0) == len(report["results"]) > 0
        assert int(tree.get("failures") or 0) == sum(
            1 for r in report["results"] if r["status"] in ("Failed", "Error")
        )
        history = client.get(f"/suites/{report['suite_id']}/history", headers=account.auth).json()
        approval = [h for h in history if "Approved" in h["type"] or "approve" in h["type"].lower()]
        assert approval, [h["type"] for h in history]
        assert approval[-1]["user_id"] == str(account.id)
        assert approval[-1]["reason"] == "testament test --approve"
        assert approval[-1]["user_agent"].startswith("testament-cli/")
        assert approval[-1]["api_key_id"] is not None
        # The environment got the base URL and the auth given.
        environments = client.get(
            f"/projects/{run['project_id']}/environments", headers=account.auth
        ).json()
        ci = next(e for e in environments if e["name"] == "testament test")
        assert ci["base_url"] == url and ci["auth"]["type"] == "bearer"
        # The failures, with request and response, from `runs show`.
        shown = run_cli("runs", "show", run["id"], "-o", "json", env=env)
        assert shown.exit_code == 0, shown.output
        failures = json.loads(shown.output)["failures"]
        assert len(failures) == int(tree.get("failures") or 0)
        for failure in failures:
            assert failure["requestMethod"] and failure["requestUrl"].startswith(url)
        followed = run_cli("runs", "follow", run["id"], env=env)
        assert followed.exit_code == ran.exit_code

    @pytest.mark.parametrize(
        ("option", "value"),
        [("--auth", "token:x"), ("--auth", "basic:nopassword"), ("--types", "Smoke")],
    )
    def test_refuses_a_bad_option_with_exit_2(
        self, api: str, home: Path, tmp_path: Path, option: str, value: str
    ) -> None:
        spec = tmp_path / "openapi.json"
        spec.write_text("{}")
        code = cli_main(
            ["test", str(spec), "--base-url", "http://x", "--api-key", "tk_x", option, value]
        )
        assert code == 2


class TestAuthParsing:
    def test_reads_each_form(self) -> None:
        assert ci_test.parse_auth("bearer:a:b") == {"type": "bearer", "token": "a:b"}
        assert ci_test.parse_auth("basic:u:p:q") == {
            "type": "basic",
            "username": "u",
            "password": "p:q",
        }
        assert ci_test.parse_auth("header:X-Key:v") == {
            "type": "api_key",
            "in": "header",
            "name": "X-Key",
            "value": "v",
        }
        assert ci_test.parse_auth(None) == {"type": "none"}


def a_suite(client: TestClient, account: Account, target: str, cases: list[Any]) -> str:
    """This function will make a project whose default environment is the target, and a
    suite written by hand, readable once the stand-in projector has applied it."""
    project = a_project(client, account).json()
    env = client.post(
        f"/projects/{project['id']}/environments",
        headers=account.auth,
        json={"name": "local", "base_url": target},
    )
    assert env.status_code == 201, env.text
    suite_id = a_suite_with_cases(client, account, project["id"], cases, chained=False)
    written = client.get(f"/suites/{suite_id}/cases", headers=account.auth)
    deadline = time.monotonic() + 10
    while len(written.json()) < len(cases) and time.monotonic() < deadline:
        time.sleep(0.05)
        written = client.get(f"/suites/{suite_id}/cases", headers=account.auth)
    return suite_id


SLOW = {
    "name": "slow",
    "request": {"method": "GET", "url": "/slow?seconds=0.4"},
    "expectations": {"expected_status": [200]},
}


class TestFollow:
    @pytest.mark.parametrize("refuse_events", [False, True])
    def test_follows_a_live_run_to_its_end_over_events_else_by_polling(
        self,
        api: str,  # its stand-in projector makes the suite readable
        http_runtime: Runtime,
        client: TestClient,
        home: Path,
        target: tuple[str, dict[str, Any]],
        refuse_events: bool,
    ) -> None:
        url, _ = target
        account = an_account(client)
        suite_id = a_suite(client, account, url, [SLOW, SLOW, SLOW])
        with served(http_runtime, refuse_events=refuse_events) as other:
            queued = httpx.post(
                f"{other.url}/suites/{suite_id}/runs", json={}, headers=account.auth, timeout=30
            )
            assert queued.status_code == 202, queued.text
            env = {"TESTAMENT_URL": other.url, "TESTAMENT_TOKEN": account.access_token}
            followed = run_cli("runs", "follow", queued.json()["id"], env=env)
        assert followed.exit_code == 0, followed.output
        assert "Completed: 3 passed, 0 failed" in followed.output
        assert other.streams == 1
        if refuse_events:
            assert other.polls >= 3  # the state once, then every half second
        else:
            assert other.polls == 1  # the state once; the rest came over the stream


class TestResultPages:
    def test_pages_follow_the_execution_order_and_add_up_to_every_result(
        self,
        api: str,  # its stand-in projector makes the suite readable
        http_runtime: Runtime,
        client: TestClient,
        target: tuple[str, dict[str, Any]],
    ) -> None:
        url, _ = target
        account = an_account(client)
        cases = [
            {**SLOW, "name": f"slow {i}", "request": {"method": "GET", "url": "/slow?seconds=0"}}
            for i in range(5)
        ]
        suite_id = a_suite(client, account, url, cases)
        run = client.post(f"/suites/{suite_id}/runs", json={}, headers=account.auth).json()
        http_runtime.testexec.execute_test_run(UUID(run["id"]))
        whole = client.get(f"/runs/{run['id']}/results", headers=account.auth).json()
        assert len(whole["results"]) == 5 and "next_offset" not in whole
        pages, offset = [], 0
        while offset is not None:
            page = client.get(
                f"/runs/{run['id']}/results?limit=2&offset={offset}", headers=account.auth
            ).json()
            assert page["total_cases"] == 5
            pages.extend(page["results"])
            offset = page["next_offset"]
        assert [r["case_id"] for r in pages] == [r["case_id"] for r in whole["results"]]
        beyond = client.get(f"/runs/{run['id']}/results?offset=9&limit=2", headers=account.auth)
        assert beyond.json()["results"] == [] and beyond.json()["next_offset"] is None
        for bad in ("limit=0", "limit=1001", "offset=-1"):
            refused = client.get(f"/runs/{run['id']}/results?{bad}", headers=account.auth)
            assert refused.status_code == 422


class TestCiWithAPostmanCollection:
    def test_imports_the_collection_approves_and_runs_it(
        self,
        api: str,
        client: TestClient,
        home: Path,
        target: tuple[str, dict[str, Any]],
        tmp_path: Path,
    ) -> None:
        url, _ = target
        collection = {
            "info": {
                "name": "Pets smoke",
                "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
            },
            "variable": [{"key": "baseUrl", "value": url}],
            "item": [
                {
                    "name": "slow but fine",
                    "request": {"method": "GET", "url": "{{baseUrl}}/slow?seconds=0"},
                    "event": [
                        {
                            "listen": "test",
                            "script": {
                                "exec": [
                                    "pm.test('ok', function () {",
                                    "  pm.response.to.have.status(200);",
                                    "});",
                                ]
                            },
                        }
                    ],
                }
            ],
        }
        path = tmp_path / "smoke.postman_collection.json"
        path.write_text(json.dumps(collection))
        account = an_account(client)
        env = {"TESTAMENT_URL": api, "TESTAMENT_API_KEY": a_key(client, account, "write")}
        junit_file = tmp_path / "junit.xml"
        ran = run_cli(
            "test", str(path), "--base-url", url, "--approve", "--junit", str(junit_file), env=env
        )
        assert ran.exit_code == 0, ran.output
        assert "imported from the Postman collection" in ran.output
        assert "Completed: 1 passed, 0 failed" in ran.output
        suite_id = re.search(r"suite ([0-9a-f-]{36})", ran.output)
        assert suite_id is not None
        history = client.get(f"/suites/{suite_id.group(1)}/history", headers=account.auth)
        approvals = [h for h in history.json() if "approve" in h["type"].lower()]
        assert [h["reason"] for h in approvals] == ["testament test --approve"]
        assert ElementTree.parse(junit_file).getroot().get("tests") == "1"
