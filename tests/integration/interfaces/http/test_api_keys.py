"""API keys over HTTP: made by a user (shown once, only a hash kept), scoped, expiring,
revocable, rate-limited, last use recorded, and every change made with one attributed to the
key and its owner; another user's key is not found (BOLA)."""

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.api_keys.model import ApiKey, api_key_hash, api_key_id
from infrastructure.projections.catalog import read_model
from infrastructure.security.api_key_limits import ApiKeyRateLimit
from interfaces.bootstrap import Runtime
from interfaces.http.app import create_app
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
)


@pytest.fixture(scope="module")
def catch_up_keys(http_runtime: Runtime) -> Callable[[], None]:
    runners = http_runtime.runners(
        (read_model("users"), read_model("projects"), read_model("api_keys"))
    )

    def run() -> None:
        for runner in runners:
            runner.catch_up()

    return run


def a_key(
    client: TestClient, account: Account, scope: str = "write", **extra: Any
) -> dict[str, Any]:
    response = client.post(
        "/me/api-keys",
        json={"name": f"ci-{uuid4().hex[:6]}", "scope": scope, **extra},
        headers=account.auth,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def key_auth(key: dict[str, Any]) -> dict[str, str]:
    return {"X-API-Key": key["key"]}


class TestCreateApiKey:
    def test_shows_the_key_once_and_keeps_only_its_hash(
        self, client: TestClient, http_runtime: Runtime, catch_up_keys: Callable[[], None]
    ) -> None:
        account = an_account(client)
        created = a_key(client, account, "read", expires_in_days=30)
        assert created["key"].startswith("tk_") and len(created["key"]) > 40
        assert created["prefix"] == created["key"][:9]
        assert created["scope"] == "read"
        expires = datetime.fromisoformat(created["expires_at"])
        assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
        catch_up_keys()
        listed = client.get("/me/api-keys", headers=account.auth).json()["items"]
        assert [k["id"] for k in listed] == [created["id"]]
        assert "key" not in listed[0]
        # Nothing stored holds the key: not the events, not the read table.
        stored = [repr(event.__dict__) for event in http_runtime.identity.events.get(created["id"])]
        assert not any(created["key"] in text for text in stored)
        assert any(api_key_hash(created["key"]) in text for text in stored)
        with http_runtime.pool.connection() as conn:
            row = conn.execute(
                "SELECT * FROM identity.api_keys WHERE id = %s", (created["id"],)
            ).fetchone()
        assert row is not None and created["key"] not in repr(row)

    @pytest.mark.parametrize(
        "body",
        [
            {"name": "x", "scope": "admin"},
            {"name": "", "scope": "read"},
            {"name": "   ", "scope": "read"},
            {"name": "x", "scope": "read", "expires_in_days": 0},
            {"name": "x", "scope": "read", "expires_in_days": 367},
            {"name": "x" * 101, "scope": "read"},
            {"name": "x", "scope": "read", "owner_id": str(uuid4())},
        ],
    )
    def test_refuses_a_bad_key_with_422(
        self, client: TestClient, account_for_reads: Account, body: dict[str, Any]
    ) -> None:
        response = client.post("/me/api-keys", json=body, headers=account_for_reads.auth)
        assert_problem(response, 422, "validation")

    def test_needs_a_log_in(self, client: TestClient) -> None:
        response = client.post("/me/api-keys", json={"name": "x", "scope": "read"})
        assert_problem(response, 401, "unauthorized")


class TestAuthenticateWithApiKey:
    def test_opens_the_owners_resources_by_header_or_bearer(
        self, client: TestClient, catch_up_keys: Callable[[], None]
    ) -> None:
        account = an_account(client)
        project = a_project(client, account).json()
        key = a_key(client, account, "read")
        catch_up_keys()
        for headers in (key_auth(key), {"Authorization": f"Bearer {key['key']}"}):
            response = client.get(f"/projects/{project['id']}", headers=headers)
            assert response.status_code == 200, response.text
        me = client.get("/me", headers=key_auth(key))
        assert me.status_code == 200 and me.json()["id"] == str(account.id)

    def test_refuses_an_unknown_key_as_a_wrong_token(self, client: TestClient) -> None:
        for secret in (b"tk_" + b"a" * 43, b"tk_", "tk_é".encode(), b"tk_" + b"b" * 400):
            response = client.get("/projects", headers={"X-API-Key": secret})
            assert_problem(response, 401, "unauthorized")

    def test_refuses_an_expired_key(self, client: TestClient, http_runtime: Runtime) -> None:
        account = an_account(client)
        key = a_key(client, account, "read", expires_in_days=1)
        assert client.get("/projects", headers=key_auth(key)).status_code == 200
        identity = http_runtime.identity
        original = identity.clock
        identity.clock = _FixedClock(datetime.now(UTC) + timedelta(days=1, seconds=1))
        try:
            response = client.get("/projects", headers=key_auth(key))
        finally:
            identity.clock = original
        assert_problem(response, 401, "unauthorized")

    def test_a_revoked_key_opens_nothing_at_once(self, client: TestClient) -> None:
        account = an_account(client)
        key = a_key(client, account, "read")
        assert client.get("/projects", headers=key_auth(key)).status_code == 200
        revoked = client.delete(f"/me/api-keys/{key['id']}", headers=account.auth)
        assert revoked.status_code == 204, revoked.text
        assert_problem(client.get("/projects", headers=key_auth(key)), 401, "unauthorized")
        again = client.delete(f"/me/api-keys/{key['id']}", headers=account.auth)
        assert_problem(again, 409, "api-key-revoked")

    def test_a_disabled_owner_s_key_opens_nothing(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        from application.identity.commands import DisableUser
        from domain.shared.meta import system_meta

        account = an_account(client)
        key = a_key(client, account, "read")
        http_runtime.identity.disable_user(
            DisableUser(user_id=account.id, by_user_id=uuid4(), meta=system_meta())
        )
        assert_problem(client.get("/projects", headers=key_auth(key)), 401, "unauthorized")


class _FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@pytest.fixture(scope="module")
def owner(client: TestClient) -> Account:
    return an_account(client)


@pytest.fixture(scope="module")
def keys(client: TestClient, owner: Account) -> dict[str, dict[str, Any]]:
    return {scope: a_key(client, owner, scope) for scope in ("read", "run", "write")}


class TestScopes:
    def test_read_reads_and_changes_nothing(
        self,
        client: TestClient,
        owner: Account,
        keys: dict[str, dict[str, Any]],
        catch_up_keys: Callable[[], None],
    ) -> None:
        project = a_project(client, owner).json()
        catch_up_keys()
        read = key_auth(keys["read"])
        assert client.get(f"/projects/{project['id']}", headers=read).status_code == 200
        body = assert_problem(
            client.post("/projects", json={"name": "p", "base_url": "https://x"}, headers=read),
            403,
            "api-key-scope",
        )
        assert body["needed_scope"] == "write" and body["key_scope"] == "read"
        queued = client.post(f"/suites/{uuid4()}/runs", json={}, headers=read)
        assert_problem(queued, 403, "api-key-scope")

    def test_run_queues_runs_but_changes_nothing_else(
        self, client: TestClient, keys: dict[str, dict[str, Any]]
    ) -> None:
        run = key_auth(keys["run"])
        # Past the scope check: the suite does not exist (404), not a 403.
        assert_problem(client.post(f"/suites/{uuid4()}/runs", json={}, headers=run), 404)
        assert_problem(client.post(f"/runs/{uuid4()}/cancel", headers=run), 404)
        created = client.post("/projects", json={"name": "p", "base_url": "https://x"}, headers=run)
        assert_problem(created, 403, "api-key-scope")

    def test_write_changes_and_is_attributed_to_the_key_and_its_owner(
        self,
        client: TestClient,
        owner: Account,
        keys: dict[str, dict[str, Any]],
        http_runtime: Runtime,
        catch_up_keys: Callable[[], None],
    ) -> None:
        write = key_auth(keys["write"])
        created = client.post(
            "/projects",
            json={"name": f"by key {uuid4().hex[:6]}", "base_url": "https://x"},
            headers=write,
        )
        assert created.status_code == 201, created.text
        project_id = created.json()["id"]
        history = client.get(f"/projects/{project_id}/history", headers=owner.auth).json()
        assert history[0]["user_id"] == str(owner.id)
        assert history[0]["api_key_id"] == keys["write"]["id"]
        runners = http_runtime.runners((read_model("audit_log"),))
        for runner in runners:
            runner.catch_up()
        with http_runtime.pool.connection() as conn:
            entry = conn.execute(
                "SELECT user_id, log FROM auditlog.audit_log_entries WHERE object_id = %s",
                (project_id,),
            ).fetchone()
        assert entry is not None and entry["user_id"] == owner.id
        log = entry["log"] if isinstance(entry["log"], dict) else json.loads(entry["log"])
        assert log["api_key_id"] == keys["write"]["id"]

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("POST", "/me/api-keys"),
            ("GET", "/me/api-keys"),
            ("DELETE", "/me/api-keys/{key_id}"),
            ("POST", "/me/password"),
            ("PUT", "/me/profile"),
            ("GET", "/admin/users"),
        ],
    )
    def test_no_key_manages_the_account_or_the_deployment(
        self,
        client: TestClient,
        keys: dict[str, dict[str, Any]],
        method: str,
        path: str,
    ) -> None:
        write = keys["write"]
        response = client.request(
            method,
            path.format(key_id=write["id"]),
            headers=key_auth(write),
            json={"name": "x", "scope": "write"} if method == "POST" else None,
        )
        if response.status_code == 422:  # a body that does not fit: sent without one
            response = client.request(
                method, path.format(key_id=write["id"]), headers=key_auth(write)
            )
        assert_problem(response, 403, "api-key-not-allowed")


