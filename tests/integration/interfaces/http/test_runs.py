"""Environments and runs over HTTP, executed in-process against a real API on loopback."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
import redis

from domain.environments.model import AUTH_FIELDS, AuthType
from infrastructure.projections.catalog import read_model
from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    PROBLEM_JSON,
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
    error_fields,
)
from tests.support.target_api import build_target, serve


@pytest.fixture(scope="module")
def target() -> Iterator[tuple[str, dict[str, Any]]]:
    app, state = build_target()
    with serve(app) as url:
        yield url, state


def a_suite_with_cases(
    client: TestClient,
    account: Account,
    project_id: str,
    cases: list[dict[str, Any]],
    *,
    chained: bool = True,
) -> str:
    """This function will add cases in order, each depending on the one before when chained."""
    suite = client.post(
        f"/projects/{project_id}/suites", json={"name": "by hand"}, headers=account.auth
    ).json()
    previous: list[str] = []
    for case in cases:
        added = client.post(
            f"/suites/{suite['id']}/cases",
            json={**case, "depends_on": previous},
            headers=account.auth,
        )
        assert added.status_code == 201, added.text
        previous = [added.json()["id"]] if chained else []
    return str(suite["id"])


def a_queued_run(
    client: TestClient, cases: list[dict[str, Any]], base_url: str, *, chained: bool = False
) -> tuple[Account, str, dict[str, Any]]:
    """This function will queue a run of new cases on a new account's environment, and give
    the account, the environment's id and the queued run."""
    account = an_account(client)
    project = a_project(client, account).json()
    env = client.post(
        f"/projects/{project['id']}/environments",
        headers=account.auth,
        json={"name": "local", "base_url": base_url},
    ).json()
    suite_id = a_suite_with_cases(client, account, project["id"], cases, chained=chained)
    run = client.post(f"/suites/{suite_id}/runs", headers=account.auth, json={})
    assert run.status_code == 202, run.text
    return account, env["id"], run.json()


def catch_up(runtime: Runtime, name: str) -> None:
    # Reads of suites and cases join the projects table for their owner.
    names = ("projects", name) if name == "testgen" else (name,)
    for runner in runtime.runners(tuple(read_model(n) for n in names)):
        runner.catch_up()


LOGIN = {
    "name": "login",
    "request": {
        "method": "POST",
        "url": "/auth/login",
        "body_type": "JSON",
        "body": {"username": "{{user}}", "password": "{{password}}"},
    },
    "expectations": {
        "expected_status": [200],
        "jsonpath_checks": [{"path": "$.access_token", "operator": "exists"}],
    },
    "variables": [{"name": "token", "source": "body", "expression": "$.access_token"}],
}


def create_pet(name: str) -> dict[str, Any]:
    return {
        "name": f"create {name}",
        "request": {
            "method": "POST",
            "url": "/pets",
            "body_type": "JSON",
            "body": {"name": name},
            "headers": {"Authorization": "Bearer {{token}}"},
        },
        "expectations": {"expected_status": [201]},
        "variables": [{"name": "petId", "source": "body", "expression": "$.id"}],
    }


GET_PET = {
    "name": "read the pet",
    "request": {
        "method": "GET",
        "url": "/pets/{{petId}}",
        "headers": {"Authorization": "Bearer {{token}}"},
    },
    "expectations": {
        "expected_status": [200],
        "jsonpath_checks": [{"path": "$.name", "operator": "equals", "expected": "Rex"}],
    },
}


