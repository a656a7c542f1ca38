"""Signing in with an identity provider (OpenID Connect) against a local provider: first
sign-in, return, linking and unlinking, and every way a token can be wrong."""

import dataclasses
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse
from uuid import uuid4

import httpx
import pytest

from infrastructure.security.oidc import OidcProviders
from infrastructure.settings import OidcProviderSettings
from interfaces.bootstrap import Runtime
from interfaces.http.app import create_app
from tests.integration.interfaces.http.support import (
    TestClient,
    an_account,
    an_email,
    assert_problem,
    user_id_of,
)
from tests.support.oidc_provider import LocalOidcProvider, new_key

REDIRECT = "https://app.example.com/callback"


@pytest.fixture(scope="module")
def provider() -> Iterator[LocalOidcProvider]:
    running = LocalOidcProvider().start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def oidc_client(http_runtime: Runtime, provider: LocalOidcProvider) -> Iterator[TestClient]:
    configured = [
        OidcProviderSettings(
            name="corp",
            kind="auth0",
            issuer=provider.issuer,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            display_name="Corp SSO",
        ),
        OidcProviderSettings(
            name="strict",
            issuer=provider.issuer,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            allowed_domains=["corp.example"],
        ),
        OidcProviderSettings(
            name="closed",
            issuer=provider.issuer,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            auto_provision=False,
        ),
    ]
    oidc = OidcProviders(
        configured, http_runtime.redis, namespace=f"oidc-{uuid4().hex[:8]}", jwks_refresh_seconds=0
    )
    app = create_app(dataclasses.replace(http_runtime, oidc=oidc))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    oidc.close()


@pytest.fixture
def person(provider: LocalOidcProvider) -> dict[str, Any]:
    """Who signs in at the provider next (a new person each test)."""
    provider.overrides, provider.sign_with = {}, None
    provider.user = {
        "sub": f"auth0|{uuid4().hex}",
        "email": an_email(),
        "email_verified": True,
        "name": "Grace Hopper",
    }
    return provider.user