class TestBola:
    def test_another_users_key_is_not_found(
        self, client: TestClient, catch_up_keys: Callable[[], None]
    ) -> None:
        alice, mallory = an_account(client), an_account(client)
        key = a_key(client, alice, "read")
        catch_up_keys()
        assert_problem(client.get(f"/me/api-keys/{key['id']}", headers=mallory.auth), 404)
        assert_problem(client.delete(f"/me/api-keys/{key['id']}", headers=mallory.auth), 404)
        assert client.get("/me/api-keys", headers=mallory.auth).json()["items"] == []
        # And alice's key still works.
        assert client.get("/projects", headers=key_auth(key)).status_code == 200

    def test_a_key_sees_only_its_owners_projects(self, client: TestClient) -> None:
        alice, bob = an_account(client), an_account(client)
        bobs = a_project(client, bob).json()
        key = a_key(client, alice, "write")
        assert_problem(client.get(f"/projects/{bobs['id']}", headers=key_auth(key)), 404)
        patch = client.patch(
            f"/projects/{bobs['id']}", json={"name": "mine"}, headers=key_auth(key)
        )
        assert patch.status_code == 404


class TestLastUseAndLimit:
    def test_records_the_last_use_at_most_once_a_minute(
        self, client: TestClient, http_runtime: Runtime, catch_up_keys: Callable[[], None]
    ) -> None:
        account = an_account(client)
        key = a_key(client, account, "read")
        for _ in range(3):
            assert client.get("/projects", headers=key_auth(key)).status_code == 200
        catch_up_keys()
        listed = client.get(f"/me/api-keys/{key['id']}", headers=account.auth).json()
        assert listed["last_used_at"] is not None
        aggregate: ApiKey = http_runtime.identity.repository.get(
            api_key_id(api_key_hash(key["key"]))
        )
        used = [
            e for e in http_runtime.identity.events.get(aggregate.id) if type(e).__name__ == "Used"
        ]
        assert len(used) == 1

    def test_answers_429_past_the_keys_limit_and_other_keys_go_on(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        limited = dataclasses.replace(
            http_runtime,
            api_key_limit=ApiKeyRateLimit(
                http_runtime.redis, namespace=http_runtime.settings.queue_namespace, per_minute=3
            ),
        )
        account = an_account(client)
        first, second = a_key(client, account, "read"), a_key(client, account, "read")
        with TestClient(create_app(limited), raise_server_exceptions=False) as limited_client:
            statuses = [
                limited_client.get("/projects", headers=key_auth(first)).status_code
                for _ in range(5)
            ]
            assert statuses[:3] == [200, 200, 200], statuses
            over = limited_client.get("/projects", headers=key_auth(first))
            body = assert_problem(over, 429, "api-key-rate-limited")
            assert 1 <= int(over.headers["Retry-After"]) <= 60 and body["retry_after"] >= 1
            assert limited_client.get("/projects", headers=key_auth(second)).status_code == 200
