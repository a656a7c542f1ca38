"""`testament projector` killed with SIGKILL mid catch-up loses nothing and applies nothing twice.

The test writes a few thousand events on the session database, lets a real projector process
catch up in small batches, kills it (-9) half way, restarts it, and checks that every read
model then equals a rebuild from position zero, with one row per project and one audit entry
per event. The projector runs in its own process; nothing in this test process projects
until the rebuilds at the end.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zlib import crc32

import psycopg
import pytest
from psycopg.sql import SQL, Composed, Identifier

from application.apidoc.commands import CreateProject
from application.identity.commands import RegisterUser
from domain.projects.model import Project
from domain.shared.meta import Meta
from infrastructure.projections.catalog import READ_MODELS
from infrastructure.projections.rebuild import rebuild
from infrastructure.settings import Settings
from interfaces.bootstrap import Runtime, Servers

PROJECTS = 3_000
RENAMED = 1_000  # projects renamed once after creation
USERS = 3
SAVE_BATCH = 100
PROJECTOR_BATCH = 25


def _meta(owner: uuid.UUID) -> Meta:
    return Meta(
        user_id=str(owner),
        ip="10.0.0.7",
        user_agent="crash-test",
        correlation_id=str(uuid.uuid4()),
        reason=None,
    )


def _write_events(runtime: Runtime, owner: uuid.UUID) -> list[uuid.UUID]:
    """This function will write PROJECTS creations and RENAMED renames, SAVE_BATCH per save."""
    # One command through the application, as the API does it...
    first = runtime.apidoc.create_project(
        CreateProject(
            owner_id=owner, name="crash 0", description="", base_url="", meta=_meta(owner)
        )
    )
    ids = [first.aggregate_id]
    # ...and the rest saved many aggregates per transaction, to build the log quickly.
    projects = [
        Project.start(
            owner_id=owner, name=f"crash {n}", description="", base_url="", meta=_meta(owner)
        )
        for n in range(1, PROJECTS)
    ]
    for start in range(0, len(projects), SAVE_BATCH):
        runtime.apidoc.save(*projects[start : start + SAVE_BATCH])
    ids.extend(p.id for p in projects)
    renamed = projects[:RENAMED]
    for project in renamed:
        project.rename(name=f"{project.name} (renamed)", meta=_meta(owner))
    for start in range(0, len(renamed), SAVE_BATCH):
        runtime.apidoc.save(*renamed[start : start + SAVE_BATCH])
    return ids


def _projector_env(servers: Servers, settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESTAMENT_")}
    env.update(
        TESTAMENT_DATABASE_URL=servers.database_url,
        TESTAMENT_REDIS_URL=servers.redis_url,
        TESTAMENT_SECRET_KEY=settings.resolved_secret_key(),
        TESTAMENT_PROJECTION_BATCH_SIZE=str(PROJECTOR_BATCH),
        TESTAMENT_DATA_DIR=str(settings.data_dir),
        TESTAMENT_LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    return env


def _projector_command() -> list[str]:
    # What `testament projector` runs, taken from this checkout (cwd).
    return [sys.executable, "-m", "interfaces.cli.main", "projector"]


class Projector:
    """A `testament projector` subprocess writing its output to a file."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        with log_path.open("ab") as log_file:
            self.process = subprocess.Popen(
                _projector_command(),
                cwd=Path(__file__).resolve().parents[2],
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def require_running(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"the projector exited with {self.process.returncode}:\n{self.output()}")

    def ensure_gone(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def projectors(tmp_path: Path) -> Iterator[Callable[[dict[str, str]], Projector]]:
    started: list[Projector] = []

    def start(env: dict[str, str]) -> Projector:
        projector = Projector(env, tmp_path / "projector.log")
        started.append(projector)
        return projector

    yield start
    for projector in started:
        projector.ensure_gone()


def _positions(conn: psycopg.Connection[Any], runtime: Runtime) -> dict[tuple[str, str], int]:
    rows = conn.execute(
        "SELECT projection_name, application_name, notification_id FROM projections.tracking"
    ).fetchall()
    known = {(r.name, r.log_name) for r in runtime.runners()}
    found = {(name, log): int(n) for name, log, n in rows}
    return {key: found.get(key, 0) for key in known}


def _heads(runtime: Runtime) -> dict[str, int]:
    return {
        name: app.recorder.max_notification_id() or 0
        for name, app in runtime.applications().items()
    }


def _wait(check: Callable[[], bool], timeout: float, projector: Projector, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        projector.require_running()
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting until {what}:\n{projector.output()}")
        time.sleep(0.01)


def _count(conn: psycopg.Connection[Any], query: SQL | Composed) -> int:
    row = conn.execute(query).fetchone()
    assert row is not None
    return int(row[0])


def _held_projection_locks(conn: psycopg.Connection[Any], runtime: Runtime) -> list[str]:
    """This function will name the projections whose single-instance lock another session
    holds on this database (the keys of infrastructure.projections.wakeups.ProjectionLocks)."""
    held = []
    for runner in runtime.runners():
        key = crc32(f"projection:{runner.name}:{runner.log_name}".encode()) - 2**31
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
        if row and row[0]:
            conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
        else:
            held.append(f"{runner.name} on {runner.log_name}")
    return held


class TestProjectorKilledMidCatchUp:
    def test_resumes_exactly_once_and_equals_a_rebuild(
        self,
        runtime: Runtime,
        settings: Settings,
        servers: Servers,
        projectors: Callable[[dict[str, str]], Projector],
    ) -> None:
        owner = uuid.uuid4()
        for n in range(USERS):
            runtime.identity.register_user(
                RegisterUser(
                    email=f"crash-{n}-{uuid.uuid4().hex[:8]}@example.com",
                    password="correct-horse-battery",
                    display_name=None,
                    meta=_meta(owner),
                )
            )
        project_ids = _write_events(runtime, owner)
        heads = _heads(runtime)
        projects_key = ("projects", "apidoc")
        env = _projector_env(servers, settings)

        with psycopg.connect(servers.database_url, autocommit=True) as conn:
            assert not _held_projection_locks(conn, runtime), "another projector is running"
            before = _positions(conn, runtime)
            assert heads["apidoc"] - before[projects_key] >= PROJECTS + RENAMED

            first = projectors(env)
            _wait(
                lambda: _positions(conn, runtime)[projects_key] > before[projects_key],
                # A fresh process imports everything and starts 13 threads first: on a loaded
                # 2-core machine that alone took more than 30 s (the base commit failed too).
                timeout=120,
                projector=first,
                what="the first projector applied a batch",
            )
            first.process.send_signal(signal.SIGKILL)
            first.process.wait(timeout=10)
            time.sleep(0.3)  # let PostgreSQL see the connections drop and roll back
            at_kill = _positions(conn, runtime)
            assert before[projects_key] < at_kill[projects_key] < heads["apidoc"], (
                "the projector was not caught half way; raise PROJECTS or lower the batch size"
            )
            time.sleep(0.5)
            assert _positions(conn, runtime) == at_kill, "something else is projecting"
            # The killed process's locks go with its sessions; the next one would refuse to
            # start while PostgreSQL still counts them.
            deadline = time.monotonic() + 10
            while _held_projection_locks(conn, runtime) and time.monotonic() < deadline:
                time.sleep(0.1)

            second = projectors(env)
            _wait(
                # At least: the process manager that puts new accounts on Free writes to the
                # sub log while the projector catches up, so that head moves on.
                lambda: all(
                    position >= heads[log]
                    for (_, log), position in _positions(conn, runtime).items()
                ),
                # 35 runners now (22 read models and a process manager, per log they follow)
                # catch up on the whole session's history: a minute was the budget for 13.
                timeout=180,
                projector=second,
                what=f"every projection reached the heads {heads}",
            )
            second.process.send_signal(signal.SIGTERM)
            assert second.process.wait(timeout=20) == 0, second.output()

            project_rows = conn.execute(
                "SELECT count(*), count(DISTINCT id),"
                " count(*) FILTER (WHERE row_version = 2 AND name LIKE '%%(renamed)')"
                " FROM apidoc.projects WHERE owner_id = %s",
                (owner,),
            ).fetchone()
            assert project_rows == (PROJECTS, PROJECTS, RENAMED)
            audit_rows = conn.execute(
                "SELECT count(*), count(DISTINCT (object_id, row_version))"
                " FROM auditlog.audit_log_entries WHERE object_id = ANY(%s)",
                ([str(i) for i in project_ids],),
            ).fetchone()
            assert audit_rows == (PROJECTS + RENAMED, PROJECTS + RENAMED)
            # Every event of every log the audit log follows, exactly once.
            audit_model = next(m for m in READ_MODELS if m.name == "audit_log")
            events = sum(
                _count(conn, SQL("SELECT count(*) FROM {}").format(Identifier(f"{log}_events")))
                for log in audit_model.projection.follows
            )
            assert _count(conn, SQL("SELECT count(*) FROM auditlog.audit_log_entries")) == events

        heads = _heads(runtime)  # the sub log moved on while the projector caught up
        rebuildable = [m.name for m in READ_MODELS if m.rebuildable]
        assert {"users", "projects", "audit_log"} <= set(rebuildable)
        for name in rebuildable:
            report = rebuild(runtime.pool, runtime.applications(), name)
            assert report.tables, name
            assert report.equal, (name, report.tables)
            assert report.positions == {log: heads[log] for log in report.positions}, (
                name,
                report.positions,
                heads,
            )
