"""Scheduled runs over HTTP, and what a scheduler fires after downtime."""

import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from application.testexec.app import TestexecApplication
from infrastructure.projections.catalog import read_model
from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
    error_fields,
)
from tests.support.scheduler_process import fire_rounds

CASE = {
    "name": "c",
    "request": {"method": "GET", "url": "/"},
    "expectations": {"expected_status": [200]},
}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now_at = now

    def now(self) -> datetime:
        return self.now_at


def a_runnable_suite(client: TestClient, account: Account) -> dict[str, Any]:
    """This function will make a project with an environment and a suite with one case."""
    project = a_project(client, account).json()
    environment = client.post(
        f"/projects/{project['id']}/environments",
        headers=account.auth,
        json={"name": "local", "base_url": "http://127.0.0.1:9"},
    )
    assert environment.status_code == 201, environment.text
    suite = client.post(
        f"/projects/{project['id']}/suites", json={"name": "s"}, headers=account.auth
    ).json()
    added = client.post(f"/suites/{suite['id']}/cases", json=CASE, headers=account.auth)
    assert added.status_code == 201, added.text
    return {"project": project, "environment": environment.json(), "suite": suite}


def catch_up(runtime: Runtime) -> None:
    for runner in runtime.runners((read_model("projects"), read_model("testexec"))):
        runner.catch_up()


@contextmanager
def at(runtime: Runtime, now: datetime) -> Iterator[TestexecApplication]:
    """This function will give the session's testexec application with its clock stopped
    at `now`, and its own clock back afterwards."""
    app = runtime.testexec
    own = app._clock
    app._clock = Clock(now)
    try:
        yield app
    finally:
        app._clock = own


class TestScheduleRoutes:
    def test_create_read_list_change_and_delete(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        account = an_account(client)
        made = a_runnable_suite(client, account)
        suite_id = made["suite"]["id"]
        created = client.post(
            f"/suites/{suite_id}/schedules",
            json={"cron": "0 9 * * 1-5", "timezone": "Asia/Ho_Chi_Minh"},
            headers=account.auth,
        )
        assert created.status_code == 201, created.text
        schedule = created.json()
        assert created.headers["Location"] == f"/schedules/{schedule['id']}"
        assert schedule["enabled"] and schedule["environment_id"] is None
        next_run = datetime.fromisoformat(schedule["next_run_at"])
        assert (next_run.hour, next_run.minute) == (2, 0)  # 09:00 in UTC+7
        assert next_run > datetime.now(UTC)

        read = client.get(f"/schedules/{schedule['id']}", headers=account.auth)
        assert read.json() == schedule
        catch_up(http_runtime)
        listed = client.get(f"/suites/{suite_id}/schedules", headers=account.auth)
        assert listed.json() == [schedule]

        changed = client.patch(
            f"/schedules/{schedule['id']}",
            json={"enabled": False, "environment_id": made["environment"]["id"]},
            headers={**account.auth, "If-Match": created.headers["ETag"]},
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["next_run_at"] is None
        assert changed.json()["environment_id"] == made["environment"]["id"]
        back = client.patch(
            f"/schedules/{schedule['id']}",
            json={"enabled": True, "environment_id": None},
            headers=account.auth,
        )
        assert back.json()["environment_id"] is None and back.json()["next_run_at"]

        deleted = client.delete(f"/schedules/{schedule['id']}", headers=account.auth)
        assert deleted.status_code == 204
        assert_problem(client.get(f"/schedules/{schedule['id']}", headers=account.auth), 404)
        catch_up(http_runtime)
        assert client.get(f"/suites/{suite_id}/schedules", headers=account.auth).json() == []

    def test_history_lists_every_change(self, client: TestClient) -> None:
        account = an_account(client)
        suite_id = a_runnable_suite(client, account)["suite"]["id"]
        schedule = client.post(
            f"/suites/{suite_id}/schedules", json={"cron": "*/30 * * * *"}, headers=account.auth
        ).json()
        client.patch(
            f"/schedules/{schedule['id']}", json={"cron": "0 * * * *"}, headers=account.auth
        )
        history = client.get(f"/schedules/{schedule['id']}/history", headers=account.auth)
        assert [entry["type"] for entry in history.json()] == [
            "RunSchedule.Created",
            "RunSchedule.Changed",
        ]
        assert history.json()[1]["payload"]["changes"] == {"cron": "0 * * * *"}
        assert history.json()[1]["user_id"] == str(account.id)

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"cron": "* * * * *"}, "cron"),
            ({"cron": "0 25 * * *"}, "cron"),
            ({"cron": "0 9 * * *", "timezone": "Nowhere/Town"}, "timezone"),
            ({"cron": "0 9 * * *", "every": "day"}, "every"),
        ],
    )
    def test_refuses_a_bad_schedule_naming_the_field(
        self, client: TestClient, account_for_reads: Account, body: dict[str, Any], field: str
    ) -> None:
        suite_id = a_runnable_suite(client, account_for_reads)["suite"]["id"]
        refused = client.post(
            f"/suites/{suite_id}/schedules", json=body, headers=account_for_reads.auth
        )
        problem = assert_problem(refused, 422)
        assert field in error_fields(problem) or field in problem["detail"]

    def test_an_environment_of_another_project_is_refused(self, client: TestClient) -> None:
        account = an_account(client)
        one, other = a_runnable_suite(client, account), a_runnable_suite(client, account)
        refused = client.post(
            f"/suites/{one['suite']['id']}/schedules",
            json={"cron": "0 9 * * *", "environment_id": other["environment"]["id"]},
            headers=account.auth,
        )
        assert "environment_id" in error_fields(assert_problem(refused, 422))

    def test_another_accounts_suite_and_schedule_are_404(self, client: TestClient) -> None:
        owner, stranger = an_account(client), an_account(client)
        suite_id = a_runnable_suite(client, owner)["suite"]["id"]
        assert_problem(
            client.post(
                f"/suites/{suite_id}/schedules", json={"cron": "0 9 * * *"}, headers=stranger.auth
            ),
            404,
        )
        schedule = client.post(
            f"/suites/{suite_id}/schedules", json={"cron": "0 9 * * *"}, headers=owner.auth
        ).json()
        for answer in (
            client.get(f"/schedules/{schedule['id']}", headers=stranger.auth),
            client.get(f"/schedules/{schedule['id']}/history", headers=stranger.auth),
            client.patch(f"/schedules/{schedule['id']}", json={}, headers=stranger.auth),
            client.delete(f"/schedules/{schedule['id']}", headers=stranger.auth),
            client.get(f"/schedules/{uuid4()}", headers=owner.auth),
        ):
            assert_problem(answer, 404)


