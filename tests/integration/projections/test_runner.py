"""The projection runner on real PostgreSQL: batches, tracking, conflicts, rollback, rebuild."""

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest
from psycopg.sql import SQL, Identifier

from application.apidoc.commands import ArchiveProject, UpdateProject
from application.identity.commands import RegisterUser
from domain.projects.model import Project
from domain.shared.meta import Meta
from infrastructure.postgres.pool import open_pool
from infrastructure.projections.catalog import read_model
from infrastructure.projections.rebuild import rebuild
from infrastructure.projections.runner import ProjectionRunner
from infrastructure.projections.tracking import TrackingConflictError
from infrastructure.projections.waiting import PositionWatch, tracking_reader
from infrastructure.read_models.postgres.projects import PostgresProjectsView
from infrastructure.read_models.postgres.users import PostgresUsersView
from interfaces.bootstrap import Runtime
from projections.base import Projection
from projections.projects.projection import ProjectsProjection


def a_meta(owner: UUID | None = None) -> Meta:
    return Meta(
        user_id=str(owner) if owner else None,
        ip="127.0.0.1",
        user_agent="runner-test",
        correlation_id=uuid4().hex,
        reason=None,
    )


def create_projects(runtime: Runtime, count: int, owner: UUID | None = None) -> list[UUID]:
    """One Project.Created each (the create_project command also saves its owner's
    ProjectQuota, whose events would be counted among the runner's steps)."""
    owner = owner or uuid4()
    projects = [
        Project.start(
            owner_id=owner,
            name=f"runner project {n}",
            description="",
            base_url="",
            meta=a_meta(owner),
        )
        for n in range(count)
    ]
    for project in projects:
        runtime.apidoc.save(project)
    return [project.id for project in projects]


class Hooked(Projection[Any]):
    """A projection that calls a hook before each event it passes on to the real one."""

    name = "hooked"
    follows = ("apidoc",)

    def __init__(self, inner: Projection[Any], hook: Callable[[Any], None]) -> None:
        super().__init__(inner.view)
        self.inner, self.hook = inner, hook

    def process_event(self, domain_event: Any) -> None:
        self.hook(domain_event)
        self.inner.process_event(domain_event)


@pytest.fixture
def schemas(runtime: Runtime) -> Iterator[Callable[[], str]]:
    """This fixture will create fresh schemas holding the projects table, and drop them."""
    created: list[str] = []

    def new_schema() -> str:
        schema = f"runner_{uuid4().hex[:10]}"
        with runtime.pool.connection() as conn:
            conn.execute(SQL("CREATE SCHEMA {}").format(Identifier(schema)))
            for statement in PostgresProjectsView(schema).create_statements():
                conn.execute(statement)
        created.append(schema)
        return schema

    yield new_schema
    with runtime.pool.connection() as conn:
        for schema in created:
            conn.execute(SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(Identifier(schema)))


@pytest.fixture
def tracking_name(runtime: Runtime) -> Iterator[str]:
    name = f"runner_test_{uuid4().hex[:10]}"
    yield name
    with runtime.pool.connection() as conn:
        conn.execute("DELETE FROM projections.tracking WHERE projection_name = %s", (name,))


def a_runner(
    runtime: Runtime,
    schema: str,
    tracking_name: str,
    *,
    batch_size: int = 500,
    wrap: Callable[[Projection[Any]], Projection[Any]] = lambda p: p,
) -> ProjectionRunner:
    view = PostgresProjectsView(schema)
    return ProjectionRunner(
        pool=runtime.pool,
        application=runtime.apidoc,
        projection=wrap(ProjectsProjection(view)),
        view=view,
        tracking_name=tracking_name,
        batch_size=batch_size,
    )


def start_at_head(runtime: Runtime, tracking_name: str) -> int:
    """This function will make a new runner skip what the log already holds (other tests'
    events), so each test applies only its own."""
    create_projects(runtime, 1)  # the log is not empty, so the head is a real position
    head = runtime.apidoc.recorder.max_notification_id() or 0
    with runtime.pool.connection() as conn:
        conn.execute(
            "INSERT INTO projections.tracking (projection_name, application_name, notification_id)"
            " VALUES (%s, 'apidoc', %s)",
            (tracking_name, head),
        )
    return head


def project_rows(runtime: Runtime, schema: str) -> dict[UUID, dict[str, Any]]:
    with runtime.pool.connection() as conn:
        rows = conn.execute(SQL("SELECT * FROM {}.projects").format(Identifier(schema))).fetchall()
    return {row["id"]: row for row in rows}


def tracked(runtime: Runtime, tracking_name: str) -> int | None:
    with runtime.pool.connection() as conn:
        row = conn.execute(
            "SELECT notification_id FROM projections.tracking WHERE projection_name = %s",
            (tracking_name,),
        ).fetchone()
    return None if row is None else int(row["notification_id"])


