"""An account's phone number over HTTP: set, confirmed with a code sent by SMS (a
notification row), single use and throttled; and a failed run sent by SMS to the owners
who chose it and have a confirmed number."""

import random
import re
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID, uuid4

import dramatiq
import pytest

from domain.runs.model import TestRun
from domain.shared.meta import system_meta
from interfaces.bootstrap import Runtime, Servers
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
)

CODE = re.compile(r"\b[0-9]{6}\b")


@pytest.fixture(scope="module")
def redis_broker(servers: Servers) -> Iterator[dramatiq.Broker]:
    from interfaces.workers.broker import configure_broker

    yield configure_broker(servers.redis_url, namespace=f"testament-test-{uuid4().hex[:10]}")


@pytest.fixture
def owner(client: TestClient, redis_broker: dramatiq.Broker) -> Account:
    return an_account(client)


@pytest.fixture
def number() -> str:
    # A number of its own per test: the throttle counts by number across test sessions.
    return f"+849{random.randrange(10**7, 10**8)}"


def texted(runtime: Runtime, number: str) -> list[str]:
    with runtime.pool.connection() as conn:
        rows = conn.execute(
            "SELECT message FROM notif.sms_messages WHERE phone_number = %s"
            " ORDER BY created_date_time",
            (number,),
        ).fetchall()
    return [row["message"] for row in rows]


def code_in(message: str) -> str:
    found = CODE.search(message)
    assert found, message
    return found.group(0)


def confirmed_phone(client: TestClient, account: Account, runtime: Runtime, number: str) -> None:
    set_ = client.put("/me/phone-number", json={"phone_number": number}, headers=account.auth)
    assert set_.status_code == 202, set_.text
    code = code_in(texted(runtime, number)[-1])
    confirmed = client.post("/me/phone-number/confirm", json={"code": code}, headers=account.auth)
    assert confirmed.status_code == 200, confirmed.text