class TestEnvironmentRoundTrip:
    def test_a_get_sent_back_as_a_patch_changes_nothing(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        account = an_account(client)
        project = a_project(client, account).json()
        created = client.post(
            f"/projects/{project['id']}/environments",
            headers=account.auth,
            json={
                "name": "staging",
                "base_url": "https://staging.example.com",
                "variables": [
                    {"name": "zeta", "value": "last-made-first", "secret": False},
                    {"name": "password", "value": "hunter2-secret", "secret": True},
                ],
                "headers": {"X-Team": "qa"},
                "auth": {"type": "bearer", "token": "bearer-secret"},
            },
        ).json()
        read = client.get(f"/environments/{created['id']}", headers=account.auth)
        assert read.json() == created
        back = client.patch(
            f"/environments/{created['id']}", headers=account.auth, json=read.json()
        )
        assert back.status_code == 200, back.text
        assert back.json() == read.json() and back.headers["ETag"] == read.headers["ETag"]
        env = http_runtime.testexec.environment(UUID(created["id"]), account.id)
        opened = http_runtime.testexec.opened(env)
        assert (opened.auth["token"], opened.variables["password"]) == (
            "bearer-secret",
            "hunter2-secret",
        )
        catch_up(http_runtime, "testexec")
        listed = client.get(f"/projects/{project['id']}/environments", headers=account.auth)
        assert listed.json() == [read.json()]

    def test_refuses_a_changed_read_only_field_or_an_unknown_one_naming_it(
        self, client: TestClient
    ) -> None:
        account = an_account(client)
        project = a_project(client, account).json()
        created = client.post(
            f"/projects/{project['id']}/environments",
            headers=account.auth,
            json={"name": "a", "base_url": "https://a.example.com"},
        ).json()
        url = f"/environments/{created['id']}"
        changed = client.patch(url, headers=account.auth, json={**created, "is_default": False})
        assert error_fields(assert_problem(changed, 422)) == {"is_default"}
        unknown = client.patch(url, headers=account.auth, json={"nmae": "typo"})
        assert "nmae" in str(assert_problem(unknown, 422))
        stale = client.patch(url, headers=account.auth, json={**created, "version": 99})
        assert_problem(stale, 412, "version-mismatch")
        secret = client.patch(
            url, headers=account.auth, json={"auth": {"type": "bearer", "token": "***"}}
        )
        assert error_fields(assert_problem(secret, 422)) == {"auth.token"}


class TestEnvironments:
    def test_keep_secrets_write_only(self, client: TestClient, http_runtime: Runtime) -> None:
        account = an_account(client)
        project = a_project(client, account).json()
        created = client.post(
            f"/projects/{project['id']}/environments",
            headers=account.auth,
            json={
                "name": "staging",
                "base_url": "https://staging.example.com",
                "variables": [
                    {"name": "password", "value": "hunter2-secret", "secret": True},
                    {"name": "user", "value": "alice"},
                ],
                "auth": {"type": "basic", "username": "alice", "password": "basic-secret"},
            },
        )
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["auth"] == {"type": "basic", "username": "alice", "password": "***"}
        assert {v["name"]: v["value"] for v in body["variables"]} == {
            "password": "***",
            "user": "alice",
        }
        assert body["is_default"] is True
        history = http_runtime.testexec.history(
            http_runtime.testexec.environment(UUID(body["id"]), account.id).id
        )
        assert "hunter2-secret" not in str(history) and "basic-secret" not in str(history)
        kept = client.patch(
            f"/environments/{body['id']}",
            headers=account.auth,
            json={"auth": {"type": "basic", "username": "bob", "password": "***"}},
        )
        assert kept.status_code == 200, kept.text
        opened = http_runtime.testexec.opened(
            http_runtime.testexec.environment(UUID(body["id"]), account.id)
        )
        assert opened.auth == {"type": "basic", "username": "bob", "password": "basic-secret"}
        assert sorted(opened.secrets) == ["basic-secret", "hunter2-secret"]

    def test_keep_one_default_per_project(self, client: TestClient, http_runtime: Runtime) -> None:
        account = an_account(client)
        project = a_project(client, account).json()
        first = client.post(
            f"/projects/{project['id']}/environments",
            headers=account.auth,
            json={"name": "a", "base_url": "https://a.example.com"},
        ).json()
        second = client.post(
            f"/projects/{project['id']}/environments",
            headers=account.auth,
            json={"name": "b", "base_url": "https://b.example.com", "make_default": True},
        ).json()
        catch_up(http_runtime, "testexec")
        listed = {
            e["name"]: e["is_default"]
            for e in client.get(
                f"/projects/{project['id']}/environments", headers=account.auth
            ).json()
        }
        assert listed == {"a": False, "b": True}
        assert first["is_default"] is True and second["is_default"] is True

    def test_refuse_a_stale_if_match_on_make_default_and_delete(self, client: TestClient) -> None:
        account = an_account(client)
        project = a_project(client, account).json()
        url = f"/projects/{project['id']}/environments"
        env = client.post(
            url, headers=account.auth, json={"name": "a", "base_url": "https://a.example.com"}
        )
        env_id, etag = env.json()["id"], env.headers["ETag"]
        renamed = client.patch(
            f"/environments/{env_id}",
            headers={**account.auth, "If-Match": etag},
            json={"name": "b"},
        )
        assert renamed.status_code == 200, renamed.text
        for method, path in (
            ("POST", f"/environments/{env_id}/default"),
            ("DELETE", f"/environments/{env_id}"),
        ):
            stale = client.request(method, path, headers={**account.auth, "If-Match": etag})
            problem = assert_problem(stale, 412, "version-mismatch")
            assert f'"{problem["current_version"]}"' == renamed.headers["ETag"] != etag
        fresh = {**account.auth, "If-Match": renamed.headers["ETag"]}
        assert client.delete(f"/environments/{env_id}", headers=fresh).status_code == 204
        assert client.get(f"/environments/{env_id}", headers=account.auth).status_code == 404

    @pytest.mark.parametrize(
        ("auth", "field"),
        [
            ({"type": "bearer", "token": "t", "": None}, "auth."),
            ({"type": "basic", "username": "u", "password": "p", "token": "t"}, "auth.token"),
            ({"type": "basic", "username": "  ", "password": "p"}, "auth.username"),
            ({"type": "bearer", "token": ""}, "auth.token"),
            ({"type": "api_key", "in": "body", "name": "K", "value": "v"}, "auth.in"),
            ({"token": "t"}, "auth.type"),
        ],
    )
    def test_refuse_an_auth_outside_its_types_shape_naming_the_field(
        self, client: TestClient, auth: dict[str, Any], field: str
    ) -> None:
        account = an_account(client)
        project = a_project(client, account).json()

        refused = client.post(
            f"/projects/{project['id']}/environments",
            headers=account.auth,
            json={"name": "x", "base_url": "https://x.example.com", "auth": auth},
        )

        assert field in error_fields(assert_problem(refused, 422, "validation"))

    def test_state_each_auth_type_and_its_fields_in_the_document(self, client: TestClient) -> None:
        schemas = client.app.openapi()["components"]["schemas"]  # type: ignore[attr-defined]
        auth = schemas["EnvironmentCreate"]["properties"]["auth"]
        update = schemas["EnvironmentUpdate"]["properties"]

        assert auth["discriminator"]["propertyName"] == "type"
        assert set(auth["discriminator"]["mapping"]) == {t.value for t in AuthType}
        for kind in AuthType:
            variant = schemas[auth["discriminator"]["mapping"][kind.value].rsplit("/", 1)[-1]]
            assert variant["additionalProperties"] is False
            assert set(variant["properties"]) == {"type", *AUTH_FIELDS[kind]}
        assert all(update[name]["readOnly"] for name in ("id", "project_id", "is_default"))

    def test_refuse_a_variable_named_twice_as_inconsistent(self, client: TestClient) -> None:
        account = an_account(client)
        project = a_project(client, account).json()
        variables = [{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]

        refused = client.post(
            f"/projects/{project['id']}/environments",
            headers=account.auth,
            json={"name": "x", "base_url": "https://x.example.com", "variables": variables},
        )

        assert error_fields(assert_problem(refused, 422, "inconsistent-values")) == {
            "variables.1.name"
        }

    def test_refuse_an_unknown_auth_type_with_the_field_named(self, client: TestClient) -> None:
        account = an_account(client)
        project = a_project(client, account).json()
        refused = client.post(
            f"/projects/{project['id']}/environments",
            headers=account.auth,
            json={"name": "x", "base_url": "https://x.example.com", "auth": {"type": "magic"}},
        )
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith(PROBLEM_JSON)
        assert refused.json()["errors"][0]["field"] == "auth.type"

    def test_refuse_nul_in_every_text_and_keep_the_projection_going(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        account = an_account(client)
        project = a_project(client, account).json()
        url = f"/projects/{project['id']}/environments"
        valid = {"name": "ok", "base_url": "https://ok.example.com"}
        nul = "a\u0000b"
        oauth = {
            "type": "oauth2_client_credentials",
            "token_url": "https://auth.example.com/token",
            "client_id": "id",
            "client_secret": "s",
        }
        refused = [
            ({"name": nul}, "name"),
            ({"base_url": f"https://ok.example.com/{nul}"}, "base_url"),
            ({"variables": [{"name": nul, "value": "v"}]}, "variables.0.name"),
            ({"variables": [{"name": "v", "value": nul}]}, "variables.0.value"),
            ({"variables": [{"name": "v", "value": nul, "secret": True}]}, "variables.0.value"),
            ({"headers": {nul: "v"}}, "headers"),
            ({"headers": {"X-Tenant": nul}}, "headers.X-Tenant"),
            ({"auth": {"type": nul}}, "auth.type"),
            ({"auth": {"type": "basic", "username": nul, "password": "s"}}, "auth.username"),
            ({"auth": {"type": "basic", "username": "u", "password": nul}}, "auth.password"),
            ({"auth": {"type": "bearer", "token": nul}}, "auth.token"),
            *(
                (
                    {
                        "auth": {
                            "type": "api_key",
                            "in": "header",
                            "name": "K",
                            "value": "s",
                            field: nul,
                        }
                    },
                    f"auth.{field}",
                )
                for field in ("in", "name", "value")
            ),
            *(
                ({"auth": {**oauth, field: nul}}, f"auth.{field}")
                for field in ("token_url", "client_id", "client_secret", "scope", "audience")
            ),
        ]
        for body, field in refused:
            answer = client.post(url, headers=account.auth, json={**valid, **body})
            assert field in error_fields(assert_problem(answer, 422, "validation")), (body, field)
        env = client.post(url, headers=account.auth, json=valid)
        assert env.status_code == 201, env.text
        for body, field in refused:
            answer = client.patch(
                f"/environments/{env.json()['id']}", headers=account.auth, json=body
            )
            assert field in error_fields(assert_problem(answer, 422, "validation")), (body, field)
        catch_up(http_runtime, "testexec")
        listed = client.get(url, headers=account.auth)
        assert [e["name"] for e in listed.json()] == ["ok"]

    def test_refuse_a_malformed_url_with_the_field_named(self, client: TestClient) -> None:
        account = an_account(client)
        project = a_project(client, account).json()
        url = f"/projects/{project['id']}/environments"
        valid = {"name": "ok", "base_url": "https://ok.example.com"}
        oauth = {
            "type": "oauth2_client_credentials",
            "token_url": "http://[::1",
            "client_id": "id",
            "client_secret": "s",
        }
        answer = client.post(url, headers=account.auth, json={**valid, "base_url": "http://[::1"})
        assert error_fields(assert_problem(answer, 422, "validation")) == {"base_url"}
        answer = client.post(url, headers=account.auth, json={**valid, "auth": oauth})
        assert error_fields(assert_problem(answer, 422, "validation")) == {"auth.token_url"}
        env_url = f"/environments/{client.post(url, headers=account.auth, json=valid).json()['id']}"
        answer = client.patch(env_url, headers=account.auth, json={"base_url": "http://[::1"})
        assert error_fields(assert_problem(answer, 422, "validation")) == {"base_url"}
        answer = client.patch(env_url, headers=account.auth, json={"auth": oauth})
        assert error_fields(assert_problem(answer, 422, "validation")) == {"auth.token_url"}

    def test_refuse_oversized_headers_and_auth_fields(self, client: TestClient) -> None:
        account = an_account(client)
        project = a_project(client, account).json()
        url = f"/projects/{project['id']}/environments"
        valid = {"name": "ok", "base_url": "https://ok.example.com"}
        refused = [
            ({"headers": {f"X-H{i}": "v" for i in range(101)}}, "headers"),
            ({"headers": {"X" * 257: "v"}}, f"headers.{'X' * 257}.[key]"),
            ({"headers": {"X-Big": "v" * 8193}}, "headers.X-Big"),
            ({"auth": {"type": "basic", "username": "u" * 8193, "password": "s"}}, "auth.username"),
            ({"auth": {"type": "basic", "username": "u", "password": "p" * 8193}}, "auth.password"),
            ({"auth": {"type": "bearer", "token": "t" * 8193}}, "auth.token"),
        ]
        for body, field in refused:
            answer = client.post(url, headers=account.auth, json={**valid, **body})
            assert error_fields(assert_problem(answer, 422, "validation")) == {field}, body
        at_the_bounds = {
            "headers": {f"X-H{i}": "v" for i in range(99)} | {"X" * 256: "v" * 8192},
            "auth": {"type": "bearer", "token": "t" * 8192},
        }
        accepted = client.post(url, headers=account.auth, json={**valid, **at_the_bounds})
        assert accepted.status_code == 201, accepted.text
        assert len(accepted.json()["headers"]) == 100


class TestRuns:
    def test_chain_a_token_and_an_id_and_agree_in_redis_and_postgres(
        self, client: TestClient, http_runtime: Runtime, target: tuple[str, dict[str, Any]]
    ) -> None:
        url, _ = target
        account = an_account(client)
        project = a_project(client, account).json()
        env = client.post(
            f"/projects/{project['id']}/environments",
            headers=account.auth,
            json={
                "name": "local",
                "base_url": url,
                "variables": [
                    {"name": "user", "value": "alice"},
                    {"name": "password", "value": "wonderland", "secret": True},
                ],
            },
        ).json()
        suite_id = a_suite_with_cases(
            client, account, project["id"], [LOGIN, create_pet("Rex"), GET_PET]
        )
        queued = client.post(
            f"/suites/{suite_id}/runs", headers=account.auth, json={"environment_id": env["id"]}
        )
        assert queued.status_code == 202, queued.text
        run = queued.json()
        assert http_runtime.testexec.execute_test_run(UUID(run["id"])) == "Completed"
        summary = client.get(f"/runs/{run['id']}", headers=account.auth).json()
        assert (
            summary["passed"],
            summary["failed"],
            summary["skipped"],
            summary["total_tests"],
        ) == (3, 0, 0, 3)
        results = client.get(f"/runs/{run['id']}/results", headers=account.auth).json()["results"]
        assert [r["status"] for r in results] == ["Passed", "Passed", "Passed"]
        assert (
            "wonderland" not in str(results)
            and '"password": "***"' in results[0]["requestBody"].replace("'", '"')
        ) or "***" in results[0]["requestBody"]
        pet_id = client.get(f"/runs/{run['id']}/variables", headers=account.auth).json()["petId"]
        assert results[2]["requestUrl"].endswith(f"/pets/{pet_id}")
        catch_up(http_runtime, "testexec")
        row = client.get(f"/suites/{suite_id}/runs", headers=account.auth).json()[0]
        assert (row["status"], row["passed"], row["run_number"]) == ("Completed", 3, 1)
        # One shape for a run: from its events and from the read table, the same fields
        # and values (times as timestamptz give back what the events carried).
        assert row == client.get(f"/runs/{run['id']}", headers=account.auth).json()
        assert (row["suite_id"], row["test_suite_id"], row["passed_count"]) == (
            suite_id,
            suite_id,
            3,
        )
        assert datetime.fromisoformat(row["started_at"]) <= datetime.fromisoformat(
            row["completed_at"]
        )
        recent = client.get("/runs/recent", headers=account.auth)
        assert recent.status_code == 200, recent.text
        assert [(r["id"], r["status"]) for r in recent.json()] == [(run["id"], "Completed")]
        stranger = an_account(client)
        assert client.get("/runs/recent", headers=stranger.auth).json() == []

    def test_skip_a_case_whose_dependency_failed_with_the_reason(
        self, client: TestClient, http_runtime: Runtime, target: tuple[str, dict[str, Any]]
    ) -> None:
        url, _ = target
        account = an_account(client)
        project = a_project(client, account).json()
        client.post(
            f"/projects/{project['id']}/environments",
            headers=account.auth,
            json={
                "name": "local",
                "base_url": url,
                "variables": [
                    {"name": "user", "value": "alice"},
                    {"name": "password", "value": "wrong"},
                ],
            },
        )
        suite_id = a_suite_with_cases(client, account, project["id"], [LOGIN, create_pet("Rex")])
        catch_up(http_runtime, "testgen")
        cases = client.get(f"/suites/{suite_id}/cases", headers=account.auth).json()
        pet = cases[1]
        run = client.post(f"/suites/{suite_id}/runs", headers=account.auth, json={}).json()
        http_runtime.testexec.execute_test_run(UUID(run["id"]))
        results = {
            r["case_id"]: r
            for r in client.get(f"/runs/{run['id']}/results", headers=account.auth).json()[
                "results"
            ]
        }
        assert results[str(cases[0]["id"])]["status"] == "Failed"
        assert results[pet["id"]]["status"] == "Skipped"
        assert "login" in results[pet["id"]]["failureReason"]

    def test_refuse_a_suite_waiting_for_review_with_the_reason(self, client: TestClient) -> None:
        account = an_account(client)
        project = a_project(client, account).json()
        client.post(
            f"/projects/{project['id']}/environments",
            headers=account.auth,
            json={"name": "local", "base_url": "https://x.example.com"},
        )
        suite_id = a_suite_with_cases(client, account, project["id"], [LOGIN])
        assert client.post(f"/suites/{suite_id}/proposals", headers=account.auth).status_code == 201
        refused = client.post(f"/suites/{suite_id}/runs", headers=account.auth, json={})
        assert refused.status_code == 409
        assert "PendingReview" in refused.json()["detail"]

    def test_cancel_a_pending_run_at_once(
        self, client: TestClient, target: tuple[str, dict[str, Any]]
    ) -> None:
        account, _, run = a_queued_run(client, [LOGIN], target[0])
        stale = client.post(
            f"/runs/{run['id']}/cancel", headers={**account.auth, "If-Match": '"7"'}
        )
        assert assert_problem(stale, 412, "version-mismatch")["current_version"] == 1
        cancelled = client.post(
            f"/runs/{run['id']}/cancel", headers={**account.auth, "If-Match": '"1"'}
        )
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "Cancelled"
        again = client.post(f"/runs/{run['id']}/cancel", headers=account.auth)
        assert again.status_code == 409

    def test_refuse_a_log_start_beyond_what_redis_accepts(
        self, client: TestClient, target: tuple[str, dict[str, Any]]
    ) -> None:
        account, _, run = a_queued_run(client, [LOGIN], target[0])
        logs = f"/runs/{run['id']}/logs"
        for start in (2**31 + 1, 99999999999999999999):
            refused = client.get(logs, params={"start": start}, headers=account.auth)
            assert error_fields(assert_problem(refused, 422, "validation")) == {"start"}
        at_the_bound = client.get(logs, params={"start": 2**31}, headers=account.auth)
        assert (at_the_bound.status_code, at_the_bound.json()) == (200, [])

    def test_answer_410_with_the_summary_once_results_expired_and_record_the_archive(
        self,
        client: TestClient,
        http_runtime: Runtime,
        target: tuple[str, dict[str, Any]],
        servers: Any,
    ) -> None:
        account = an_account(client)
        project = a_project(client, account).json()
        client.post(
            f"/projects/{project['id']}/environments",
            headers=account.auth,
            json={
                "name": "local",
                "base_url": target[0],
                "variables": [
                    {"name": "user", "value": "alice"},
                    {"name": "password", "value": "wonderland"},
                ],
            },
        )
        suite_id = a_suite_with_cases(client, account, project["id"], [LOGIN])
        run = client.post(f"/suites/{suite_id}/runs", headers=account.auth, json={}).json()
        run_id = UUID(run["id"])
        http_runtime.testexec.execute_test_run(run_id)
        store = redis.Redis.from_url(servers.redis_url)
        # The owner's plan keeps results: Free, 5 days (§5).
        assert (
            4 * 86400 < store.ttl(http_runtime.hot_results.keys.run(run_id)["results"]) <= 5 * 86400
        )
        # Time passes: Redis forgets (TTL), and the clean-up job runs after the expiry date.
        store.delete(*store.keys(f"{http_runtime.settings.queue_namespace}:testrun:{run_id}:*"))
        catch_up(http_runtime, "testexec")
        later = datetime.now(UTC) + timedelta(days=8)
        clock = http_runtime.testexec._clock
        http_runtime.testexec._clock = type("Later", (), {"now": staticmethod(lambda: later)})()
        try:
            assert http_runtime.testexec.archive_expired_results() >= 1
        finally:
            http_runtime.testexec._clock = clock
        gone = client.get(f"/runs/{run['id']}/results", headers=account.auth)
        assert gone.status_code == 410
        assert (
            gone.json()["summary"]["passed"] == 1
            and gone.json()["summary"]["results_archived"] is True
        )
        assert (
            client.get(f"/runs/{run['id']}", headers=account.auth).json()["status"] == "Completed"
        )
