"""Claims over HTTP: an Admin's claims on users and roles, the caller's claims in effect,
and what access tokens carry of them."""

from collections.abc import Callable

import jwt
import pytest

from application.identity.commands import GrantRole
from domain.shared.meta import system_meta
from domain.users.model import Role
from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    PASSWORD,
    Account,
    TestClient,
    an_account,
    assert_problem,
    login,
)

REVIEWER = "testament:project-reviewer"


@pytest.fixture(scope="module")
def admin(client: TestClient, http_runtime: Runtime) -> Account:
    account = an_account(client)
    http_runtime.identity.grant_role(
        GrantRole(user_id=account.id, role=Role.ADMIN, meta=system_meta())
    )
    return an_account_again(client, account)


def an_account_again(client: TestClient, account: Account) -> Account:
    """The same account with a fresh access token (its roles as they are now)."""
    token = login(client, account.email, PASSWORD).json()["access_token"]
    return Account(
        id=account.id,
        email=account.email,
        password=account.password,
        access_token=token,
        refresh_token="",
        position=account.position,
    )


def token_claims(client: TestClient, account: Account) -> list[list[str]] | None:
    token = login(client, account.email, PASSWORD).json()["access_token"]
    found: list[list[str]] | None = jwt.decode(token, options={"verify_signature": False}).get(
        "claims"
    )
    return found


class TestUserClaims:
    def test_an_admin_gives_and_takes_a_claim_and_the_account_sees_it(
        self, client: TestClient, admin: Account, catch_up: Callable[[], None]
    ) -> None:
        user = an_account(client)
        given = client.post(
            f"/admin/users/{user.id}/claims",
            json={"type": REVIEWER, "value": "project-1"},
            headers=admin.auth,
        )
        assert given.status_code == 204, given.text
        catch_up()

        mine = client.get("/me/claims", headers=user.auth).json()
        assert [(c["type"], c["value"], c["source"]) for c in mine] == [
            (REVIEWER, "project-1", "user")
        ]
        assert token_claims(client, user) == [[REVIEWER, "project-1"]]

        taken = client.delete(
            f"/admin/users/{user.id}/claims",
            params={"type": REVIEWER, "value": "project-1"},
            headers=admin.auth,
        )
        assert taken.status_code == 204, taken.text
        catch_up()
        assert client.get("/me/claims", headers=user.auth).json() == []
        assert token_claims(client, user) is None

    def test_refuses_a_claim_held_twice_or_not_held(
        self, client: TestClient, admin: Account
    ) -> None:
        user = an_account(client)
        body = {"type": "department", "value": "qa"}
        client.post(f"/admin/users/{user.id}/claims", json=body, headers=admin.auth)

        again = client.post(f"/admin/users/{user.id}/claims", json=body, headers=admin.auth)
        absent = client.delete(
            f"/admin/users/{user.id}/claims",
            params={"type": "department", "value": "dev"},
            headers=admin.auth,
        )

        assert_problem(again, 409, "claim-already-held")
        assert_problem(absent, 409, "claim-not-held")

    def test_refuses_a_type_that_is_not_a_short_name(
        self, client: TestClient, admin: Account
    ) -> None:
        user = an_account(client)

        response = client.post(
            f"/admin/users/{user.id}/claims",
            json={"type": "has space", "value": "x"},
            headers=admin.auth,
        )

        assert_problem(response, 422, "validation")

    def test_only_an_admin_manages_claims(self, client: TestClient) -> None:
        user, other = an_account(client), an_account(client)

        response = client.post(
            f"/admin/users/{other.id}/claims",
            json={"type": REVIEWER, "value": "mine-now"},
            headers=user.auth,
        )

        assert_problem(response, 403, "forbidden")
        assert_problem(
            client.get(f"/admin/users/{other.id}/claims", headers=user.auth), 403, "forbidden"
        )

    def test_answers_404_for_an_account_that_does_not_exist(
        self, client: TestClient, admin: Account
    ) -> None:
        response = client.post(
            "/admin/users/00000000-0000-4000-8000-000000000000/claims",
            json={"type": REVIEWER, "value": "p"},
            headers=admin.auth,
        )

        assert_problem(response, 404, "not-found")


class TestRoleClaims:
    def test_a_roles_claims_come_with_the_role(
        self, client: TestClient, admin: Account, catch_up: Callable[[], None]
    ) -> None:
        value = f"audit-{admin.id.hex[:6]}"
        given = client.post(
            "/admin/roles/Admin/claims",
            json={"type": "scope", "value": value},
            headers=admin.auth,
        )
        assert given.status_code == 204, given.text
        catch_up()

        listed = client.get("/admin/roles/Admin/claims", headers=admin.auth).json()
        assert ("scope", value, "Admin") in [(c["type"], c["value"], c["source"]) for c in listed]
        mine = client.get("/me/claims", headers=admin.auth).json()
        assert ("scope", value, "Admin") in [(c["type"], c["value"], c["source"]) for c in mine]
        assert ["scope", value] in (token_claims(client, admin) or [])
        plain = an_account(client)
        assert ["scope", value] not in (token_claims(client, plain) or [])

        client.delete(
            "/admin/roles/Admin/claims",
            params={"type": "scope", "value": value},
            headers=admin.auth,
        )
        catch_up()
        listed = client.get("/admin/roles/Admin/claims", headers=admin.auth).json()
        assert value not in [c["value"] for c in listed]
