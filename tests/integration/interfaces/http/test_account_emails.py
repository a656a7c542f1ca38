"""Confirming an e-mail address and resetting a forgotten password over HTTP: the tokens
arrive as notification rows, work once, and a reset ends every session."""

import dataclasses
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
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


def throttled_client(runtime: Runtime, *, per_address: int, per_client: int) -> TestClient:
    """A client whose forgot-password throttle is its own (a fresh namespace, small limits)."""
    from infrastructure.contexts.account_emails import AccountEmails
    from infrastructure.security.send_throttle import SendLimit, SendThrottle
    from interfaces.http.app import create_app

    throttle = SendThrottle(
        runtime.redis,
        namespace=f"throttle-test-{uuid4().hex[:10]}",
        kind="reset-password",
        limit=SendLimit(
            per_subject=per_address, per_client=per_client, window=timedelta(minutes=5)
        ),
    )
    emails = AccountEmails(
        runtime.identity,
        runtime.notifications,
        sender=lambda: runtime.settings.email_from,
        reset_throttle=throttle,
    )
    return TestClient(
        create_app(dataclasses.replace(runtime, account_emails=emails)),
        raise_server_exceptions=False,
    )


class TestForgotPasswordThrottle:
    def test_an_address_gets_at_most_n_mails_per_window_and_the_answer_never_changes(
        self, client: TestClient, owner: Account, http_runtime: Runtime
    ) -> None:
        nobody = f"nobody-{uuid4().hex[:8]}@example.com"
        with throttled_client(http_runtime, per_address=2, per_client=1000) as limited:
            answers = [
                limited.post("/auth/forgot-password", json={"email": address})
                for address in [owner.email] * 4 + [nobody] * 4
            ]
            # The address in another case is the same address.
            upper = limited.post("/auth/forgot-password", json={"email": owner.email.upper()})
        assert {(a.status_code, a.text) for a in [*answers, upper]} == {(202, answers[0].text)}
        assert len(mailed(http_runtime, owner.email)) == 2
        # The token of the last mail sent still works: the refused requests issued none.
        token = token_in(mailed(http_runtime, owner.email)[-1]["body"])
        reset = client.post(
            "/auth/reset-password", json={"token": token, "new_password": "a new passphrase"}
        )
        assert reset.status_code == 204, reset.text

    def test_one_client_asking_for_many_addresses_is_cut_off(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        accounts = [an_account(client) for _ in range(3)]
        with throttled_client(http_runtime, per_address=10, per_client=2) as limited:
            answers = [
                limited.post("/auth/forgot-password", json={"email": account.email})
                for account in accounts
            ]
        assert [a.status_code for a in answers] == [202, 202, 202]
        assert [len(mailed(http_runtime, a.email)) for a in accounts] == [1, 1, 0]
