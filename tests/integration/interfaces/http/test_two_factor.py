"""Two-factor authentication over HTTP: enrolment, the log-in's second step, recovery codes,
replayed codes, wrong codes counted as wrong passwords, and turning it off."""

import base64
import time
from collections.abc import Callable
from typing import Any

import httpx
import pyotp
import pytest

from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    PASSWORD,
    Account,
    TestClient,
    an_account,
    assert_problem,
    login,
)


def code_at(secret: str, offset_steps: int = 0) -> str:
    return str(pyotp.TOTP(secret).at(time.time() + 30 * offset_steps))


class Enrolled:
    """An account with two-factor on: its secret and its recovery codes."""

    def __init__(self, client: TestClient) -> None:
        self.account: Account = an_account(client)
        started = client.post("/me/two-factor", headers=self.account.auth)
        assert started.status_code == 201, started.text
        self.secret: str = started.json()["secret"]
        self.uri: str = started.json()["otpauth_uri"]
        enabled = client.post(
            "/me/two-factor/enable", json={"code": code_at(self.secret)}, headers=self.account.auth
        )
        assert enabled.status_code == 200, enabled.text
        self.recovery_codes: list[str] = enabled.json()["recovery_codes"]


def challenge_of(client: TestClient, account: Account) -> str:
    response = login(client, account.email, PASSWORD)
    body = assert_problem(response, 401, "two-factor-required")
    assert body["expires_in"] == 300
    token: str = body["challenge_token"]
    return token


def second_step(client: TestClient, challenge: str, code: str) -> httpx.Response:
    response: httpx.Response = client.post(
        "/auth/login/two-factor", json={"challenge_token": challenge, "code": code}
    )
    return response


@pytest.fixture
def enrolled(client: TestClient) -> Enrolled:
    return Enrolled(client)


class TestEnrolment:
    def test_gives_a_secret_and_an_otpauth_uri_for_an_authenticator_app(
        self, client: TestClient
    ) -> None:
        account = an_account(client)

        response = client.post("/me/two-factor", headers=account.auth)

        assert response.status_code == 201, response.text
        body = response.json()
        assert len(base64.b32decode(body["secret"] + "=" * (-len(body["secret"]) % 8))) >= 20
        parsed = pyotp.parse_uri(body["otpauth_uri"])
        assert parsed.secret == body["secret"] and parsed.issuer == "Testament"
        assert parsed.name == account.email

    def test_a_started_enrolment_guards_nothing_until_confirmed(self, client: TestClient) -> None:
        account = an_account(client)
        client.post("/me/two-factor", headers=account.auth)

        assert login(client, account.email, PASSWORD).status_code == 200

    def test_refuses_to_enable_with_a_wrong_code(self, client: TestClient) -> None:
        account = an_account(client)
        secret = client.post("/me/two-factor", headers=account.auth).json()["secret"]
        wrong = f"{(int(code_at(secret)) + 1) % 1_000_000:06d}"

        response = client.post("/me/two-factor/enable", json={"code": wrong}, headers=account.auth)

        assert_problem(response, 401, "invalid-second-factor")
        assert login(client, account.email, PASSWORD).status_code == 200

    def test_refuses_to_enable_without_an_enrolment(self, client: TestClient) -> None:
        account = an_account(client)

        response = client.post(
            "/me/two-factor/enable", json={"code": "123456"}, headers=account.auth
        )

        assert_problem(response, 409, "two-factor-not-started")

    def test_answers_ten_single_use_recovery_codes_once(self, enrolled: Enrolled) -> None:
        assert len(enrolled.recovery_codes) == 10
        assert len(set(enrolled.recovery_codes)) == 10

    def test_refuses_a_second_enrolment_while_on(
        self, client: TestClient, enrolled: Enrolled
    ) -> None:
        # A new log-in for a fresh token is not needed: the enrolment's session still works.
        response = client.post("/me/two-factor", headers=enrolled.account.auth)

        assert_problem(response, 409, "two-factor-enabled")

    def test_says_on_the_account_that_two_factor_is_on(
        self, client: TestClient, enrolled: Enrolled, catch_up: Callable[[], None]
    ) -> None:
        catch_up()

        me = client.get("/me", headers=enrolled.account.auth)

        assert me.json()["two_factor_enabled"] is True