class TestPhoneNumber:
    def test_a_code_sent_by_sms_confirms_the_number_once(
        self,
        client: TestClient,
        owner: Account,
        http_runtime: Runtime,
        catch_up: Callable[[], None],
        number: str,
    ) -> None:
        assert client.get("/me/phone-number", headers=owner.auth).json()["phone_number"] is None
        set_ = client.put(
            "/me/phone-number",
            json={"phone_number": number, "language": "vi"},
            headers=owner.auth,
        )
        assert set_.status_code == 202, set_.text
        assert set_.json()["code_sent"] is True
        assert set_.json()["phone_number_confirmed"] is False
        (message,) = texted(http_runtime, number)
        assert message.startswith("Testament: mã của bạn là ")
        code = code_in(message)
        wrong = "000000" if code != "000000" else "111111"
        refused = client.post("/me/phone-number/confirm", json={"code": wrong}, headers=owner.auth)
        assert "code" in assert_problem(refused, 422, "token-not-valid")["detail"]

        confirmed = client.post("/me/phone-number/confirm", json={"code": code}, headers=owner.auth)
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json()["phone_number"] == number
        assert confirmed.json()["phone_number_confirmed"] is True
        again = client.post("/me/phone-number/confirm", json={"code": code}, headers=owner.auth)
        assert_problem(again, 422, "token-not-valid")
        # Confirmed: a PUT of the same number sends nothing more.
        same = client.put("/me/phone-number", json={"phone_number": number}, headers=owner.auth)
        assert same.json()["code_sent"] is False and same.json()["phone_number_confirmed"]
        assert len(texted(http_runtime, number)) == 1
        catch_up()
        with http_runtime.pool.connection() as conn:
            row = conn.execute(
                "SELECT phone_number, phone_number_confirmed, row_version FROM identity.users"
                " WHERE id = %s",
                (owner.id,),
            ).fetchone()
        assert row is not None
        assert (row["phone_number"], row["phone_number_confirmed"]) == (number, True)
        assert row["row_version"] == http_runtime.identity.phone_state(owner.id).version

    def test_a_new_code_replaces_the_last_and_a_new_number_needs_confirming_again(
        self, client: TestClient, owner: Account, http_runtime: Runtime, number: str
    ) -> None:
        confirmed_phone(client, owner, http_runtime, number)
        other = f"+849{random.randrange(10**7, 10**8)}"
        changed = client.put("/me/phone-number", json={"phone_number": other}, headers=owner.auth)
        assert changed.json()["phone_number_confirmed"] is False
        first = code_in(texted(http_runtime, other)[-1])
        resent = client.post("/me/phone-number/code", json={}, headers=owner.auth)
        assert resent.status_code == 202 and resent.json()["code_sent"] is True
        second = code_in(texted(http_runtime, other)[-1])
        if first != second:
            stale = client.post(
                "/me/phone-number/confirm", json={"code": first}, headers=owner.auth
            )
            assert_problem(stale, 422, "token-not-valid")
        fine = client.post("/me/phone-number/confirm", json={"code": second}, headers=owner.auth)
        assert fine.status_code == 200, fine.text

    def test_bad_numbers_and_codes_without_a_number_are_refused(
        self, client: TestClient, owner: Account
    ) -> None:
        for bad in ("0901234567", "+0123456789", "+84 90", "+849012345678901234"):
            answer = client.put("/me/phone-number", json={"phone_number": bad}, headers=owner.auth)
            assert_problem(answer, 422)
        no_number = client.post("/me/phone-number/code", json={}, headers=owner.auth)
        assert "phone number" in assert_problem(no_number, 409, "no-phone-number")["detail"]
        no_code = client.post(
            "/me/phone-number/confirm", json={"code": "123456"}, headers=owner.auth
        )
        assert "code" in assert_problem(no_code, 422, "token-not-valid")["detail"]
        assert_problem(
            client.post("/me/phone-number/confirm", json={"code": "12ab"}, headers=owner.auth), 422
        )

    def test_a_removed_number_is_gone(
        self, client: TestClient, owner: Account, http_runtime: Runtime, number: str
    ) -> None:
        confirmed_phone(client, owner, http_runtime, number)
        assert client.delete("/me/phone-number", headers=owner.auth).status_code == 204
        assert client.get("/me/phone-number", headers=owner.auth).json() == {
            "phone_number": None,
            "phone_number_confirmed": False,
            "version": http_runtime.identity.phone_state(owner.id).version,
        }


class TestPhoneThrottle:
    def test_codes_per_number_are_limited_then_429(
        self, client: TestClient, owner: Account, http_runtime: Runtime, number: str
    ) -> None:
        limit = http_runtime.settings.phone_code_max_per_number
        client.put("/me/phone-number", json={"phone_number": number}, headers=owner.auth)
        for _ in range(limit - 1):
            sent = client.post("/me/phone-number/code", json={}, headers=owner.auth)
            assert sent.status_code == 202, sent.text
        over = client.post("/me/phone-number/code", json={}, headers=owner.auth)
        body = assert_problem(over, 429, "too-many-attempts")
        assert int(over.headers["Retry-After"]) > 0 and body["retry_after"] > 0
        assert len(texted(http_runtime, number)) == limit
        # Another account cannot send more to the same number either.
        other = an_account(client)
        refused = client.put("/me/phone-number", json={"phone_number": number}, headers=other.auth)
        assert_problem(refused, 429, "too-many-attempts")
        assert len(texted(http_runtime, number)) == limit

    def test_wrong_codes_are_limited_so_six_digits_cannot_be_guessed(
        self, client: TestClient, owner: Account, http_runtime: Runtime, number: str
    ) -> None:
        client.put("/me/phone-number", json={"phone_number": number}, headers=owner.auth)
        code = code_in(texted(http_runtime, number)[-1])
        guesses = ("000000", "111111", "222222", "333333", "444444", "555555")
        wrong = [c for c in guesses if c != code][: http_runtime.settings.phone_code_max_tries]
        for guess in wrong:
            answer = client.post(
                "/me/phone-number/confirm", json={"code": guess}, headers=owner.auth
            )
            assert_problem(answer, 422, "token-not-valid")
        right = client.post("/me/phone-number/confirm", json={"code": code}, headers=owner.auth)
        assert_problem(right, 429, "too-many-attempts")
        assert http_runtime.identity.phone_state(owner.id).phone_number_confirmed is False