class TestProjectionRunner:
    def test_applies_a_batch_and_tracks_the_id_of_its_last_event(
        self, runtime: Runtime, schemas: Callable[[], str], tracking_name: str
    ) -> None:
        create_projects(runtime, 3)
        runner = a_runner(runtime, schemas(), tracking_name, batch_size=2)
        first_batch = runtime.apidoc.recorder.select_notifications(start=1, limit=2)

        assert runner.step() == 2

        assert runner.position() == tracked(runtime, tracking_name) == first_batch[-1].id

    def test_catches_up_to_the_head_in_batches(
        self, runtime: Runtime, schemas: Callable[[], str], tracking_name: str
    ) -> None:
        schema = schemas()
        start = start_at_head(runtime, tracking_name)
        owner = uuid4()
        ids = create_projects(runtime, 5, owner)
        runtime.apidoc.update_project(
            UpdateProject(project_id=ids[0], requester_id=owner, meta=a_meta(owner), name="New")
        )
        head = runtime.apidoc.recorder.max_notification_id()
        runner = a_runner(runtime, schema, tracking_name, batch_size=2)

        applied = runner.catch_up()

        assert applied == len(
            runtime.apidoc.recorder.select_notifications(start=start + 1, limit=100)
        )
        assert runner.position() == head
        rows = project_rows(runtime, schema)
        assert set(rows) == set(ids)
        assert (rows[ids[0]]["name"], rows[ids[0]]["row_version"]) == ("New", 2)
        assert {rows[i]["row_version"] for i in ids[1:]} == {1}

    def test_holds_one_pooled_connection_at_a_time(
        self, runtime: Runtime, schemas: Callable[[], str], tracking_name: str
    ) -> None:
        # A projector runs more runners than its pool has connections; a step that asked the
        # pool for a second connection while holding one deadlocked them all (issue: CI flake).
        schema = schemas()
        start_at_head(runtime, tracking_name)
        create_projects(runtime, 2)
        pool = open_pool(runtime.servers.database_url, size=1, name="one-connection")
        pool.timeout = 3.0  # a nested request fails in 3 s instead of the default 30 s
        try:
            view = PostgresProjectsView(schema)
            runner = ProjectionRunner(
                pool=pool,
                application=runtime.apidoc,
                projection=ProjectsProjection(view),
                view=view,
                tracking_name=tracking_name,
            )
            started = time.monotonic()
            assert runner.step() == 2
            assert time.monotonic() - started < 2.5
        finally:
            pool.close()

    def test_does_nothing_at_the_head(
        self, runtime: Runtime, schemas: Callable[[], str], tracking_name: str
    ) -> None:
        head = start_at_head(runtime, tracking_name)
        runner = a_runner(runtime, schemas(), tracking_name)
        assert runner.step() == 0
        assert runner.position() == head

    def test_a_second_runner_on_the_same_tracking_row_is_refused(
        self, runtime: Runtime, schemas: Callable[[], str], tracking_name: str
    ) -> None:
        start_at_head(runtime, tracking_name)
        create_projects(runtime, 4)
        first = a_runner(runtime, schemas(), tracking_name, batch_size=2)
        first.step()
        moved: list[int] = []

        def let_the_first_runner_move(_: Any) -> None:
            if not moved:  # while the second one is mid-batch, in its own transaction
                # On its own thread, as another projector process would: one thread holds
                # one pooled connection at a time.
                mover = threading.Thread(target=lambda: moved.append(first.step()))
                mover.start()
                mover.join(timeout=30)

        second_schema = schemas()
        second = a_runner(
            runtime,
            second_schema,
            tracking_name,
            batch_size=2,
            wrap=lambda inner: Hooked(inner, let_the_first_runner_move),
        )

        with pytest.raises(TrackingConflictError):
            second.step()

        assert moved == [2]
        assert project_rows(runtime, second_schema) == {}  # its batch was rolled back
        assert tracked(runtime, tracking_name) == first.position()

    def test_a_failing_event_rolls_back_the_whole_batch(
        self, runtime: Runtime, schemas: Callable[[], str], tracking_name: str
    ) -> None:
        schema = schemas()
        start = start_at_head(runtime, tracking_name)
        owner = uuid4()
        ids = create_projects(runtime, 3, owner)
        runtime.apidoc.archive_project(
            ArchiveProject(project_id=ids[-1], requester_id=owner, meta=a_meta(owner))
        )

        def fail_on_archive(domain_event: Any) -> None:
            if isinstance(domain_event, Project.Archived):
                raise RuntimeError("the read model cannot take this event")

        runner = a_runner(
            runtime, schema, tracking_name, wrap=lambda inner: Hooked(inner, fail_on_archive)
        )

        with pytest.raises(RuntimeError, match="cannot take this event"):
            runner.step()

        assert project_rows(runtime, schema) == {}
        assert tracked(runtime, tracking_name) == start
        # The same batch fails again after a restart: nothing is skipped.
        with pytest.raises(RuntimeError):
            runner.step()
        assert tracked(runtime, tracking_name) == start


