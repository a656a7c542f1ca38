"""`testament import-postman`, then `testament run`: a collection imported, approved and run
by the real API against a real local target, with its report and its verdicts."""

import json
from pathlib import Path

import pytest

from interfaces.bootstrap import Runtime
from interfaces.cli import import_postman
from interfaces.cli import run as cli_run
from tests.integration.interfaces.http.support import TestClient, a_project, an_account
from tests.integration.interfaces.http.test_cli_run import served
from tests.support.postman_target import serving

FIXTURES = Path(__file__).parents[3] / "fixtures" / "postman"


def test_import_report_then_a_run_whose_verdicts_are_newmans(
    client: TestClient,
    http_runtime: Runtime,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    account = an_account(client)
    project_id = a_project(client, account).json()["id"]
    with serving() as target, served(http_runtime) as api:
        document = json.loads((FIXTURES / "mixed_scripts.postman_collection.json").read_text())
        for variable in document["variable"]:
            if variable["key"] == "baseUrl":
                variable["value"] = target
        collection = tmp_path / "mixed.postman_collection.json"
        collection.write_text(json.dumps(document))
        code = import_postman.main(
            [
                str(collection),
                "--project",
                project_id,
                "--url",
                api.url,
                "--token",
                account.access_token,
            ]
        )
        out, err = capsys.readouterr()
        assert code == 1, out + err  # one test could not be translated
        assert "requests imported: 4" in out
        assert "assertions translated: 13 of 14" in out
        assert '  not translated [Health] line 2: pm.test("Every key is short"' in out
        suite_id = out.split()[1]
        for runner in http_runtime.runners():
            runner.catch_up()
        approved = client.post(
            f"/suites/{suite_id}/proposals/1/approve",
            json={"notes": "as imported"},
            headers=account.auth,
        )
        assert approved.status_code == 200, approved.text
        for runner in http_runtime.runners():
            runner.catch_up()
        code = cli_run.main(
            [
                "--suite",
                suite_id,
                "--url",
                api.url,
                "--token",
                account.access_token,
                "--timeout",
                "60",
            ]
        )
        out, err = capsys.readouterr()
    # Newman: Login, Health and "Me without token" pass; "Me" fails one test on purpose.
    assert code == 1, out + err
    assert "run 1 Completed: 3 passed, 1 failed, 0 skipped" in out
    assert "  FAILED GET /me: Me: " in out and "Username is wrong on purpose" in out