class TestSecondStep:
    def test_a_right_password_asks_for_the_second_factor(
        self, client: TestClient, enrolled: Enrolled
    ) -> None:
        challenge = challenge_of(client, enrolled.account)

        response = client.get("/me", headers={"Authorization": f"Bearer {challenge}"})

        assert_problem(response, 401, "unauthorized")  # a challenge is not an access token

    def test_a_code_finishes_the_log_in_with_a_normal_session(
        self, client: TestClient, enrolled: Enrolled, catch_up: Callable[[], None]
    ) -> None:
        challenge = challenge_of(client, enrolled.account)
        catch_up()

        response = second_step(client, challenge, code_at(enrolled.secret, 1))

        assert response.status_code == 200, response.text
        tokens = response.json()
        me = client.get("/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
        assert me.status_code == 200
        refreshed = client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert refreshed.status_code == 200

    def test_accepts_a_code_one_step_off_and_refuses_two(
        self, client: TestClient, enrolled: Enrolled
    ) -> None:
        too_far = second_step(
            client, challenge_of(client, enrolled.account), code_at(enrolled.secret, -2)
        )
        assert_problem(too_far, 401, "invalid-second-factor")

        # The enrolment spent the current step; the next one is within the skew allowed.
        response = second_step(
            client, challenge_of(client, enrolled.account), code_at(enrolled.secret, 1)
        )
        assert response.status_code == 200, response.text

    def test_refuses_a_code_used_before(self, client: TestClient, enrolled: Enrolled) -> None:
        code = code_at(enrolled.secret, 1)
        first = second_step(client, challenge_of(client, enrolled.account), code)
        assert first.status_code == 200, first.text

        replayed = second_step(client, challenge_of(client, enrolled.account), code)

        assert_problem(replayed, 401, "invalid-second-factor")

    def test_the_enrolment_code_cannot_log_in(self, client: TestClient) -> None:
        enrolled = Enrolled(client)

        response = second_step(
            client, challenge_of(client, enrolled.account), code_at(enrolled.secret)
        )

        assert_problem(response, 401, "invalid-second-factor")

    def test_a_challenge_works_once(self, client: TestClient, enrolled: Enrolled) -> None:
        challenge = challenge_of(client, enrolled.account)
        assert second_step(client, challenge, enrolled.recovery_codes[0]).status_code == 200

        again = second_step(client, challenge, enrolled.recovery_codes[1])

        assert_problem(again, 401, "unauthorized")

    def test_a_recovery_code_logs_in_once(self, client: TestClient, enrolled: Enrolled) -> None:
        code = enrolled.recovery_codes[3].upper()  # typed as printed or not
        assert second_step(client, challenge_of(client, enrolled.account), code).status_code == 200

        again = second_step(client, challenge_of(client, enrolled.account), code)

        assert_problem(again, 401, "invalid-second-factor")

    def test_wrong_codes_lock_the_account_as_wrong_passwords_do(
        self, client: TestClient, enrolled: Enrolled
    ) -> None:
        challenge = challenge_of(client, enrolled.account)
        statuses = [second_step(client, challenge, "000000").status_code for _ in range(5)]

        locked = second_step(client, challenge, code_at(enrolled.secret, 1))

        assert statuses[:4] == [401] * 4
        assert_problem(locked, 429, "too-many-attempts")

    def test_a_password_change_voids_waiting_challenges(
        self, client: TestClient, enrolled: Enrolled
    ) -> None:
        challenge = challenge_of(client, enrolled.account)
        changed = client.post(
            "/me/password",
            json={"current_password": PASSWORD, "new_password": "another long password"},
            headers=enrolled.account.auth,
        )
        assert changed.status_code == 204, changed.text

        response = second_step(client, challenge, code_at(enrolled.secret, 1))

        assert_problem(response, 401, "unauthorized")

    def test_refuses_a_forged_challenge(self, client: TestClient, enrolled: Enrolled) -> None:
        challenge = challenge_of(client, enrolled.account)
        head, payload, _ = challenge.split(".")

        response = second_step(client, f"{head}.{payload}.AAAA", code_at(enrolled.secret, 1))

        assert_problem(response, 401, "unauthorized")


class TestRecoveryCodesAndTurningOff:
    def test_new_recovery_codes_replace_the_old_ones(
        self, client: TestClient, enrolled: Enrolled
    ) -> None:
        response = client.post(
            "/me/two-factor/recovery-codes",
            json={"code": enrolled.recovery_codes[0]},
            headers=enrolled.account.auth,
        )
        assert response.status_code == 200, response.text
        fresh = response.json()["recovery_codes"]

        old = second_step(
            client, challenge_of(client, enrolled.account), enrolled.recovery_codes[1]
        )
        new = second_step(client, challenge_of(client, enrolled.account), fresh[0])

        assert_problem(old, 401, "invalid-second-factor")
        assert new.status_code == 200, new.text

    def test_turning_off_asks_a_fresh_second_factor(
        self, client: TestClient, enrolled: Enrolled
    ) -> None:
        refused = client.post(
            "/me/two-factor/disable", json={"code": "000000"}, headers=enrolled.account.auth
        )
        assert_problem(refused, 401, "invalid-second-factor")

        done = client.post(
            "/me/two-factor/disable",
            json={"code": code_at(enrolled.secret, 1)},
            headers=enrolled.account.auth,
        )

        assert done.status_code == 204, done.text
        assert login(client, enrolled.account.email, PASSWORD).status_code == 200
        # Every session ended, as after a password change.
        assert client.get("/me", headers=enrolled.account.auth).status_code == 401


class TestStoredSecrets:
    def test_the_read_tables_hold_the_secret_sealed_and_the_codes_hashed(
        self, client: TestClient, http_runtime: Runtime, catch_up: Callable[[], None]
    ) -> None:
        enrolled = Enrolled(client)
        catch_up()

        with http_runtime.pool.connection() as conn:
            rows: list[dict[str, Any]] = conn.execute(
                "SELECT login_provider, token_name, token_value FROM identity.user_tokens"
                " WHERE user_id = %s ORDER BY token_name",
                (enrolled.account.id,),
            ).fetchall()
            enabled = conn.execute(
                "SELECT two_factor_enabled FROM identity.users WHERE id = %s",
                (enrolled.account.id,),
            ).fetchone()

        assert enabled is not None and enabled["two_factor_enabled"] is True
        assert [r["token_name"] for r in rows] == ["AuthenticatorKey", "RecoveryCodes"]
        key, codes = rows[0]["token_value"], rows[1]["token_value"]
        assert key.startswith("sealed:v2:") and enrolled.secret not in key
        assert len(codes.split(";")) == 10
        assert not any(code in codes for code in enrolled.recovery_codes)
