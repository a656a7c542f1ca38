"""Waiting for a read model over HTTP: only for an authenticated caller, on the event loop,
with a bounded number of waiters."""

import dataclasses
import threading
import time
from collections.abc import Iterator

import pytest

from interfaces.bootstrap import Runtime
from interfaces.http.app import create_app
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    assert_problem,
)

FAR_AWAY = "identity:999999999"


def a_position_not_yet_applied(client: TestClient, account: Account) -> str:
    """This function will write a project and give its position, which the projects read
    model has not applied: no projection runs here until a test catches up."""
    return str(a_project(client, account).headers["X-Testament-Position"])


def a_client(http_runtime: Runtime, waiters: int) -> TestClient:
    """This function will give a client of a server that lets `waiters` reads wait at
    once, each for up to 4 s."""
    settings = http_runtime.settings.model_copy(
        update={"read_wait_max_waiters": waiters, "read_wait_timeout_seconds": 4.0}
    )
    app = create_app(dataclasses.replace(http_runtime, settings=settings))
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def narrow_client(http_runtime: Runtime) -> Iterator[TestClient]:
    with a_client(http_runtime, 3) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def patient_client(http_runtime: Runtime) -> Iterator[TestClient]:
    with a_client(http_runtime, 200) as test_client:
        yield test_client


def until_waiting(client: TestClient, count: int) -> None:
    """This function will wait (at most 10 s, on a loaded machine) until `count` reads wait
    on the server's PositionWatch (a server without one never gets there)."""
    watch = getattr(client.app.state, "position_watch", None)  # type: ignore[attr-defined]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (watch is None or watch.waiting < count):
        time.sleep(0.02)


def in_threads(count: int, call: object) -> list[threading.Thread]:
    threads = [threading.Thread(target=call) for _ in range(count)]  # type: ignore[arg-type]
    for thread in threads:
        thread.start()
    return threads


class TestWaitingForAPosition:
    @pytest.mark.parametrize("where", ["query", "header"])
    def test_an_anonymous_request_is_refused_at_once(
        self, patient_client: TestClient, where: str
    ) -> None:
        started = time.monotonic()
        if where == "query":
            response = patient_client.get("/projects", params={"min_position": FAR_AWAY})
        else:
            response = patient_client.get(
                "/projects", headers={"X-Testament-Min-Position": FAR_AWAY}
            )

        assert_problem(response, 401, "unauthorized")
        assert time.monotonic() - started < 1.5  # not after the 4 s wait

    def test_a_flood_of_waiting_reads_does_not_stall_other_requests(
        self, patient_client: TestClient, account_for_reads: Account
    ) -> None:
        answers: list[int] = []
        behind = a_position_not_yet_applied(patient_client, account_for_reads)

        def wait() -> None:
            response = patient_client.get(
                "/projects", params={"min_position": behind}, headers=account_for_reads.auth
            )
            answers.append(response.status_code)

        waiters = in_threads(60, wait)  # more than the 40 threads of the sync pool
        until_waiting(patient_client, 60)
        started = time.monotonic()
        other = patient_client.get("/projects", headers=account_for_reads.auth)
        elapsed = time.monotonic() - started
        for thread in waiters:
            thread.join()

        assert other.status_code == 200, other.text
        # Behind waiters that held threads, it would wait for their 4 s to run out.
        assert elapsed < 1.5, f"a plain read took {elapsed:.2f}s behind the waiters"
        assert answers == [503] * 60

    def test_refuses_a_waiter_beyond_the_cap_with_retry_after(
        self, narrow_client: TestClient, account_for_reads: Account
    ) -> None:
        answers: list[int] = []
        behind = a_position_not_yet_applied(narrow_client, account_for_reads)

        def wait() -> None:
            response = narrow_client.get(
                "/projects", params={"min_position": behind}, headers=account_for_reads.auth
            )
            answers.append(response.status_code)

        waiters = in_threads(3, wait)
        until_waiting(narrow_client, 3)
        started = time.monotonic()
        refused = narrow_client.get(
            "/projects", params={"min_position": behind}, headers=account_for_reads.auth
        )
        elapsed = time.monotonic() - started
        for thread in waiters:
            thread.join()

        assert_problem(refused, 503, "read-wait-busy")
        assert refused.headers["Retry-After"] == "1"
        assert elapsed < 1.5
        assert sorted(answers) == [503, 503, 503]  # the three waiters timed out


class TestPositionsNoWaitCanReach:
    def test_answers_412_at_once_for_a_position_no_command_returned(
        self, patient_client: TestClient, account_for_reads: Account
    ) -> None:
        log, position = a_position_not_yet_applied(patient_client, account_for_reads).split(":")
        started = time.monotonic()

        response = patient_client.get(
            "/projects",
            params={"min_position": f"{log}:{int(position) + 1_000_000}"},
            headers=account_for_reads.auth,
        )

        body = assert_problem(response, 412, "position-not-written")
        assert body["required_position"] == int(position) + 1_000_000
        assert body["position"] >= int(position)
        assert time.monotonic() - started < 1.5  # not after the 4 s wait

    @pytest.mark.parametrize("log", ["identity", "nosuchlog"])
    def test_answers_at_once_for_a_log_the_read_model_does_not_follow(
        self, patient_client: TestClient, account_for_reads: Account, log: str
    ) -> None:
        started = time.monotonic()

        response = patient_client.get(
            "/projects", params={"min_position": f"{log}:999"}, headers=account_for_reads.auth
        )

        assert response.status_code == 200, response.text
        assert time.monotonic() - started < 1.5
