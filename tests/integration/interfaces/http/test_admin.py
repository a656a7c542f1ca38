"""The Admin API over HTTP: only for Admins; accounts listed, roles granted and revoked,
accounts disabled (no log-in, sessions over) and enabled; invitations and registration
modes."""

import dataclasses
from collections.abc import Callable, Iterator
from uuid import uuid4

import pytest

from application.identity.commands import GrantRole
from domain.shared.meta import system_meta
from domain.users.model import Role
from infrastructure.security.passwords import Argon2PasswordHasher
from interfaces.bootstrap import Runtime, identity_application
from interfaces.http.app import create_app
from tests.integration.interfaces.http.support import (
    PASSWORD,
    Account,
    TestClient,
    an_account,
    an_email,
    assert_problem,
    login,
    register,
)


@pytest.fixture(scope="module")
def admin(client: TestClient, http_runtime: Runtime) -> Account:
    account = an_account(client)
    http_runtime.identity.grant_role(
        GrantRole(user_id=account.id, role=Role.ADMIN, meta=system_meta())
    )
    return account


def a_client_registering(http_runtime: Runtime, mode: str) -> TestClient:
    settings = http_runtime.settings.model_copy(update={"registration": mode})
    identity = identity_application(
        settings,
        http_runtime.identity.env,
        hasher=Argon2PasswordHasher(time_cost=1, memory_cost=1024),
    )
    runtime = dataclasses.replace(http_runtime, settings=settings, identity=identity)
    return TestClient(create_app(runtime), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def invite_only(http_runtime: Runtime) -> Iterator[TestClient]:
    with a_client_registering(http_runtime, "invite-only") as test_client:
        yield test_client


@pytest.fixture(scope="module")
def closed(http_runtime: Runtime) -> Iterator[TestClient]:
    with a_client_registering(http_runtime, "closed") as test_client:
        yield test_client


class TestAdminOnly:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/admin/users"),
            ("PUT", "/admin/users/{id}/roles/Admin"),
            ("POST", "/admin/users/{id}/disable"),
            ("POST", "/admin/invitations"),
        ],
    )
    def test_refuses_an_account_without_the_admin_role(
        self, client: TestClient, account_for_reads: Account, method: str, path: str
    ) -> None:
        response = client.request(
            method,
            path.format(id=account_for_reads.id),
            headers=account_for_reads.auth,
            json={} if method == "POST" else None,
        )

        assert_problem(response, 403, "forbidden")

    def test_refuses_a_caller_without_a_token(self, client: TestClient) -> None:
        assert_problem(client.get("/admin/users"), 401, "unauthorized")

    def test_an_admin_whose_role_was_revoked_is_refused_at_once(
        self, client: TestClient, admin: Account
    ) -> None:
        other = an_account(client)
        client.put(f"/admin/users/{other.id}/roles/Admin", headers=admin.auth)
        assert client.get("/admin/users", headers=other.auth).status_code == 200

        client.delete(f"/admin/users/{other.id}/roles/Admin", headers=admin.auth)

        # Its token still says Admin; the account no longer does.
        assert_problem(client.get("/admin/users", headers=other.auth), 403, "forbidden")


