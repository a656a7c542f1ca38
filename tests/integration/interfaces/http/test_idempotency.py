"""Idempotency-Key: a command sent again under its key is answered, not run, again."""

import dataclasses
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest

from infrastructure.projections.catalog import read_model
from interfaces.bootstrap import Runtime
from interfaces.http.app import create_app
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
)

KEEP = timedelta(hours=24)
# Answered afresh on every request, by the middleware outside the key's.
_PER_REQUEST = {"x-correlation-id", "idempotent-replayed"}


def a_key() -> str:
    return f"key-{uuid4()}"


def project_body(name: str | None = None) -> dict[str, str]:
    return {"name": name or f"Project {uuid4().hex[:8]}", "base_url": "https://api.example.com"}


def answer_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in _PER_REQUEST}


def rows(runtime: Runtime, key: str) -> list[dict[str, Any]]:
    with runtime.pool.connection() as conn:
        return conn.execute(
            "SELECT * FROM auditlog.idempotent_requests WHERE request_id = %s", (key,)
        ).fetchall()


def projects_named(client: TestClient, runtime: Runtime, account: Account, name: str) -> int:
    for runner in runtime.runners((read_model("projects"),)):
        runner.catch_up()
    listed = client.get("/projects", headers=account.auth, params={"limit": 100})
    assert listed.status_code == 200, listed.text
    return sum(1 for p in listed.json()["items"] if p["name"] == name)


def keyed(account: Account, key: str) -> dict[str, str]:
    return {**account.auth, "Idempotency-Key": key}


