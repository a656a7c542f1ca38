"""Confirming an e-mail address and resetting a forgotten password over HTTP: the tokens
arrive as notification rows, work once, and a reset ends every session."""

import re
from collections.abc import Callable, Iterator
from uuid import uuid4

import dramatiq
import pytest

from interfaces.bootstrap import Runtime, Servers
from tests.integration.interfaces.http.support import (
    PASSWORD,
    Account,
    TestClient,
    an_account,
    assert_problem,
    login,
)

TOKEN = re.compile(r"[0-9a-f]{32}\.[A-Za-z0-9_-]+")


@pytest.fixture(scope="module")
def redis_broker(servers: Servers) -> Iterator[dramatiq.Broker]:
    from interfaces.workers.broker import configure_broker

    yield configure_broker(servers.redis_url, namespace=f"testament-test-{uuid4().hex[:10]}")


@pytest.fixture
def owner(client: TestClient, redis_broker: dramatiq.Broker) -> Account:
    return an_account(client)


def mailed(runtime: Runtime, address: str) -> list[dict[str, str]]:
    with runtime.pool.connection() as conn:
        rows = conn.execute(
            "SELECT subject, body FROM notif.email_messages WHERE tos = %s"
            " ORDER BY created_date_time",
            (address,),
        ).fetchall()
    return [dict(row) for row in rows]


def token_in(body: str) -> str:
    found = TOKEN.search(body)
    assert found, body
    return found.group(0)


class TestConfirmEmail:
    def test_the_token_mailed_confirms_the_address_once(
        self,
        client: TestClient,
        owner: Account,
        http_runtime: Runtime,
        catch_up: Callable[[], None],
    ) -> None:
        asked = client.post("/me/email-confirmation", json={"language": "vi"}, headers=owner.auth)
        assert asked.status_code == 202, asked.text
        assert asked.json() == {"sent": True}
        (mail,) = mailed(http_runtime, owner.email)
        assert mail["subject"] == "[Testament] Xác nhận địa chỉ e-mail của bạn"
        token = token_in(mail["body"])

        confirmed = client.post("/auth/confirm-email", json={"token": token})
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json() == {"email_confirmed": True}
        again = client.post("/auth/confirm-email", json={"token": token})
        assert_problem(again, 422, "token-not-valid")
        assert "token" in again.text
        catch_up()
        with http_runtime.pool.connection() as conn:
            row = conn.execute(
                "SELECT email_confirmed, row_version FROM identity.users WHERE id = %s",
                (owner.id,),
            ).fetchone()
        # The read row follows every event: its version is the account's.
        account = http_runtime.identity.get_account(owner.id)
        assert row is not None and row["email_confirmed"] is True
        assert row["row_version"] == account.version
        # Confirmed: nothing more to send.
        assert client.post("/me/email-confirmation", json={}, headers=owner.auth).json() == {
            "sent": False
        }

    def test_a_token_for_another_account_or_made_up_is_refused(
        self, client: TestClient, owner: Account
    ) -> None:
        made_up = f"{owner.id.hex}.{'x' * 43}"
        assert_problem(
            client.post("/auth/confirm-email", json={"token": made_up}), 422, "token-not-valid"
        )
        unknown = f"{uuid4().hex}.{'x' * 43}"
        assert_problem(
            client.post("/auth/confirm-email", json={"token": unknown}), 422, "token-not-valid"
        )


class TestResetPassword:
    def test_a_reset_token_sets_a_new_password_once_and_ends_sessions(
        self, client: TestClient, owner: Account, http_runtime: Runtime
    ) -> None:
        known = client.post("/auth/forgot-password", json={"email": owner.email})
        unknown = client.post(
            "/auth/forgot-password", json={"email": f"nobody-{uuid4().hex[:8]}@example.com"}
        )
        assert (known.status_code, unknown.status_code) == (202, 202)
        assert known.json() == unknown.json()
        (mail,) = mailed(http_runtime, owner.email)
        assert mail["subject"] == "[Testament] Reset your password"
        token = token_in(mail["body"])

        new_password = "another long passphrase"
        reset = client.post(
            "/auth/reset-password", json={"token": token, "new_password": new_password}
        )
        assert reset.status_code == 204, reset.text
        assert login(client, owner.email, PASSWORD).status_code == 401
        assert login(client, owner.email, new_password).status_code == 200
        # The session of before the reset has ended.
        assert client.get("/me", headers=owner.auth).status_code == 401
        reused = client.post(
            "/auth/reset-password", json={"token": token, "new_password": "a third passphrase"}
        )
        assert_problem(reused, 422, "token-not-valid")

    def test_a_short_new_password_is_refused_and_the_token_stays_usable(
        self, client: TestClient, owner: Account, http_runtime: Runtime
    ) -> None:
        client.post("/auth/forgot-password", json={"email": owner.email})
        token = token_in(mailed(http_runtime, owner.email)[-1]["body"])
        short = client.post("/auth/reset-password", json={"token": token, "new_password": "short"})
        assert_problem(short, 422, "validation")
        fine = client.post(
            "/auth/reset-password", json={"token": token, "new_password": "long enough now"}
        )
        assert fine.status_code == 204, fine.text
