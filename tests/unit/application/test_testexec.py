"""The testexec application on the in-memory store: environments, runs and their reading."""

import asyncio
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import pytest

from application.testexec.commands import (
    CancelTestRun,
    CreateEnvironment,
    EnvironmentCommand,
    UpdateEnvironment,
)
from application.testexec.following import follow_run
from application.testexec.queries import MASK, RunSummary, environment_summary, run_summary
from application.testexec.reading import EnvironmentQueries, ResultsExpiredError
from domain.runs.model import MAX_RUN_ATTEMPTS, RunStatus, TestRun
from domain.shared.errors import ConflictError, InvalidValueError, NotFoundError
from tests.unit.application.testexec_fakes import SECRETS, World, a_world
from tests.unit.builders import a_meta


@pytest.fixture
def world() -> World:
    return a_world()


class TestCreateEnvironment:
    def test_makes_the_projects_first_environment_its_default(self, world: World) -> None:
        first = world.environment(name="a")
        second = world.environment(name="b")
        assert world.app.default_environment_id(world.project) == first
        assert not world.app.environment(second, world.owner).is_default

    def test_seals_every_secret_before_it_reaches_an_event(self, world: World) -> None:
        env_id = world.environment(**SECRETS)
        stored = str([e.__dict__ for e in world.app.events.get(env_id)])
        assert "hunter2" not in stored and "basic-secret" not in stored
        opened = world.app.opened(world.app.environment(env_id, world.owner))
        assert (opened.variables, opened.auth["password"]) == (
            {"password": "hunter2", "user": "alice"},
            "basic-secret",
        )

    def test_refuses_a_stranger(self, world: World) -> None:
        with pytest.raises(NotFoundError):
            world.app.create_environment(
                CreateEnvironment(
                    project_id=world.project,
                    requester_id=uuid4(),
                    name="x",
                    base_url="https://x.example.com",
                    meta=a_meta(),
                )
            )


def update(world: World, env_id: UUID, **values: Any) -> None:
    world.app.update_environment(
        UpdateEnvironment(environment_id=env_id, requester_id=world.owner, meta=a_meta(), **values)
    )


class TestEnvironmentRoundTrip:
    def test_writing_back_what_was_read_changes_nothing(self, world: World) -> None:
        env_id = world.environment(**SECRETS, headers={"X-Team": "qa"})
        read = environment_summary(world.app.environment(env_id, world.owner))
        update(
            world,
            env_id,
            name=read.name,
            base_url=read.base_url,
            variables=[
                {"name": v.name, "value": v.value, "secret": v.secret} for v in read.variables
            ],
            headers=read.headers,
            auth=read.auth,
            expected_version=read.version,
            read_only={"id": read.id, "project_id": read.project_id, "is_default": True},
        )
        after = world.app.environment(env_id, world.owner)
        assert after.version == read.version and environment_summary(after) == read
        assert world.app.opened(after).auth["password"] == "basic-secret"

    def test_reads_every_secret_as_the_mask(self, world: World) -> None:
        read = environment_summary(world.app.environment(world.environment(**SECRETS), world.owner))
        assert read.auth == {"type": "basic", "username": "alice", "password": MASK}
        assert [(v.name, v.value) for v in read.variables] == [
            ("password", MASK),
            ("user", "alice"),
        ]

    def test_refuses_the_mask_where_there_is_no_secret_to_keep(self, world: World) -> None:
        env_id = world.environment(**SECRETS)
        with pytest.raises(InvalidValueError) as refused:
            update(world, env_id, variables=[{"name": "user", "value": MASK, "secret": True}])
        assert refused.value.field == "variables.0.value"
        with pytest.raises(InvalidValueError) as refused:
            update(world, env_id, auth={"type": "bearer", "token": MASK})
        assert refused.value.field == "auth.token"

    def test_refuses_a_read_only_field_with_another_value(self, world: World) -> None:
        env_id = world.environment(**SECRETS)
        with pytest.raises(InvalidValueError) as refused:
            update(world, env_id, read_only={"is_default": False})
        assert refused.value.field == "is_default"


class TestDeleteEnvironment:
    def test_hands_the_default_on_to_nobody_and_hides_it(self, world: World) -> None:
        env_id = world.environment()
        world.app.delete_environment(
            EnvironmentCommand(environment_id=env_id, requester_id=world.owner, meta=a_meta())
        )
        assert world.app.default_environment_id(world.project) is None
        with pytest.raises(NotFoundError):
            world.app.environment(env_id, world.owner)


