"""`testament run` against the real API served on loopback, with a thread that executes each
queued run as a worker would. The API can be made to answer a poll with an error, and to
issue access tokens that expire within seconds."""

import dataclasses
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID
from xml.etree import ElementTree

import pytest
from fastapi import Request, Response
from fastapi.responses import JSONResponse

from infrastructure.security.tokens import TokenService
from interfaces.bootstrap import Runtime
from interfaces.cli import run as cli
from interfaces.http.app import create_app
from tests.integration.interfaces.http.support import (
    PROBLEM_JSON,
    Account,
    TestClient,
    a_project,
    an_account,
)
from tests.integration.interfaces.http.test_runs import a_suite_with_cases, catch_up
from tests.support.target_api import build_target, free_port, serve

# A run and its event stream: a fault on the stream makes the command poll instead.
RUN_PATH = re.compile(r"/runs/[0-9a-f-]{36}(/events)?")
PROGRESS = re.compile(r"\r\[([#.]+)\] (\d+)/(\d+) ")


@dataclasses.dataclass
class Api:
    """The served API, and what the tests make it do or read from it."""

    url: str
    faults: list[int] = dataclasses.field(default_factory=list)  # answers to the next polls
    refreshes: int = 0


@contextmanager
def served(runtime: Runtime, *, execute_after: float = 0.0) -> Iterator[Api]:
    """This function will serve the API on a loopback port; each run it queues is executed
    in a thread `execute_after` seconds later, as a worker would."""
    app = create_app(runtime)
    api = Api(url="")
    workers: list[threading.Thread] = []

    def execute(run_id: UUID) -> None:
        time.sleep(execute_after)
        runtime.testexec.execute_test_run(run_id)

    @app.middleware("http")
    async def as_deployed(request: Request, call_next: Any) -> Response:
        path = request.url.path
        if request.method == "GET" and RUN_PATH.fullmatch(path) and api.faults:
            status = api.faults.pop(0)
            return JSONResponse(
                {"type": "about:blank", "title": "Injected", "status": status, "detail": "no luck"},
                status_code=status,
                media_type=PROBLEM_JSON,
            )
        if path == "/auth/refresh":
            api.refreshes += 1
        response: Response = await call_next(request)
        if request.method == "POST" and path.endswith("/runs") and response.status_code == 202:
            run_id = UUID(response.headers["Location"].rsplit("/", 1)[1])
            workers.append(threading.Thread(target=execute, args=(run_id,), daemon=True))
            workers[-1].start()
        return response

    with serve(app) as url:
        api.url = url
        try:
            yield api
        finally:
            for worker in workers:
                worker.join(timeout=30)


@pytest.fixture(scope="module")
def target() -> Iterator[str]:
    app, _ = build_target()
    with serve(app) as url:
        yield url


LOGIN_ROWS = {
    "name": "login",
    "request": {
        "method": "POST",
        "url": "/auth/login",
        "body_type": "JSON",
        "body": {"username": "{{user}}", "password": "{{password}}"},
    },
    "expectations": {"expected_status": [200]},
    # One row of three fails: only a testcase per row can say which.
    "data_sets": [
        {
            "name": "logins",
            "rows": [
                {"user": "alice", "password": "wonderland"},
                {"user": "alice", "password": "wrong"},
                {"user": "alice", "password": "wonderland"},
            ],
        }
    ],
}
NO_TOKEN = {
    "name": "pets need a token",
    "request": {"method": "GET", "url": "/pets"},
    "expectations": {"expected_status": [401]},
}


def a_suite(
    client: TestClient, runtime: Runtime, account: Account, target: str, cases: list[Any]
) -> str:
    """This function will make a project whose default environment is the target, and a suite."""
    project = a_project(client, account).json()
    env = client.post(
        f"/projects/{project['id']}/environments",
        headers=account.auth,
        json={"name": "local", "base_url": target},
    )
    assert env.status_code == 201, env.text
    suite_id = a_suite_with_cases(client, account, project["id"], cases, chained=False)
    catch_up(runtime, "testgen")
    return suite_id


def progress(stderr: str) -> list[tuple[int, int, int]]:
    """This function will read the progress bars drawn: (# in the bar, done, total)."""
    return [
        (bar.count("#"), int(done), int(total)) for bar, done, total in PROGRESS.findall(stderr)
    ]