class TestFiring:
    def test_a_tick_missed_during_downtime_runs_once(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        account = an_account(client)
        suite_id = a_runnable_suite(client, account)["suite"]["id"]
        made_at = datetime.now(UTC).replace(second=30, microsecond=0)
        schedule = client.post(
            f"/suites/{suite_id}/schedules", json={"cron": "*/5 * * * *"}, headers=account.auth
        ).json()
        first_tick = datetime.fromisoformat(schedule["next_run_at"])
        catch_up(http_runtime)
        # Everything was down for an hour: twelve ticks came and went with no scheduler.
        back_at = first_tick + timedelta(hours=1, minutes=2)
        with at(http_runtime, back_at) as app:
            fired = [t for t in app.fire_due_schedules() if str(t.schedule_id) == schedule["id"]]
            # Asked again (another worker's message, the read model behind): nothing more.
            again = [t for t in app.fire_due_schedules() if str(t.schedule_id) == schedule["id"]]
        assert len(fired) == 1 and again == []
        assert fired[0].missed == 12 and fired[0].run_id is not None
        assert fired[0].tick_at == first_tick + timedelta(hours=1)
        catch_up(http_runtime)
        runs = client.get(f"/suites/{suite_id}/runs", headers=account.auth).json()
        assert [run["id"] for run in runs] == [str(fired[0].run_id)]
        assert runs[0]["triggered_by"] is None  # Testament queued it, not a person
        read = client.get(f"/schedules/{schedule['id']}", headers=account.auth).json()
        assert read["last_run_id"] == str(fired[0].run_id)
        assert datetime.fromisoformat(read["next_run_at"]) == first_tick + timedelta(minutes=65)
        tick = client.get(f"/schedules/{schedule['id']}/history", headers=account.auth).json()[-1]
        assert tick["type"] == "RunSchedule.TickFired" and tick["payload"]["missed"] == 12
        assert made_at < first_tick

    def test_a_tick_the_suite_refuses_is_recorded_with_the_reason(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        account = an_account(client)
        made = a_runnable_suite(client, account)
        schedule = client.post(
            f"/suites/{made['suite']['id']}/schedules",
            json={"cron": "*/5 * * * *"},
            headers=account.auth,
        ).json()
        client.delete(f"/environments/{made['environment']['id']}", headers=account.auth)
        catch_up(http_runtime)
        with at(http_runtime, datetime.fromisoformat(schedule["next_run_at"])) as app:
            (fired,) = [t for t in app.fire_due_schedules() if str(t.schedule_id) == schedule["id"]]
        assert fired.run_id is None and "environment" in (fired.refusal or "")
        history = client.get(f"/schedules/{schedule['id']}/history", headers=account.auth).json()
        assert history[-1]["payload"]["refusal"] == fired.refusal


class TestTwoSchedulers:
    def test_two_scheduler_processes_never_start_one_tick_twice(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        account = an_account(client)
        suite_id = a_runnable_suite(client, account)["suite"]["id"]
        schedule = client.post(
            f"/suites/{suite_id}/schedules", json={"cron": "*/5 * * * *"}, headers=account.auth
        ).json()
        first_tick = datetime.fromisoformat(schedule["next_run_at"])
        catch_up(http_runtime)
        moments = [(first_tick + timedelta(minutes=5 * n, seconds=1)).isoformat() for n in range(3)]
        context = multiprocessing.get_context("spawn")
        barrier, results = context.Barrier(2), context.Queue()
        settings = http_runtime.settings
        args = (
            http_runtime.servers.database_url,
            http_runtime.servers.redis_url,
            settings.resolved_secret_key(),
            str(settings.data_dir),
            moments,
            barrier,
            results,
        )
        schedulers = [context.Process(target=fire_rounds, args=args) for _ in range(2)]
        for process in schedulers:
            process.start()
        rounds = [results.get(timeout=180) for _ in range(2 * len(moments))]
        for process in schedulers:
            process.join(timeout=60)
            assert process.exitcode == 0
        ticks = [tick for fired in rounds for tick in fired if tick[0] == schedule["id"]]
        assert sorted(tick_at for _, tick_at, _ in ticks) == [
            (first_tick + timedelta(minutes=5 * n)).isoformat() for n in range(3)
        ]
        catch_up(http_runtime)
        runs = client.get(f"/suites/{suite_id}/runs", headers=account.auth).json()
        assert sorted(run["id"] for run in runs) == sorted(run_id for _, _, run_id in ticks)
        history = client.get(f"/schedules/{schedule['id']}/history", headers=account.auth).json()
        assert [
            e["payload"]["tick_at"] for e in history if e["type"] == "RunSchedule.TickFired"
        ] == [(first_tick + timedelta(minutes=5 * n)).isoformat() for n in range(3)]