class TestRebuild:
    @pytest.fixture
    def a_user(self, runtime: Runtime) -> UUID:
        """A registered account, already in the live users read model."""
        written = runtime.identity.register_user(
            RegisterUser(
                email=f"rebuild-{uuid4().hex[:8]}@example.com",
                password="a fine password",
                display_name="Rebuilt",
                meta=a_meta(),
            )
        )
        for runner in runtime.runners((read_model("users"),)):
            runner.catch_up()
        return written.aggregate_id

    def test_reports_equal_tables_for_a_faithful_read_model(
        self, runtime: Runtime, a_user: UUID
    ) -> None:
        report = rebuild(runtime.pool, runtime.applications(), "users")

        assert report.equal
        assert [t.name for t in report.tables] == list(PostgresUsersView.tables)
        assert report.tables[0].name == "users"
        users = report.tables[0]
        assert users.live_rows == users.rebuilt_rows >= 1
        assert report.positions["identity"] == runtime.identity.recorder.max_notification_id()
        assert report.applied is False

    def test_detects_a_tampered_row_and_repairs_it_when_asked(
        self, runtime: Runtime, a_user: UUID
    ) -> None:
        with runtime.pool.connection() as conn:
            conn.execute(
                "UPDATE identity.user_profiles SET display_name = 'Mallory' WHERE user_id = %s",
                (a_user,),
            )

        detected = rebuild(runtime.pool, runtime.applications(), "users")

        assert not detected.equal
        profiles = next(t for t in detected.tables if t.name == "user_profiles")
        assert profiles.differing == 2  # the tampered row, and the faithful one it replaced
        assert profiles.live_rows == profiles.rebuilt_rows
        assert self._display_name(runtime, a_user) == "Mallory"  # only reported

        repaired = rebuild(runtime.pool, runtime.applications(), "users", apply=True)

        assert repaired.applied is True
        assert self._display_name(runtime, a_user) == "Rebuilt"
        assert rebuild(runtime.pool, runtime.applications(), "users").equal

    def test_detects_a_deleted_row(self, runtime: Runtime, a_user: UUID) -> None:
        with runtime.pool.connection() as conn:
            conn.execute("DELETE FROM identity.user_roles WHERE user_id = %s", (a_user,))
        try:
            report = rebuild(runtime.pool, runtime.applications(), "users")
            roles = next(t for t in report.tables if t.name == "user_roles")
            assert (roles.differing, roles.rebuilt_rows - roles.live_rows) == (1, 1)
        finally:
            rebuild(runtime.pool, runtime.applications(), "users", apply=True)

    @staticmethod
    def _display_name(runtime: Runtime, user_id: UUID) -> str:
        with runtime.pool.connection() as conn:
            row = conn.execute(
                "SELECT display_name FROM identity.user_profiles WHERE user_id = %s", (user_id,)
            ).fetchone()
        assert row is not None
        return str(row["display_name"])


def wait_for_position(
    runtime: Runtime, projection: str, log_name: str, position: int, timeout: float
) -> tuple[bool, int]:
    """This function will wait as a query does, on a PositionWatch of its own event loop."""
    watch = PositionWatch(tracking_reader(runtime.pool), capacity=10)
    return asyncio.run(watch.wait(projection, log_name, position, timeout))


class TestWaitForPosition:
    def test_returns_false_and_the_current_position_when_time_runs_out(
        self, runtime: Runtime, tracking_name: str
    ) -> None:
        head = start_at_head(runtime, tracking_name)
        started = time.monotonic()

        reached, current = wait_for_position(
            runtime, tracking_name, "apidoc", head + 1_000, timeout=0.3
        )

        assert (reached, current) == (False, head)
        assert 0.3 <= time.monotonic() - started < 2.0

    def test_returns_true_at_once_for_a_position_already_applied(
        self, runtime: Runtime, tracking_name: str
    ) -> None:
        head = start_at_head(runtime, tracking_name)
        started = time.monotonic()

        assert wait_for_position(runtime, tracking_name, "apidoc", head, timeout=5) == (
            True,
            head,
        )
        assert time.monotonic() - started < 1.0

    def test_sees_a_position_reached_while_it_waits(
        self, runtime: Runtime, schemas: Callable[[], str], tracking_name: str
    ) -> None:
        start_at_head(runtime, tracking_name)
        create_projects(runtime, 1)
        target = runtime.apidoc.recorder.max_notification_id() or 0
        runner = a_runner(runtime, schemas(), tracking_name)

        later = threading.Timer(0.2, runner.catch_up)
        later.start()
        try:
            reached, current = wait_for_position(
                runtime, tracking_name, "apidoc", target, timeout=5
            )
        finally:
            later.join()
        assert (reached, current) == (True, target)