class TestCliRun:
    def test_write_a_testcase_per_data_set_row_so_the_counts_agree_with_the_run(
        self,
        client: TestClient,
        http_runtime: Runtime,
        target: str,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        account = an_account(client)
        suite_id = a_suite(client, http_runtime, account, target, [LOGIN_ROWS, NO_TOKEN])
        junit = tmp_path / "junit.xml"
        with served(http_runtime) as api:
            code = cli.main(
                [
                    *("--suite", suite_id, "--url", api.url, "--token", account.access_token),
                    *("--junit", str(junit), "--timeout", "60"),
                ]
            )
        out, err = capsys.readouterr()
        assert code == 1, out + err
        assert "run 1 Completed: 3 passed, 1 failed, 0 skipped" in out
        assert "  FAILED POST /auth/login: login [logins#1]: " in out
        tree = ElementTree.parse(junit).getroot()
        assert [case.get("name") for case in tree.findall("testcase")] == [
            "POST /auth/login: login [logins#0]",
            "POST /auth/login: login [logins#1]",
            "POST /auth/login: login [logins#2]",
            "GET /pets: pets need a token",
        ]
        assert (tree.get("tests"), tree.get("failures"), tree.get("skipped")) == ("4", "1", "0")
        assert [
            c.get("name") for c in tree.findall("testcase") if c.find("failure") is not None
        ] == ["POST /auth/login: login [logins#1]"]
        # Two cases, four results: the bar counts results, as the counters do.
        drawn = progress(err)
        assert drawn and drawn[-1] == (30, 4, 4), err
        assert all(done <= total and hashes <= 30 for hashes, done, total in drawn), err

    def test_renew_an_access_token_that_expires_during_the_run(
        self,
        client: TestClient,
        http_runtime: Runtime,
        target: str,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        account = an_account(client)
        suite_id = a_suite(client, http_runtime, account, target, [NO_TOKEN])
        tokens = TokenService(
            pool=http_runtime.pool,
            secret_key=http_runtime.settings.resolved_secret_key(),
            access_minutes=2 / 60,  # type: ignore[arg-type]  # timedelta takes a fraction
            refresh_days=1,
            revocations=http_runtime.tokens.revocations,
        )
        # Tokens last two seconds; the run starts after three, so polls outlive the first one.
        short_lived = dataclasses.replace(http_runtime, tokens=tokens)
        with served(short_lived, execute_after=3.0) as api:
            code = cli.main(
                [
                    *("--suite", suite_id, "--url", api.url, "--timeout", "60"),
                    *("--email", account.email, "--password", account.password),
                ]
            )
        out, err = capsys.readouterr()
        assert code == 0, out + err
        assert "run 1 Completed: 1 passed, 0 failed, 0 skipped" in out
        assert api.refreshes >= 1

    def test_wait_out_an_api_that_is_briefly_unavailable(
        self,
        client: TestClient,
        http_runtime: Runtime,
        target: str,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        account = an_account(client)
        suite_id = a_suite(client, http_runtime, account, target, [NO_TOKEN])
        with served(http_runtime, execute_after=1.0) as api:
            api.faults = [503, 502, 504]
            code = cli.main(
                ["--suite", suite_id, "--url", api.url, "--token", account.access_token]
            )
        out, err = capsys.readouterr()
        assert code == 0, out + err
        assert api.faults == []
        assert "run 1 Completed: 1 passed" in out

    @pytest.mark.parametrize(
        ("status", "reason"),
        [
            (401, "Unauthorized: no luck (the access token expired or was refused: give --email"),
            (404, "Not Found: no luck"),
            (500, "Internal Server Error: no luck"),
            (503, "Service Unavailable: no luck (still so after 1s)"),
        ],
    )
    def test_stop_with_one_line_and_exit_2_on_an_answer_it_cannot_go_on_with(
        self,
        client: TestClient,
        http_runtime: Runtime,
        target: str,
        capsys: pytest.CaptureFixture[str],
        status: int,
        reason: str,
    ) -> None:
        account = an_account(client)
        suite_id = a_suite(client, http_runtime, account, target, [NO_TOKEN])
        with served(http_runtime, execute_after=1.0) as api:
            api.faults = [status] * 20
            argv = ["--suite", suite_id, "--url", api.url, "--token", account.access_token]
            code = cli.main(argv + (["--retry-for", "1"] if status == 503 else []))
        out, err = capsys.readouterr()
        assert code == 2, out + err
        assert out == ""
        last = err.strip().splitlines()[-1]
        assert re.fullmatch(
            rf"testament run: GET /runs/[0-9a-f-]{{36}} answered {status} {re.escape(reason)}.*",
            last,
        ), err
        assert "Traceback" not in err

    def test_give_up_on_an_unreachable_api_after_retry_for(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
        started = time.monotonic()
        code = cli.main(["--suite", "x", "--url", url, "--token", "t", "--retry-for", "1"])
        waited = time.monotonic() - started
        _, err = capsys.readouterr()
        assert code == 2
        assert err.startswith(f"testament run: cannot reach {url} (ConnectError"), err
        assert err.rstrip().endswith("(still so after 1s)") and err.count("\n") == 1, err
        assert 1 <= waited < 10

    def test_document_the_exit_codes_and_exit_2_without_credentials(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with pytest.raises(SystemExit) as shown:
            cli.main(["--help"])
        assert shown.value.code == 0
        help_text = capsys.readouterr().out
        assert all(f"\n  {code}  " in help_text for code in (0, 1, 2)), help_text
        for name in (
            "TESTAMENT_TOKEN",
            "TESTAMENT_EMAIL",
            "TESTAMENT_PASSWORD",
            "TESTAMENT_API_KEY",
        ):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("TESTAMENT_CONFIG", "/nonexistent/testament/credentials.json")
        with pytest.raises(SystemExit) as refused:
            cli.main(["--suite", "x"])
        assert refused.value.code == 2
        assert "give --api-key" in capsys.readouterr().err