def a_failed_run(runtime: Runtime, project_id: UUID, owner_id: UUID) -> TestRun:
    run = TestRun(
        project_id=project_id,
        suite_id=uuid4(),
        environment_id=uuid4(),
        run_number=7,
        owner_id=owner_id,
        total_tests=3,
        retention_days=7,
        meta=system_meta("test"),
    )
    run.start(
        started_at="2026-01-01T00:00:00+00:00",
        suite_version=1,
        total_tests=3,
        meta=system_meta("test"),
    )
    run.finish(
        outcome="Completed",
        counts={"passed": 2, "failed": 1},
        duration_ms=1200,
        completed_at="2026-01-01T00:00:02+00:00",
        results_expire_at="2026-01-08T00:00:02+00:00",
        meta=system_meta("test"),
    )
    runtime.testexec.save(run)
    return run


def notify_run(runtime: Runtime, run: TestRun) -> None:
    from interfaces.workers.actors.notifications import notify
    from interfaces.workers.context import set_runtime

    event: dict[str, Any] = {
        "message_id": str(uuid4()),
        "event_type": "TestRun.Completed",
        "object_id": str(run.id),
        "version": run.version,
    }
    set_runtime(runtime)
    try:
        notify.fn(**event)
        notify.fn(**event)  # the published event delivered twice: one SMS
    finally:
        set_runtime(None)


def preferences(client: TestClient, account: Account, project_id: str, **changes: Any) -> None:
    body = {
        "run_finished": "never",
        "suite_waiting": True,
        "parse_failed": True,
        "language": "en",
        **changes,
    }
    answer = client.put(
        f"/projects/{project_id}/notification-preferences", json=body, headers=account.auth
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["sms_run_failed"] is body.get("sms_run_failed", False)


class TestRunFailedBySms:
    def test_a_failed_run_is_texted_to_a_confirmed_number_that_chose_it(
        self, client: TestClient, owner: Account, http_runtime: Runtime, number: str
    ) -> None:
        project_id = a_project(client, owner).json()["id"]
        preferences(client, owner, project_id, sms_run_failed=True, language="vi")
        confirmed_phone(client, owner, http_runtime, number)
        run = a_failed_run(http_runtime, UUID(project_id), owner.id)
        notify_run(http_runtime, run)
        messages = texted(http_runtime, number)
        assert len(messages) == 2  # the code, then the run
        assert messages[-1] == (
            f"Testament: lần chạy #7 Completed: 1 lỗi, 2 đạt (bộ kiểm thử {run.suite_id})."
        )
        # run_finished is "never": the SMS channel stands on its own, no e-mail was sent.
        with http_runtime.pool.connection() as conn:
            mails = conn.execute(
                "SELECT count(*) AS n FROM notif.email_messages WHERE tos = %s", (owner.email,)
            ).fetchone()
        assert mails is not None and mails["n"] == 0

    def test_nothing_is_texted_to_an_unconfirmed_number_or_without_the_choice(
        self, client: TestClient, http_runtime: Runtime, number: str
    ) -> None:
        chose = an_account(client)
        project_id = a_project(client, chose).json()["id"]
        preferences(client, chose, project_id, sms_run_failed=True)
        client.put("/me/phone-number", json={"phone_number": number}, headers=chose.auth)
        notify_run(http_runtime, a_failed_run(http_runtime, UUID(project_id), chose.id))
        assert len(texted(http_runtime, number)) == 1  # the code only

        other_number = f"+849{random.randrange(10**7, 10**8)}"
        did_not = an_account(client)
        other_project = a_project(client, did_not).json()["id"]
        preferences(client, did_not, other_project, run_finished="always")
        confirmed_phone(client, did_not, http_runtime, other_number)
        notify_run(http_runtime, a_failed_run(http_runtime, UUID(other_project), did_not.id))
        assert len(texted(http_runtime, other_number)) == 1