def go_through_provider(client: TestClient, start_path: str, **headers: str) -> dict[str, str]:
    """This function will start a flow, follow the browser to the provider, and give the
    `code` and `state` it sends back."""
    started = client.post(start_path, json={"redirect_uri": REDIRECT}, headers=headers)
    assert started.status_code == 200, started.text
    assert started.json()["expires_in"] == 600
    sent = httpx.get(started.json()["authorization_url"], follow_redirects=False)
    assert sent.status_code == 302
    back = urlparse(sent.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == REDIRECT
    return {k: v[0] for k, v in parse_qs(back.query).items()}


def sign_in(client: TestClient, name: str = "corp") -> httpx.Response:
    answer = go_through_provider(client, f"/auth/oidc/{name}/start")
    response: httpx.Response = client.post(f"/auth/oidc/{name}/callback", json=answer)
    return response


class TestFirstAndLaterSignIns:
    def test_lists_the_configured_providers(self, oidc_client: TestClient) -> None:
        listed = oidc_client.get("/auth/providers").json()
        assert [(p["name"], p["display_name"], p["kind"]) for p in listed][:2] == [
            ("corp", "Corp SSO", "auth0"),
            ("strict", "strict", "generic"),
        ]

    def test_a_first_sign_in_opens_an_account_and_a_session(
        self,
        oidc_client: TestClient,
        person: dict[str, Any],
        http_runtime: Runtime,
        catch_up: Callable[[], None],
    ) -> None:
        response = sign_in(oidc_client)

        assert response.status_code == 200, response.text
        tokens = response.json()
        catch_up()
        auth = {"Authorization": f"Bearer {tokens['access_token']}"}
        me = oidc_client.get("/me", headers=auth).json()
        assert (me["email"], me["display_name"]) == (person["email"], "Grace Hopper")
        logins = oidc_client.get("/me/logins", headers=auth).json()
        assert [(x["provider"], x["provider_key"]) for x in logins] == [("corp", person["sub"])]
        with http_runtime.pool.connection() as conn:
            row = conn.execute(
                "SELECT auth0_user_id, azure_ad_b2c_user_id FROM identity.users WHERE id = %s",
                (user_id_of(tokens["access_token"]),),
            ).fetchone()
        assert row == {"auth0_user_id": person["sub"], "azure_ad_b2c_user_id": None}

    def test_a_later_sign_in_finds_the_same_account(
        self, oidc_client: TestClient, person: dict[str, Any]
    ) -> None:
        first = sign_in(oidc_client).json()["access_token"]
        second = sign_in(oidc_client).json()["access_token"]

        assert user_id_of(first) == user_id_of(second)

    def test_an_account_opened_by_a_provider_has_no_password(
        self, oidc_client: TestClient, person: dict[str, Any]
    ) -> None:
        assert sign_in(oidc_client).status_code == 200

        response = oidc_client.post("/auth/login", json={"email": person["email"], "password": ""})

        assert_problem(response, 401, "unauthorized")


class TestRefusedTokens:
    @pytest.mark.parametrize(
        "bent",
        [
            {"aud": "another-client"},
            {"iss": "https://evil.example.com"},
            {"exp": int(time.time()) - 3600},
            {"nonce": "a-nonce-of-an-earlier-flow"},
        ],
        ids=["wrong audience", "wrong issuer", "expired", "replayed nonce"],
    )
    def test_refuses_an_id_token_with_a_wrong_claim(
        self,
        oidc_client: TestClient,
        provider: LocalOidcProvider,
        person: dict[str, Any],
        bent: dict[str, Any],
    ) -> None:
        provider.overrides = bent

        response = sign_in(oidc_client)

        assert_problem(response, 401, "external-sign-in-failed")

    def test_refuses_a_token_signed_by_a_key_the_provider_does_not_publish(
        self, oidc_client: TestClient, provider: LocalOidcProvider, person: dict[str, Any]
    ) -> None:
        provider.sign_with = new_key("unknown-kid")

        response = sign_in(oidc_client)

        body = assert_problem(response, 401, "external-sign-in-failed")
        assert "unknown-kid" in body["detail"]

    def test_refuses_a_forged_signature_under_a_published_key_id(
        self, oidc_client: TestClient, provider: LocalOidcProvider, person: dict[str, Any]
    ) -> None:
        provider.sign_with = new_key(provider.keys[-1].kid or "")

        assert_problem(sign_in(oidc_client), 401, "external-sign-in-failed")

    def test_follows_a_key_rotation(
        self, oidc_client: TestClient, provider: LocalOidcProvider, person: dict[str, Any]
    ) -> None:
        assert sign_in(oidc_client).status_code == 200  # the old key, cached
        fetched = provider.jwks_fetches
        provider.rotate()

        response = sign_in(oidc_client)

        assert response.status_code == 200, response.text
        assert provider.jwks_fetches == fetched + 1

    def test_a_state_works_once(self, oidc_client: TestClient, person: dict[str, Any]) -> None:
        answer = go_through_provider(oidc_client, "/auth/oidc/corp/start")
        assert oidc_client.post("/auth/oidc/corp/callback", json=answer).status_code == 200

        again = oidc_client.post("/auth/oidc/corp/callback", json=answer)

        assert_problem(again, 401, "external-sign-in-failed")

    def test_refuses_a_state_it_never_gave(self, oidc_client: TestClient) -> None:
        response = oidc_client.post(
            "/auth/oidc/corp/callback", json={"code": "x", "state": "made-up"}
        )

        assert_problem(response, 401, "external-sign-in-failed")

    def test_answers_404_for_a_provider_not_configured(self, oidc_client: TestClient) -> None:
        response = oidc_client.post("/auth/oidc/nope/start", json={"redirect_uri": REDIRECT})

        assert_problem(response, 404, "not-found")


class TestWhoMayJoin:
    def test_refuses_a_domain_the_provider_may_not_bring(
        self, oidc_client: TestClient, person: dict[str, Any]
    ) -> None:
        assert_problem(sign_in(oidc_client, "strict"), 403, "sign-up-refused")

    def test_lets_an_allowed_domain_join(
        self, oidc_client: TestClient, person: dict[str, Any]
    ) -> None:
        person["email"] = f"{uuid4().hex[:8]}@corp.example"

        assert sign_in(oidc_client, "strict").status_code == 200

    def test_opens_no_account_when_provisioning_is_off(
        self, oidc_client: TestClient, person: dict[str, Any]
    ) -> None:
        assert_problem(sign_in(oidc_client, "closed"), 403, "sign-up-refused")

    def test_opens_no_account_for_an_address_the_provider_did_not_verify(
        self, oidc_client: TestClient, person: dict[str, Any]
    ) -> None:
        person["email_verified"] = False

        assert_problem(sign_in(oidc_client), 403, "sign-up-refused")


class TestLinking:
    def test_an_existing_address_is_linked_only_by_its_owner(
        self, oidc_client: TestClient, person: dict[str, Any]
    ) -> None:
        account = an_account(oidc_client)
        person["email"] = account.email

        refused = sign_in(oidc_client)
        assert_problem(refused, 409, "account-exists")

        answer = go_through_provider(oidc_client, "/me/logins/corp/start", **account.auth)
        linked = oidc_client.post("/me/logins/corp/callback", json=answer, headers=account.auth)
        assert linked.status_code == 204, linked.text

        signed_in = sign_in(oidc_client)
        assert signed_in.status_code == 200, signed_in.text
        assert user_id_of(signed_in.json()["access_token"]) == account.id

    def test_a_link_flow_finishes_only_for_the_account_that_started_it(
        self, oidc_client: TestClient, person: dict[str, Any]
    ) -> None:
        owner, other = an_account(oidc_client), an_account(oidc_client)
        answer = go_through_provider(oidc_client, "/me/logins/corp/start", **owner.auth)

        response = oidc_client.post("/me/logins/corp/callback", json=answer, headers=other.auth)

        assert_problem(response, 401, "external-sign-in-failed")

    def test_a_provider_account_signs_in_to_one_account_only(
        self, oidc_client: TestClient, person: dict[str, Any]
    ) -> None:
        assert sign_in(oidc_client).status_code == 200  # opens an account for this subject
        other = an_account(oidc_client)
        answer = go_through_provider(oidc_client, "/me/logins/corp/start", **other.auth)

        response = oidc_client.post("/me/logins/corp/callback", json=answer, headers=other.auth)

        assert_problem(response, 409, "login-taken")

    def test_the_last_way_to_sign_in_cannot_be_removed(
        self, oidc_client: TestClient, person: dict[str, Any]
    ) -> None:
        token = sign_in(oidc_client).json()["access_token"]

        response = oidc_client.delete(
            "/me/logins/corp", headers={"Authorization": f"Bearer {token}"}
        )

        assert_problem(response, 409, "last-sign-in-method")

    def test_an_account_with_a_password_unlinks_and_the_provider_stops_signing_in(
        self, oidc_client: TestClient, person: dict[str, Any]
    ) -> None:
        account = an_account(oidc_client)
        person["email"] = account.email
        answer = go_through_provider(oidc_client, "/me/logins/corp/start", **account.auth)
        assert (
            oidc_client.post("/me/logins/corp/callback", json=answer, headers=account.auth)
        ).status_code == 204

        removed = oidc_client.delete("/me/logins/corp", headers=account.auth)

        assert removed.status_code == 204, removed.text
        assert_problem(sign_in(oidc_client), 409, "account-exists")
