"""Accounts and sessions over HTTP: register, log in, tokens, refresh, log out, /me."""

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import jwt
import pytest

from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    PASSWORD,
    Account,
    TestClient,
    an_account,
    an_email,
    assert_problem,
    error_fields,
    login,
    position_of,
    register,
)


def an_access_token(runtime: Runtime, user_id: UUID, **claims: object) -> str:
    now = datetime.now(UTC)
    payload = {
        "sub": str(user_id),
        "sid": str(uuid4()),
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "iss": "testament",
    }
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    return jwt.encode(payload, runtime.settings.resolved_secret_key(), algorithm="HS256")


class TestRegister:
    def test_opens_an_account_answering_accepted_with_a_log_position(
        self, client: TestClient, catch_up: Callable[[], None]
    ) -> None:
        email = an_email()

        response = register(client, email, display_name="Ada")

        assert response.status_code == 202, response.text
        log, position = position_of(response)
        assert (log, position > 0) == ("identity", True)
        assert response.json()["status"] == "accepted"
        tokens = login(client, email).json()
        catch_up()
        me = client.get(
            "/me",
            params={"min_position": response.headers["X-Testament-Position"]},
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )
        body = me.json()
        assert (body["email"], body["display_name"], body["roles"], body["version"]) == (
            email,
            "Ada",
            ["User"],
            1,
        )

    def test_answers_an_address_already_in_use_exactly_like_a_new_one(
        self, client: TestClient
    ) -> None:
        email = an_email()
        first = register(client, email)

        again = register(client, email.upper(), "another password")

        assert (first.status_code, again.status_code) == (202, 202)
        assert first.json() == again.json()
        assert set(first.headers) - {"x-correlation-id", "content-length"} == set(again.headers) - {
            "x-correlation-id",
            "content-length",
        }
        assert position_of(again)[0] == "identity"
        # The account is left as it was: the first password still opens it, not the second.
        assert login(client, email).status_code == 200
        assert_problem(login(client, email, "another password"), 401)

    @pytest.mark.parametrize(
        ("fields", "named"),
        [
            ({"email": "not-an-address"}, "email"),
            ({"password": "short"}, "password"),
            ({"is_admin": True}, "is_admin"),
            ({"display_name": "d" * 101}, "display_name"),
        ],
    )
    def test_refuses_a_bad_field_naming_it(
        self, client: TestClient, fields: dict[str, object], named: str
    ) -> None:
        body = {"email": an_email(), "password": PASSWORD, **fields}

        problem = assert_problem(client.post("/auth/register", json=body), 422, "validation")

        assert named in error_fields(problem)