class TestReplay:
    def test_the_same_key_and_body_answers_the_first_answer_without_running_again(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        account = an_account(client)
        key, body = a_key(), project_body()
        first = client.post("/projects", json=body, headers=keyed(account, key))
        again = client.post("/projects", json=body, headers=keyed(account, key))
        assert first.status_code == again.status_code == 201
        assert again.content == first.content
        assert answer_headers(again) == answer_headers(first)
        assert again.headers["Location"] == first.headers["Location"]
        assert again.headers["Idempotent-Replayed"] == "true"
        assert "Idempotent-Replayed" not in first.headers
        assert projects_named(client, http_runtime, account, body["name"]) == 1

    def test_the_same_key_with_another_body_is_refused(self, client: TestClient) -> None:
        account = an_account(client)
        key = a_key()
        first = client.post("/projects", json=project_body(), headers=keyed(account, key))
        assert first.status_code == 201
        other = client.post("/projects", json=project_body(), headers=keyed(account, key))
        assert_problem(other, 422, "idempotency-key-reused")
        # Another route under the same key is another request too.
        elsewhere = client.post(
            f"/projects/{first.json()['id']}/archive", headers=keyed(account, key)
        )
        assert_problem(elsewhere, 422, "idempotency-key-reused")

    def test_without_a_key_every_request_runs(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        account = an_account(client)
        body = project_body()
        for _ in range(2):
            assert client.post("/projects", json=body, headers=account.auth).status_code == 201
        assert projects_named(client, http_runtime, account, body["name"]) == 2

    def test_keys_belong_to_their_caller(self, client: TestClient, http_runtime: Runtime) -> None:
        one, other = an_account(client), an_account(client)
        key, body = a_key(), project_body()
        mine = client.post("/projects", json=body, headers=keyed(one, key))
        theirs = client.post("/projects", json=body, headers=keyed(other, key))
        assert mine.status_code == theirs.status_code == 201
        assert mine.json()["id"] != theirs.json()["id"]
        assert "Idempotent-Replayed" not in theirs.headers

    def test_a_refused_command_gives_its_key_back(self, client: TestClient) -> None:
        account = an_account(client)
        key = a_key()
        refused = client.post("/projects", json={"name": ""}, headers=keyed(account, key))
        assert_problem(refused, 422, "validation")
        made = client.post("/projects", json=project_body(), headers=keyed(account, key))
        assert made.status_code == 201, made.text
        assert "Idempotent-Replayed" not in made.headers

    def test_a_key_is_forgotten_after_the_time_answers_are_kept(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        account = an_account(client)
        key, body = a_key(), project_body()
        first = client.post("/projects", json=body, headers=keyed(account, key))
        with http_runtime.pool.connection() as conn:
            conn.execute(
                "UPDATE auditlog.idempotent_requests"
                " SET created_date_time = now() - interval '25 hours' WHERE request_id = %s",
                (key,),
            )
        later = client.post("/projects", json=body, headers=keyed(account, key))
        assert later.status_code == 201
        assert later.json()["id"] != first.json()["id"]
        assert http_runtime.idempotency.forget_answers(older_than=KEEP) == 0
        assert len(rows(http_runtime, key)) == 1

    def test_old_answers_are_deleted_and_handled_messages_kept(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        account = an_account(client)
        key = a_key()
        client.post("/projects", json=project_body(), headers=keyed(account, key))
        http_runtime.idempotency.record("outbox:old-handler", key)
        with http_runtime.pool.connection() as conn:
            conn.execute(
                "UPDATE auditlog.idempotent_requests"
                " SET created_date_time = now() - interval '25 hours' WHERE request_id = %s",
                (key,),
            )
        assert http_runtime.idempotency.forget_answers(older_than=KEEP) >= 1
        assert [row["request_type"] for row in rows(http_runtime, key)] == ["outbox:old-handler"]


class TestStorage:
    def test_every_seed_column_is_filled_and_the_answer_is_sealed(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        account = an_account(client)
        key, body = a_key(), project_body(f"Secretive {uuid4().hex}")
        client.post("/projects", json=body, headers=keyed(account, key))
        (row,) = rows(http_runtime, key)
        assert row["request_type"] == f"http:{account.id}"
        assert row["request_id"] == key
        assert row["id"] and row["created_date_time"] and row["updated_date_time"]
        assert row["row_version"] == 2  # claimed, then answered
        assert row["response"].startswith("sealed:v1:")
        assert body["name"] not in row["response"]
        assert body["name"] not in row["fingerprint"]

    def test_a_key_left_unanswered_by_a_dead_process_is_taken_over(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        account = an_account(client)
        key = a_key()
        with http_runtime.pool.connection() as conn:
            conn.execute(
                "INSERT INTO auditlog.idempotent_requests"
                " (id, request_type, request_id, fingerprint, updated_date_time)"
                " VALUES (%s, %s, %s, 'x', now() - interval '1 hour')",
                (uuid4(), f"http:{account.id}", key),
            )
        made = client.post("/projects", json=project_body(), headers=keyed(account, key))
        assert made.status_code == 201, made.text


@pytest.fixture(scope="module")
def hasty_client(http_runtime: Runtime) -> Iterator[TestClient]:
    """A client that does not wait for the first request under a key."""
    settings = http_runtime.settings.model_copy(update={"idempotency_wait_seconds": 0})
    app = create_app(dataclasses.replace(http_runtime, settings=settings))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


class TestRefusals:
    def test_a_key_still_running_answers_409(
        self, hasty_client: TestClient, http_runtime: Runtime
    ) -> None:
        account = an_account(hasty_client)
        key, body = a_key(), project_body()
        first = hasty_client.post("/projects", json=body, headers=keyed(account, key))
        with http_runtime.pool.connection() as conn:  # as if the first were still running
            conn.execute(
                "UPDATE auditlog.idempotent_requests SET response = NULL WHERE request_id = %s",
                (key,),
            )
        again = hasty_client.post("/projects", json=body, headers=keyed(account, key))
        assert_problem(again, 409, "idempotency-key-in-use")
        assert again.headers["Retry-After"] == "1"
        assert first.status_code == 201

    @pytest.mark.parametrize("key", ["", "a" * 256, "with space", "é"])
    def test_a_bad_key_is_400(
        self, client: TestClient, key: str, account_for_reads: Account
    ) -> None:
        answer = client.post(
            "/projects",
            json=project_body(),
            headers={**account_for_reads.auth, "Idempotency-Key": key.encode()},
        )
        assert_problem(answer, 400, "bad-idempotency-key")

    def test_an_invalid_token_is_401_and_keeps_no_key(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        key = a_key()
        answer = client.post(
            "/projects",
            json=project_body(),
            headers={"Authorization": "Bearer nope", "Idempotency-Key": key},
        )
        assert_problem(answer, 401)
        assert rows(http_runtime, key) == []

    def test_log_in_takes_no_key(self, client: TestClient) -> None:
        account = an_account(client)
        body = {"email": account.email, "password": account.password}
        headers = {"Idempotency-Key": a_key()}
        first = client.post("/auth/login", json=body, headers=headers)
        again = client.post("/auth/login", json=body, headers=headers)
        assert first.status_code == again.status_code == 200
        assert first.json()["refresh_token"] != again.json()["refresh_token"]

    def test_the_openapi_document_states_the_key_on_commands(self, client: TestClient) -> None:
        paths = client.get("/openapi.json").json()["paths"]
        create = paths["/projects"]["post"]
        names = [p["name"] for p in create["parameters"] if p["in"] == "header"]
        assert "Idempotency-Key" in names
        assert {"400", "409", "422"} <= set(create["responses"])
        login = paths["/auth/login"]["post"]
        assert "Idempotency-Key" not in [p["name"] for p in login.get("parameters", [])]


class TestConcurrency:
    def test_identical_keyed_requests_at_once_queue_one_run(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        account = an_account(client)
        project = a_project(client, account).json()
        environment = client.post(
            f"/projects/{project['id']}/environments",
            headers=account.auth,
            json={"name": "local", "base_url": "http://127.0.0.1:9"},
        )
        assert environment.status_code == 201, environment.text
        suite = client.post(
            f"/projects/{project['id']}/suites", json={"name": "s"}, headers=account.auth
        ).json()
        case = {
            "name": "c",
            "request": {"method": "GET", "url": "/"},
            "expectations": {"expected_status": [200]},
        }
        added = client.post(f"/suites/{suite['id']}/cases", json=case, headers=account.auth)
        assert added.status_code == 201, added.text
        key = a_key()

        def queue(_: int) -> httpx.Response:
            response: httpx.Response = client.post(
                f"/suites/{suite['id']}/runs", json={}, headers=keyed(account, key)
            )
            return response

        with ThreadPoolExecutor(max_workers=6) as pool:
            answers = list(pool.map(queue, range(6)))
        assert [a.status_code for a in answers] == [202] * 6, [a.text for a in answers]
        assert len({a.json()["id"] for a in answers}) == 1
        assert sum("Idempotent-Replayed" not in a.headers for a in answers) == 1
        for runner in http_runtime.runners((read_model("testexec"),)):
            runner.catch_up()
        runs = client.get(f"/suites/{suite['id']}/runs", headers=account.auth)
        assert runs.status_code == 200, runs.text
        assert len(runs.json()) == 1
