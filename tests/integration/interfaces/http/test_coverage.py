"""Coverage over HTTP, from a real run against a local API, on a specification whose
uncovered endpoints, statuses, parameters and body fields are known in advance."""

import json
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest

from infrastructure.projections.catalog import read_model
from infrastructure.projections.rebuild import rebuild
from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
)
from tests.integration.interfaces.http.test_runs import (
    GET_PET,
    LOGIN,
    a_suite_with_cases,
    create_pet,
)
from tests.support.target_api import build_target, serve


def operation(tag: str, *statuses: str, **extra: Any) -> dict[str, Any]:
    return {"tags": [tag], "responses": {s: {"description": s} for s in statuses}, **extra}


def json_body(*names: str) -> dict[str, Any]:
    schema = {"type": "object", "properties": {n: {"type": "string"} for n in names}}
    return {"content": {"application/json": {"schema": schema}}}


PET_ID = {"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}
# Six endpoints; the suite below reaches three of them.
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Pets", "version": "1"},
    "paths": {
        "/auth/login": {
            "post": operation("auth", "200", "401", requestBody=json_body("username", "password"))
        },
        "/pets": {
            "get": operation(
                "pets",
                "200",
                parameters=[{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
            ),
            "post": operation("pets", "201", requestBody=json_body("name", "tag")),
        },
        "/pets/{petId}": {
            "parameters": [PET_ID],
            "get": operation("pets", "200", "404"),
            "delete": operation("pets", "204"),
        },
        "/stores": {"get": operation("stores", "200")},
    },
}


@pytest.fixture(scope="module")
def target_url() -> Iterator[str]:
    app, _ = build_target()
    with serve(app) as url:
        yield url


def catch_up(runtime: Runtime) -> None:
    for runner in runtime.runners((read_model("testreport"),)):
        runner.catch_up()


@pytest.fixture(scope="module")
def finished(client: TestClient, http_runtime: Runtime, target_url: str) -> dict[str, Any]:
    """A project with the specification above, and a finished run of a suite on it."""
    account = an_account(client)
    project_id = a_project(client, account, base_url="").json()["id"]
    uploaded = client.post(
        f"/projects/{project_id}/specs/text",
        json={"content": json.dumps(SPEC), "name": "pets"},
        headers=account.auth,
    )
    assert uploaded.status_code == 202, uploaded.text
    assert http_runtime.apidoc.parse_specification(UUID(uploaded.json()["id"])) == "Success"
    env = client.post(
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
    assert env.status_code == 201, env.text
    suite_id = a_suite_with_cases(client, account, project_id, [LOGIN, create_pet("Rex"), GET_PET])
    run = client.post(f"/suites/{suite_id}/runs", headers=account.auth, json={}).json()
    return {"account": account, "project": project_id, "suite": suite_id, "run": run["id"]}


def get(client: TestClient, account: Account, url: str) -> dict[str, Any]:
    response = client.get(url, headers=account.auth)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


class TestRunCoverage:
    def test_is_not_ready_before_the_run_ends_and_hidden_from_others(
        self, client: TestClient, http_runtime: Runtime, finished: dict[str, Any]
    ) -> None:
        account, run = finished["account"], finished["run"]
        assert http_runtime.testreport.capture_finished_run(UUID(run)) is None
        assert_problem(
            client.get(f"/runs/{run}/coverage", headers=account.auth), 409, "coverage-not-ready"
        )
        stranger = an_account(client)
        assert_problem(client.get(f"/runs/{run}/coverage", headers=stranger.auth), 404)
        assert_problem(client.get(f"/runs/{uuid4()}/coverage", headers=account.auth), 404)
        assert_problem(client.get("/runs/not-a-uuid/coverage", headers=account.auth), 422)

    def test_names_what_the_run_did_not_reach(
        self, client: TestClient, http_runtime: Runtime, finished: dict[str, Any]
    ) -> None:
        account, run = finished["account"], finished["run"]
        assert http_runtime.testexec.execute_test_run(UUID(run)) == "Completed"
        assert http_runtime.testreport.capture_finished_run(UUID(run)) is not None
        catch_up(http_runtime)
        coverage = get(client, account, f"/runs/{run}/coverage")
        assert (coverage["total_endpoints"], coverage["tested_endpoints"]) == (6, 3)
        assert coverage["coverage_percent"] == "50.00"
        assert coverage["uncovered_paths"] == ["GET /pets", "DELETE /pets/{petId}", "GET /stores"]
        assert coverage["by_method"] == {"DELETE": 0.0, "GET": 33.33, "POST": 100.0}
        assert coverage["by_tag"] == {"auth": 100.0, "pets": 50.0, "stores": 0.0}
        assert coverage["runs"] == [run]
        endpoints = {e["key"]: e for e in coverage["endpoints"]}
        assert endpoints["GET /pets/{petId}"]["statuses_observed"] == ["200"]
        assert endpoints["POST /pets"]["body_fields_sent"] == ["name"]
        assert endpoints["POST /pets"]["body_fields_documented"] == ["name", "tag"]
        assert endpoints["GET /pets"]["parameters_exercised"] == []
        assert endpoints["GET /pets/{petId}"]["parameters_exercised"] == ["path:petId"]
        # 8 documented statuses (200 401 200 201 200 404 204 200), 3 observed.
        assert coverage["statuses"] == {"documented": 8, "exercised": 3, "percent": 37.5}
        assert coverage["body_fields"] == {"documented": 4, "exercised": 3, "percent": 75.0}

    def test_is_the_same_after_a_rebuild_from_the_events(
        self, http_runtime: Runtime, finished: dict[str, Any]
    ) -> None:
        report = rebuild(http_runtime.pool, http_runtime.applications(), "testreport")
        assert report.equal, report.tables
        assert report.tables[0].live_rows >= 1


class TestSuiteAndProjectCoverage:
    def test_unite_the_runs_of_one_specification_version(
        self, client: TestClient, http_runtime: Runtime, finished: dict[str, Any]
    ) -> None:
        account = finished["account"]
        second = client.post(
            f"/suites/{finished['suite']}/runs", headers=account.auth, json={}
        ).json()["id"]
        assert http_runtime.testexec.execute_test_run(UUID(second)) == "Completed"
        assert http_runtime.testreport.capture_finished_run(UUID(second)) is not None
        catch_up(http_runtime)
        suite = get(client, account, f"/suites/{finished['suite']}/coverage?last=5")
        assert suite["runs"] == [second, finished["run"]]
        assert suite["tested_endpoints"] == 3
        (project,) = get(client, account, f"/projects/{finished['project']}/coverage")
        assert project["spec_version"] == suite["spec_version"] and len(project["runs"]) == 2
        assert_problem(
            client.get(f"/suites/{finished['suite']}/coverage?last=0", headers=account.auth), 422
        )
        stranger = an_account(client)
        for url in (
            f"/suites/{finished['suite']}/coverage",
            f"/projects/{finished['project']}/coverage",
        ):
            assert_problem(client.get(url, headers=stranger.auth), 404)

    def test_a_suite_without_a_finished_run_is_not_ready(
        self, client: TestClient, finished: dict[str, Any]
    ) -> None:
        account = finished["account"]
        empty = a_suite_with_cases(client, account, finished["project"], [])
        assert_problem(
            client.get(f"/suites/{empty}/coverage", headers=account.auth), 409, "coverage-not-ready"
        )
        fresh = a_project(client, account).json()["id"]
        assert get_list(client, account, f"/projects/{fresh}/coverage") == []


def get_list(client: TestClient, account: Account, url: str) -> list[Any]:
    response = client.get(url, headers=account.auth)
    assert response.status_code == 200, response.text
    found: list[Any] = response.json()
    return found