class TestRequestTestRun:
    def test_numbers_the_runs_of_a_suite(self, world: World) -> None:
        world.environment()
        suite_id = world.suite(["a", "b"])
        runs = [world.app.run(world.queue(suite_id), world.owner) for _ in range(2)]
        assert [(r.run_number, r.total_tests, r.status) for r in runs] == [
            (1, 2, RunStatus.PENDING),
            (2, 2, RunStatus.PENDING),
        ]

    def test_refuses_a_suite_that_may_not_run_with_its_reason(self, world: World) -> None:
        world.environment()
        with pytest.raises(ConflictError, match="not approved"):
            world.queue(world.suite(["a"], refusal="the suite is not approved"))

    def test_refuses_a_project_without_an_environment(self, world: World) -> None:
        with pytest.raises(ConflictError, match="no execution environment"):
            world.queue(world.suite(["a"]))


class TestExecuteTestRun:
    def test_records_the_counts_the_hot_results_hold(self, world: World) -> None:
        world.environment(**SECRETS)
        run_id = world.queue(world.suite(["a", "b", "c"]))
        assert world.app.execute_test_run(run_id) == "Completed"
        run = world.app.run(run_id, world.owner)
        assert (run.passed, run.failed, run.skipped, run.attempts) == (2, 1, 0, 1)
        assert world.hot.finished == [(run_id, "Completed")]
        assert "basic-secret" in world.engine.environments[0].secrets

    def test_leaves_a_finished_run_alone(self, world: World) -> None:
        world.environment()
        run_id = world.queue(world.suite(["a"]))
        world.app.execute_test_run(run_id)
        version = world.app.run(run_id, world.owner).version
        assert world.app.execute_test_run(run_id) == "Completed"
        assert world.app.run(run_id, world.owner).version == version

    def test_gives_up_after_the_last_attempt(self, world: World) -> None:
        world.environment()
        run_id = world.queue(world.suite(["a"]))
        run: TestRun = world.app.run(run_id, world.owner)
        for _ in range(MAX_RUN_ATTEMPTS):
            run.start(
                started_at="2026-03-02T09:00:00+00:00",
                suite_version=1,
                total_tests=1,
                meta=a_meta(),
            )
        world.app.save(run)
        assert world.app.execute_test_run(run_id) == "Failed"
        assert "interrupted" in world.app.run(run_id, world.owner).failure_reason

    def test_fails_a_run_whose_environment_is_gone(self, world: World) -> None:
        env_id = world.environment()
        run_id = world.queue(world.suite(["a"]))
        world.app.delete_environment(
            EnvironmentCommand(environment_id=env_id, requester_id=world.owner, meta=a_meta())
        )
        assert world.app.execute_test_run(run_id) == "Failed"
        assert "cannot start" in world.app.run(run_id, world.owner).failure_reason


class TestCancelTestRun:
    def test_cancels_a_pending_run_at_once(self, world: World) -> None:
        world.environment()
        run_id = world.queue(world.suite(["a"]))
        world.app.cancel_test_run(
            CancelTestRun(run_id=run_id, requester_id=world.owner, meta=a_meta())
        )
        run = world.app.run(run_id, world.owner)
        assert (run.status, run.cancel_requested) == (RunStatus.CANCELLED, True)
        assert world.app.execute_test_run(run_id) == "Cancelled"

    def test_refuses_a_stranger(self, world: World) -> None:
        world.environment()
        run_id = world.queue(world.suite(["a"]))
        with pytest.raises(NotFoundError):
            world.app.cancel_test_run(
                CancelTestRun(run_id=run_id, requester_id=uuid4(), meta=a_meta())
            )


class TestArchiveExpiredResults:
    def test_archives_each_expired_run_once(self, world: World) -> None:
        world.environment()
        run_id = world.queue(world.suite(["a"]))
        world.app.execute_test_run(run_id)
        world.reader.expired_ids = [run_id]
        assert (world.app.archive_expired_results(), world.app.archive_expired_results()) == (1, 0)
        assert run_summary(world.app.run(run_id, world.owner)).results_archived


class TestRunSummary:
    def test_reads_the_event_times_as_aware_datetimes(self, world: World) -> None:
        world.environment()
        run_id = world.queue(world.suite(["a"]))
        world.app.execute_test_run(run_id)
        summary = run_summary(world.app.run(run_id, world.owner))
        assert summary.started_at is not None and summary.completed_at is not None
        assert summary.started_at.utcoffset() is not None
        assert summary.started_at < summary.completed_at < summary.results_expire_at  # type: ignore[operator]
        assert (summary.triggered_by, summary.passed) == (world.owner, 1)