class TestLogin:
    def test_exchanges_the_right_credentials_for_tokens(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        email = an_email()
        register(client, email)

        response = login(client, email.upper())

        assert response.status_code == 200, response.text
        tokens = response.json()
        assert tokens["token_type"] == "bearer"
        assert tokens["expires_in"] == http_runtime.settings.access_token_minutes * 60
        assert tokens["refresh_token"]
        claims = jwt.decode(
            tokens["access_token"],
            http_runtime.settings.resolved_secret_key(),
            algorithms=["HS256"],
            issuer="testament",
        )
        assert claims["roles"] == ["User"]
        assert claims["sid"]

    def test_refuses_a_wrong_password_asking_for_authentication(self, client: TestClient) -> None:
        email = an_email()
        register(client, email)

        response = login(client, email, PASSWORD + "?")

        assert_problem(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="testament"'

    def test_refuses_an_unknown_address_exactly_like_a_wrong_password(
        self, client: TestClient
    ) -> None:
        email = an_email()
        register(client, email)

        wrong_password = assert_problem(login(client, email, "not the password"), 401)
        unknown = assert_problem(login(client, an_email()), 401)

        assert wrong_password["detail"] == unknown["detail"]

    def test_gives_tokens_through_the_oauth2_password_form(self, client: TestClient) -> None:
        email = an_email()
        register(client, email)

        response = client.post("/auth/token", data={"username": email, "password": PASSWORD})

        assert response.status_code == 200, response.text
        assert response.json()["access_token"]


class TestAccessToken:
    def test_opens_the_door_to_the_callers_account(
        self, client: TestClient, catch_up: Callable[[], None]
    ) -> None:
        account = an_account(client)
        catch_up()

        response = client.get("/me", headers=account.auth)

        assert response.status_code == 200, response.text
        assert response.json()["id"] == str(account.id)

    @pytest.mark.parametrize(
        "authorization",
        [
            None,
            "Bearer",
            "Bearer garbage",
            "Bearer a.b.c",
            "Basic dXNlcjpwYXNz",
            "bearer " + "x" * 5000,
        ],
    )
    def test_refuses_a_missing_or_garbage_token(
        self, client: TestClient, authorization: str | None
    ) -> None:
        headers = {"Authorization": authorization} if authorization is not None else {}

        response = client.get("/me", headers=headers)

        assert_problem(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="testament"'

    def test_refuses_an_expired_token(self, client: TestClient, http_runtime: Runtime) -> None:
        expired = an_access_token(
            http_runtime,
            uuid4(),
            iat=datetime.now(UTC) - timedelta(hours=1),
            exp=datetime.now(UTC) - timedelta(minutes=1),
        )

        response = client.get("/me", headers={"Authorization": f"Bearer {expired}"})

        body = assert_problem(response, 401, "unauthorized")
        assert "expired" in body["detail"].lower()

    def test_refuses_a_token_signed_with_another_key(self, client: TestClient) -> None:
        now = datetime.now(UTC)
        forged = jwt.encode(
            {"sub": str(uuid4()), "exp": now + timedelta(minutes=5), "iss": "testament"},
            "another-key-that-is-also-long-enough-0123456789",
            algorithm="HS256",
        )
        assert_problem(client.get("/me", headers={"Authorization": f"Bearer {forged}"}), 401)

    def test_refuses_an_unsigned_token(self, client: TestClient) -> None:
        unsigned = jwt.encode(
            {"sub": str(uuid4()), "exp": datetime.now(UTC) + timedelta(minutes=5)},
            key=None,  # type: ignore[arg-type]
            algorithm="none",
        )
        assert_problem(client.get("/me", headers={"Authorization": f"Bearer {unsigned}"}), 401)

    @pytest.mark.parametrize("claims", [{"sub": "not-a-uuid"}, {"iss": "someone-else"}])
    def test_refuses_a_token_with_bad_claims(
        self, client: TestClient, http_runtime: Runtime, claims: dict[str, object]
    ) -> None:
        token = an_access_token(http_runtime, uuid4(), **claims)
        assert_problem(client.get("/me", headers={"Authorization": f"Bearer {token}"}), 401)


class TestRefresh:
    def test_rotates_the_refresh_token(self, client: TestClient) -> None:
        account = an_account(client)

        response = client.post("/auth/refresh", json={"refresh_token": account.refresh_token})

        assert response.status_code == 200, response.text
        rotated = response.json()
        assert rotated["refresh_token"] != account.refresh_token
        assert rotated["access_token"] != account.access_token
        again = client.post("/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
        assert again.status_code == 200, again.text

    def test_reuse_of_a_spent_token_revokes_the_whole_session(self, client: TestClient) -> None:
        account = an_account(client)
        newer = client.post("/auth/refresh", json={"refresh_token": account.refresh_token}).json()

        reused = client.post("/auth/refresh", json={"refresh_token": account.refresh_token})

        body = assert_problem(reused, 401, "unauthorized")
        assert "already used" in body["detail"]
        after = client.post("/auth/refresh", json={"refresh_token": newer["refresh_token"]})
        assert_problem(after, 401, "unauthorized")

    def test_leaves_the_other_sessions_of_the_account_alone(self, client: TestClient) -> None:
        account = an_account(client)
        other_session = login(client, account.email).json()
        client.post("/auth/refresh", json={"refresh_token": account.refresh_token})

        client.post("/auth/refresh", json={"refresh_token": account.refresh_token})  # reuse

        still = client.post("/auth/refresh", json={"refresh_token": other_session["refresh_token"]})
        assert still.status_code == 200, still.text

    def test_refuses_an_unknown_token(self, client: TestClient) -> None:
        response = client.post("/auth/refresh", json={"refresh_token": "never-issued"})
        assert_problem(response, 401, "unauthorized")


class TestLogout:
    def test_ends_the_session_of_the_refresh_token(self, client: TestClient) -> None:
        account = an_account(client)

        response = client.post("/auth/logout", json={"refresh_token": account.refresh_token})

        assert response.status_code == 204
        refreshed = client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
        assert_problem(refreshed, 401, "unauthorized")


class TestSessionEnd:
    """An access token stops working the moment its session ends, not when it expires."""

    def test_logout_ends_the_access_token_at_once(self, client: TestClient) -> None:
        account = an_account(client)
        assert client.get("/projects", headers=account.auth).status_code == 200

        client.post("/auth/logout", json={"refresh_token": account.refresh_token})

        body = assert_problem(client.get("/projects", headers=account.auth), 401, "unauthorized")
        assert "session" in body["detail"]

    def test_logout_leaves_the_other_sessions_of_the_account_alone(
        self, client: TestClient
    ) -> None:
        account = an_account(client)
        other = login(client, account.email).json()

        client.post("/auth/logout", json={"refresh_token": account.refresh_token})

        still = client.get(
            "/projects", headers={"Authorization": f"Bearer {other['access_token']}"}
        )
        assert still.status_code == 200, still.text

    def test_a_password_change_ends_every_access_token_of_the_account(
        self, client: TestClient
    ) -> None:
        account = an_account(client)
        other = login(client, account.email).json()
        refreshed = client.post(
            "/auth/refresh", json={"refresh_token": other["refresh_token"]}
        ).json()

        changed = client.post(
            "/me/password",
            json={"current_password": PASSWORD, "new_password": "a whole new password"},
            headers=account.auth,
        )

        assert changed.status_code == 204, changed.text
        for token in (account.access_token, other["access_token"], refreshed["access_token"]):
            response = client.get("/projects", headers={"Authorization": f"Bearer {token}"})
            assert_problem(response, 401, "unauthorized")
        fresh = login(client, account.email, "a whole new password").json()
        response = client.get(
            "/projects", headers={"Authorization": f"Bearer {fresh['access_token']}"}
        )
        assert response.status_code == 200, response.text

    def test_reuse_of_a_refresh_token_ends_the_access_tokens_of_its_session(
        self, client: TestClient
    ) -> None:
        account = an_account(client)
        newer = client.post("/auth/refresh", json={"refresh_token": account.refresh_token}).json()

        client.post("/auth/refresh", json={"refresh_token": account.refresh_token})  # reuse

        for token in (account.access_token, newer["access_token"]):
            response = client.get("/projects", headers={"Authorization": f"Bearer {token}"})
            assert_problem(response, 401, "unauthorized")

    def test_refuses_a_token_that_names_no_session(
        self, client: TestClient, http_runtime: Runtime, account_for_reads: Account
    ) -> None:
        token = an_access_token(http_runtime, account_for_reads.id, sid=None)

        response = client.get("/projects", headers={"Authorization": f"Bearer {token}"})

        assert_problem(response, 401, "unauthorized")


class TestMe:
    def test_reads_the_account_at_the_position_it_was_written(
        self, client: TestClient, catch_up: Callable[[], None]
    ) -> None:
        account = an_account(client)
        catch_up()

        response = client.get(
            "/me", params={"min_position": account.position}, headers=account.auth
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["id"], body["email"], body["display_name"], body["roles"]) == (
            str(account.id),
            account.email,
            "Tester",
            ["User"],
        )
        assert response.headers["ETag"] == f'"{body["version"]}"'
        assert body["created_at"]

    def test_waits_for_the_read_model_to_reach_the_position(
        self, client: TestClient, catch_up: Callable[[], None]
    ) -> None:
        catch_up()  # only this account's events are left for the timer to apply
        account = an_account(client)
        later = threading.Timer(0.2, catch_up)
        later.start()
        try:
            response = client.get(
                "/me", headers={**account.auth, "X-Testament-Min-Position": account.position}
            )
        finally:
            later.join()

        assert response.status_code == 200, response.text
        assert response.json()["id"] == str(account.id)

    def test_answers_503_with_retry_after_when_the_read_model_is_behind(
        self, impatient_client: TestClient, client: TestClient
    ) -> None:
        account = an_account(client)  # its registration is not applied: no projection runs
        _, position = account.position.split(":")

        response = impatient_client.get(
            "/me", params={"min_position": account.position}, headers=account.auth
        )

        body = assert_problem(response, 503, "read-model-behind")
        assert response.headers["Retry-After"] == "1"
        assert body["required_position"] == int(position)

    @pytest.mark.parametrize(
        "position", ["identity", "identity:", ":5", "identity:-1", "identity:x"]
    )
    def test_refuses_a_malformed_position(
        self, client: TestClient, account_for_reads: Account, position: str
    ) -> None:
        response = client.get(
            "/me", params={"min_position": position}, headers=account_for_reads.auth
        )
        assert_problem(response, 400, "bad-position")


class TestUpdateProfile:
    def test_changes_the_profile_at_the_version_named_by_if_match(self, client: TestClient) -> None:
        account = an_account(client)

        response = client.put(
            "/me/profile",
            json={"display_name": "Countess", "timezone": "Europe/London"},
            headers={**account.auth, "If-Match": '"1"'},
        )

        assert response.status_code == 200, response.text
        assert response.headers["ETag"] == '"2"'
        assert (response.json()["display_name"], response.json()["timezone"]) == (
            "Countess",
            "Europe/London",
        )

    def test_refuses_a_stale_if_match(self, client: TestClient) -> None:
        account = an_account(client)
        client.put("/me/profile", json={"display_name": "First"}, headers=account.auth)

        response = client.put(
            "/me/profile",
            json={"display_name": "Second"},
            headers={**account.auth, "If-Match": '"1"'},
        )

        body = assert_problem(response, 412, "version-mismatch")
        assert body["current_version"] == 2
        assert response.headers["ETag"] == '"2"'


class TestChangePassword:
    def test_replaces_the_password_and_ends_every_session(self, client: TestClient) -> None:
        account = an_account(client)

        response = client.post(
            "/me/password",
            json={"current_password": PASSWORD, "new_password": "a whole new password"},
            headers=account.auth,
        )

        assert response.status_code == 204, response.text
        assert_problem(login(client, account.email, PASSWORD), 401)
        assert login(client, account.email, "a whole new password").status_code == 200
        refreshed = client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
        assert_problem(refreshed, 401)

    def test_refuses_a_wrong_current_password(self, client: TestClient) -> None:
        account = an_account(client)
        response = client.post(
            "/me/password",
            json={"current_password": "not my password", "new_password": "a whole new password"},
            headers=account.auth,
        )
        assert_problem(response, 401)
        assert login(client, account.email, PASSWORD).status_code == 200
