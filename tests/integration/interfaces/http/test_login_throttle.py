"""Failed log-ins over HTTP: locked accounts, throttled addresses, 429 with Retry-After, and
nothing that tells which addresses have an account."""

import dataclasses
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest

from infrastructure.security.throttle import LoginThrottle
from interfaces.bootstrap import Runtime
from interfaces.http.app import create_app
from tests.integration.interfaces.http.support import (
    PASSWORD,
    TestClient,
    an_account,
    an_email,
    assert_problem,
    login,
)


@pytest.fixture(scope="module")
def narrow_address_client(http_runtime: Runtime) -> Iterator[TestClient]:
    """A client at an address of its own, on a server that pauses an address after 3
    failed log-ins."""
    address = f"198.51.100.{id(http_runtime) % 250 + 1}"
    throttle = LoginThrottle(
        http_runtime.redis,
        namespace=f"test-{an_email()}",
        max_failures=5,
        lockout=timedelta(minutes=15),
        address_max_failures=3,
        address_window=timedelta(minutes=15),
    )
    app = create_app(dataclasses.replace(http_runtime, throttle=throttle))
    with TestClient(app, raise_server_exceptions=False, client=(address, 50000)) as test_client:
        yield test_client


def fail(client: TestClient, email: str, times: int) -> list[int]:
    return [login(client, email, "not the password").status_code for _ in range(times)]


class TestAccountLockout:
    def test_locks_an_account_after_five_wrong_passwords_even_for_the_right_one(
        self, client: TestClient
    ) -> None:
        account = an_account(client)

        assert fail(client, account.email, 5) == [401] * 5
        response = login(client, account.email, PASSWORD)

        body = assert_problem(response, 429, "too-many-attempts")
        retry_after = int(response.headers["Retry-After"])
        assert 14 * 60 < retry_after <= 15 * 60
        assert body["retry_after"] == retry_after

    def test_answers_an_unknown_address_exactly_as_a_locked_account(
        self, client: TestClient
    ) -> None:
        account = an_account(client)
        unknown = an_email()
        fail(client, account.email, 5)
        fail(client, unknown, 5)

        known_answer = login(client, account.email, "not the password")
        unknown_answer = login(client, unknown, "not the password")

        assert (known_answer.status_code, unknown_answer.status_code) == (429, 429)
        assert known_answer.json()["detail"] == unknown_answer.json()["detail"]

    def test_records_the_failures_and_the_lockout_on_the_account(
        self, client: TestClient, http_runtime: Runtime, catch_up: Callable[[], None]
    ) -> None:
        account = an_account(client)
        fail(client, account.email, 3)
        catch_up()
        assert http_runtime.users.account(account.id).access_failed_count == 3  # type: ignore[union-attr]

        fail(client, account.email, 2)
        catch_up()

        locked = http_runtime.users.account(account.id)
        assert locked is not None
        assert (locked.access_failed_count, locked.lockout_end is not None) == (0, True)

    def test_a_successful_log_in_starts_the_count_again(self, client: TestClient) -> None:
        account = an_account(client)
        fail(client, account.email, 4)

        assert login(client, account.email).status_code == 200

        assert fail(client, account.email, 4) == [401] * 4
        assert login(client, account.email).status_code == 200

    def test_the_oauth2_form_is_locked_too(self, client: TestClient) -> None:
        account = an_account(client)
        fail(client, account.email, 5)

        response = client.post(
            "/auth/token", data={"username": account.email, "password": PASSWORD}
        )

        assert_problem(response, 429, "too-many-attempts")


class TestAddressThrottle:
    def test_pauses_an_address_that_fails_across_many_accounts(
        self, narrow_address_client: TestClient, client: TestClient
    ) -> None:
        account = an_account(client)

        answers = [login(narrow_address_client, an_email(), "guess").status_code for _ in range(3)]
        paused = login(narrow_address_client, account.email, PASSWORD)

        assert answers == [401] * 3
        assert_problem(paused, 429, "too-many-attempts")
        assert int(paused.headers["Retry-After"]) > 0
        # Another address is not paused.
        assert login(client, account.email, PASSWORD).status_code == 200