class TestRunQueries:
    def test_shows_a_running_runs_live_counters(self, world: World) -> None:
        world.environment()
        run_id = world.queue(world.suite(["a"]))
        run: TestRun = world.app.run(run_id, world.owner)
        run.start(
            started_at="2026-03-02T09:00:00+00:00", suite_version=1, total_tests=1, meta=a_meta()
        )
        world.app.save(run)
        world.hot.summaries[run_id] = {"passed": "4", "failed": "1"}
        assert (world.queries().run(run_id, world.owner).passed, run.passed) == (4, 0)

    def test_lists_a_suites_runs_and_tells_an_empty_suite_from_a_strangers(
        self, world: World
    ) -> None:
        world.environment()
        suite_id = world.suite(["a"])
        assert world.queries().suite_runs(suite_id, world.owner, limit=10, offset=0) == []
        with pytest.raises(NotFoundError):
            world.queries().suite_runs(suite_id, uuid4(), limit=10, offset=0)
        world.reader.runs.append(run_summary(world.app.run(world.queue(suite_id), world.owner)))
        assert len(world.queries().suite_runs(suite_id, world.owner, limit=10, offset=0)) == 1

    def test_gives_results_in_run_order_until_they_expire(self, world: World) -> None:
        world.environment()
        run_id = world.queue(world.suite(["c", "a", "b"]))
        world.app.execute_test_run(run_id)
        found = world.queries().results(run_id, world.owner)
        assert [r["case_id"] for r in found.results] == ["c", "a", "b"]
        assert world.queries().variables(run_id, world.owner) == {"last": "b"}
        del world.hot.summaries[run_id]
        with pytest.raises(ResultsExpiredError) as expired:
            world.queries().logs(run_id, world.owner, 0)
        assert expired.value.summary.id == run_id

    def test_lists_recent_runs_of_the_caller_only(self, world: World) -> None:
        world.environment()
        run_id = world.queue(world.suite(["a"]))
        world.app.execute_test_run(run_id)
        world.hot.recent[world.owner].append("not-a-uuid")
        assert [r.id for r in world.queries().recent(world.owner, 10)] == [run_id]


class TestEnvironmentQueries:
    def test_lists_from_the_reader_and_refuses_a_strangers_project(self, world: World) -> None:
        env_id = world.environment()
        queries = EnvironmentQueries(world.app, world.reader)
        assert queries.project_environments(world.project, world.owner) == []
        world.reader.environments.append(
            (world.owner, environment_summary(world.app.environment(env_id, world.owner)))
        )
        assert [e.id for e in queries.project_environments(world.project, world.owner)] == [env_id]
        with pytest.raises(NotFoundError):
            queries.project_environments(world.project, uuid4())


FINISHED = {"type": "finished"}


@dataclass
class Subscription:
    messages: list[dict[str, Any] | None]
    closed: bool = False
    on_finished: Any = None

    async def next(self, timeout: float) -> dict[str, Any] | None:
        message = self.messages.pop(0) if self.messages else None
        if message is FINISHED and self.on_finished is not None:
            self.on_finished()  # the worker ends the run just as it publishes `finished`
        return message

    async def close(self) -> None:
        self.closed = True


@dataclass
class Channel:
    subscription: Subscription
    on_finished: Any = None

    async def subscribe(self, run_id: UUID) -> Subscription:
        self.subscription.on_finished = self.on_finished
        return self.subscription


class TestFollowRun:
    def follow(self, world: World, run_id: UUID, channel: Channel) -> list[tuple[str, Any]]:
        queries = world.queries()

        async def never() -> bool:
            return False

        async def collect() -> list[tuple[str, Any]]:
            return [
                item
                async for item in follow_run(
                    queries.run(run_id, world.owner),
                    world.owner,
                    queries=queries,
                    live=world.hot,
                    events=channel,
                    disconnected=never,
                )
            ]

        return asyncio.run(collect())

    def test_sends_a_finished_runs_results_between_two_summaries(self, world: World) -> None:
        world.environment()
        run_id = world.queue(world.suite(["a", "b"]))
        world.app.execute_test_run(run_id)
        channel = Channel(Subscription([]))
        items = self.follow(world, run_id, channel)
        assert [kind for kind, _ in items] == ["summary", "case", "case", "summary"]
        assert isinstance(items[-1][1], RunSummary) and items[-1][1].finished
        assert channel.subscription.closed

    def test_sends_each_live_case_once_and_ends_with_the_final_summary(self, world: World) -> None:
        world.environment()
        run_id = world.queue(world.suite(["a"]))
        run: TestRun = world.app.run(run_id, world.owner)
        run.start(
            started_at="2026-03-02T09:00:00+00:00", suite_version=1, total_tests=1, meta=a_meta()
        )
        world.app.save(run)
        live = {"type": "cases", "items": [{"caseId": "x", "row": None}]}
        channel = Channel(
            Subscription([None, live, live, FINISHED]),
            on_finished=lambda: world.app.execute_test_run(run_id),
        )
        items = self.follow(world, run_id, channel)
        assert [kind for kind, _ in items] == ["summary", "case", "summary"]
        assert (items[0][1].status, items[-1][1].status) == (RunStatus.RUNNING, RunStatus.COMPLETED)