class TestUsers:
    def test_lists_accounts_with_their_roles_and_state(
        self, client: TestClient, admin: Account, catch_up: Callable[[], None]
    ) -> None:
        account = an_account(client)
        catch_up()

        response = client.get("/admin/users", params={"search": account.email}, headers=admin.auth)

        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == 1
        (item,) = page["items"]
        assert (item["id"], item["email"], item["roles"], item["disabled"]) == (
            str(account.id),
            account.email,
            ["User"],
            False,
        )
        assert (item["access_failed_count"], item["lockout_end"]) == (0, None)

    def test_grants_and_revokes_a_role(
        self, client: TestClient, admin: Account, catch_up: Callable[[], None]
    ) -> None:
        account = an_account(client)

        granted = client.put(f"/admin/users/{account.id}/roles/Admin", headers=admin.auth)
        again = client.put(f"/admin/users/{account.id}/roles/Admin", headers=admin.auth)
        revoked = client.delete(f"/admin/users/{account.id}/roles/Admin", headers=admin.auth)

        assert granted.status_code == 200, granted.text
        assert granted.json()["roles"] == ["Admin", "User"]
        assert_problem(again, 409, "role-already-granted")
        assert revoked.json()["roles"] == ["User"]
        catch_up()
        read = client.get(
            f"/admin/users/{account.id}",
            params={"min_position": revoked.headers["X-Testament-Position"]},
            headers=admin.auth,
        )
        assert read.json()["roles"] == ["User"]

    def test_refuses_an_unknown_role_or_account(self, client: TestClient, admin: Account) -> None:
        account = an_account(client)
        assert (
            client.put(f"/admin/users/{account.id}/roles/Root", headers=admin.auth).status_code
            == 422
        )
        assert_problem(client.post(f"/admin/users/{uuid4()}/disable", headers=admin.auth), 404)

    def test_an_admin_cannot_disable_or_demote_themselves(
        self, client: TestClient, admin: Account
    ) -> None:
        assert_problem(client.post(f"/admin/users/{admin.id}/disable", headers=admin.auth), 409)
        assert_problem(
            client.delete(f"/admin/users/{admin.id}/roles/Admin", headers=admin.auth), 409
        )


class TestDisable:
    def test_a_disabled_account_cannot_log_in_and_its_tokens_stop_working(
        self, client: TestClient, admin: Account, catch_up: Callable[[], None]
    ) -> None:
        account = an_account(client)

        disabled = client.post(f"/admin/users/{account.id}/disable", headers=admin.auth)

        assert disabled.status_code == 200, disabled.text
        assert disabled.json()["disabled"] is True
        assert_problem(client.get("/projects", headers=account.auth), 401, "unauthorized")
        assert_problem(login(client, account.email), 403, "account-disabled")
        refreshed = client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
        assert refreshed.status_code in (401, 403)
        catch_up()
        assert client.get(f"/admin/users/{account.id}", headers=admin.auth).json()["disabled"]

    def test_an_enabled_account_logs_in_again(self, client: TestClient, admin: Account) -> None:
        account = an_account(client)
        client.post(f"/admin/users/{account.id}/disable", headers=admin.auth)

        enabled = client.post(f"/admin/users/{account.id}/enable", headers=admin.auth)

        assert enabled.json()["disabled"] is False
        assert login(client, account.email).status_code == 200


class TestRegistrationModes:
    def test_a_closed_deployment_refuses_registration(self, closed: TestClient) -> None:
        assert_problem(register(closed, an_email()), 403, "registration-closed")

    def test_invite_only_refuses_registration_without_an_invitation(
        self, invite_only: TestClient
    ) -> None:
        assert_problem(register(invite_only, an_email()), 403, "invitation-required")
        body = assert_problem(
            register(invite_only, an_email(), invitation="made-up"), 403, "invitation-required"
        )
        assert body["detail"]

    def test_an_admins_invitation_opens_one_account(
        self, invite_only: TestClient, admin: Account
    ) -> None:
        email = an_email()
        created = invite_only.post(
            "/admin/invitations", json={"email": email, "valid_days": 2}, headers=admin.auth
        )
        assert created.status_code == 201, created.text
        code = created.json()["code"]

        wrong_address = register(invite_only, an_email(), invitation=code)
        accepted = register(invite_only, email, invitation=code)
        reused = register(invite_only, email.upper(), invitation=code)

        assert_problem(wrong_address, 403, "invitation-required")
        assert accepted.status_code == 202, accepted.text
        assert_problem(reused, 403, "invitation-required")
        assert login(invite_only, email, PASSWORD).status_code == 200

    def test_a_revoked_invitation_opens_nothing(
        self, invite_only: TestClient, admin: Account
    ) -> None:
        created = invite_only.post("/admin/invitations", json={}, headers=admin.auth).json()

        revoked = invite_only.delete(f"/admin/invitations/{created['id']}", headers=admin.auth)

        assert revoked.status_code == 204
        assert_problem(
            register(invite_only, an_email(), invitation=created["code"]),
            403,
            "invitation-required",
        )
