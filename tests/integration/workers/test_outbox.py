"""The outbox end to end on real PostgreSQL and Redis: project, publish by route, archive."""

import importlib
import threading
from collections import Counter
from types import ModuleType
from typing import Any
from uuid import UUID, uuid4, uuid5

import dramatiq
import pytest
from dramatiq.brokers.redis import RedisBroker
from psycopg.sql import SQL, Identifier

from application.apidoc.commands import CreateProject, UpdateProject
from domain.shared.meta import Meta
from infrastructure.messaging.outbox import OutboxPublisher, Route
from infrastructure.projections.catalog import read_model
from infrastructure.projections.runner import ProjectionRunner
from infrastructure.read_models.postgres.outbox import PostgresOutboxView
from interfaces.bootstrap import Runtime
from projections.outbox.projection import ApidocOutboxProjection


def a_meta(owner: UUID) -> Meta:
    return Meta(
        user_id=str(owner),
        ip="127.0.0.1",
        user_agent="outbox-test",
        correlation_id=f"corr-{uuid4().hex[:8]}",
        reason=None,
    )


def settle(broker: RedisBroker, worker: dramatiq.Worker) -> None:
    """This function will wait until the worker has done every message sent so far."""
    for queue in ("outbox", "integration", "outbox", "integration"):
        broker.join(queue, timeout=20_000)
    worker.join()


def project_outbox(runtime: Runtime) -> None:
    for runner in runtime.runners((read_model("apidoc_outbox"),)):
        runner.catch_up()


def rows(runtime: Runtime, table: str, ids: set[UUID]) -> dict[UUID, dict[str, Any]]:
    with runtime.pool.connection() as conn:
        found = conn.execute(
            SQL("SELECT * FROM apidoc.{} WHERE id = ANY(%s)").format(Identifier(table)),
            (list(ids),),
        ).fetchall()
    return {row["id"]: row for row in found}


class Recorder:
    """The actor an event is routed to in these tests: it counts what it receives."""

    def __init__(self, broker: RedisBroker) -> None:
        self.received: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.actor_name = f"test.record_project_{uuid4().hex[:8]}"
        dramatiq.actor(actor_name=self.actor_name, queue_name="integration", broker=broker)(
            self._record
        )

    def _record(self, *, project_id: str) -> None:
        with self._lock:
            self.received[project_id] += 1

    def routes(self) -> dict[str, Route]:
        route = Route(self.actor_name, "integration", "project_id")
        return {"Project.Created": route, "Project.Renamed": route}


@pytest.fixture
def actors(broker: RedisBroker) -> ModuleType:
    """The outbox actors, imported only once the broker is configured (they bind to it)."""
    return importlib.import_module("interfaces.workers.actors.outbox")


class TestOutbox:
    def test_delivers_each_event_exactly_once_then_archives_it_for_good(
        self,
        runtime: Runtime,
        broker: RedisBroker,
        worker: dramatiq.Worker,
        actors: ModuleType,
    ) -> None:
        publish_outbox, archive_outbox = actors.publish_outbox, actors.archive_outbox
        # Rows earlier tests left unpublished have no consumer in this session: set them aside
        # as a publisher that had sent them would, so this test sends only its own events.
        project_outbox(runtime)
        with runtime.pool.connection() as conn:
            conn.execute(
                "UPDATE apidoc.outbox_messages SET published = true, updated_date_time = now()"
                " WHERE NOT published"
            )

        owner = uuid4()
        project_ids = [
            runtime.apidoc.create_project(
                CreateProject(
                    owner_id=owner,
                    name=f"Outbox {n}",
                    description="",
                    base_url="",
                    meta=a_meta(owner),
                )
            ).aggregate_id
            for n in range(2)
        ]
        runtime.apidoc.update_project(
            UpdateProject(
                project_id=project_ids[0], requester_id=owner, meta=a_meta(owner), name="Renamed"
            )
        )
        expected = {uuid5(pid, "1") for pid in project_ids} | {uuid5(project_ids[0], "2")}

        # The projection queues one unpublished row per event, under its stable id. The
        # owner's ProjectQuota events (saved with each creation) are set aside: this test
        # follows the projects' own.
        project_outbox(runtime)
        with runtime.pool.connection() as conn:
            conn.execute(
                "UPDATE apidoc.outbox_messages SET published = true, updated_date_time = now()"
                " WHERE NOT published AND event_type LIKE 'ProjectQuota.%'"
            )
        queued = rows(runtime, "outbox_messages", expected)
        assert set(queued) == expected
        assert {row["published"] for row in queued.values()} == {False}
        assert {row["event_type"] for row in queued.values()} == {
            "Project.Created",
            "Project.Renamed",
        }

        # The publisher, run twice, sends each row once, straight to the actor of its route.
        recorder = Recorder(broker)
        outbox = OutboxPublisher(runtime.pool, broker, "apidoc", recorder.routes())
        assert outbox.publish_all() == 3
        assert outbox.publish_all() == 0
        settle(broker, worker)

        first, second = (str(pid) for pid in project_ids)
        assert recorder.received == Counter({first: 2, second: 1})
        assert {
            row["published"] for row in rows(runtime, "outbox_messages", expected).values()
        } == {True}

        # A publisher that crashed after sending but before committing sends a row again, and
        # the broker may deliver a message twice: both copies arrive, under the event's id
        # (the actors they reach are idempotent: see tests/integration/workers/test_dispatch.py).
        with runtime.pool.connection() as conn:
            conn.execute(
                "UPDATE apidoc.outbox_messages SET published = false WHERE id = %s",
                (uuid5(project_ids[0], "2"),),
            )
        assert outbox.publish_all() == 1
        route = recorder.routes()["Project.Created"]
        broker.enqueue(route.message(str(uuid5(project_ids[1], "1")), second))
        settle(broker, worker)
        assert recorder.received == Counter({first: 3, second: 2})

        # The deployment's publisher has no route for project events: it marks them
        # published and sends nothing.
        with runtime.pool.connection() as conn:
            conn.execute(
                "UPDATE apidoc.outbox_messages SET published = false WHERE id = ANY(%s)",
                (list(expected),),
            )
        publish_outbox.send(schema="apidoc")
        settle(broker, worker)
        assert {
            row["published"] for row in rows(runtime, "outbox_messages", expected).values()
        } == {True}
        assert recorder.received == Counter({first: 3, second: 2})

        # Archiving moves published rows out of the outbox...
        archive_outbox.send(schema="apidoc", older_than_seconds=0)
        settle(broker, worker)

        assert rows(runtime, "outbox_messages", expected) == {}
        archived = rows(runtime, "archived_outbox_messages", expected)
        assert set(archived) == expected
        assert {row["published"] for row in archived.values()} == {True}

        # ...and replaying the outbox projection from zero does not bring them back.
        replay_name = f"apidoc_outbox_replay_{uuid4().hex[:8]}"
        view = PostgresOutboxView("apidoc")
        replay = ProjectionRunner(
            pool=runtime.pool,
            application=runtime.apidoc,
            projection=ApidocOutboxProjection(view),
            view=view,
            tracking_name=replay_name,
            batch_size=2_000,
        )
        try:
            assert replay.catch_up() > 0
            assert replay.position() == runtime.apidoc.recorder.max_notification_id()
            assert rows(runtime, "outbox_messages", expected) == {}
        finally:
            with runtime.pool.connection() as conn:
                conn.execute(
                    "DELETE FROM projections.tracking WHERE projection_name = %s", (replay_name,)
                )

    def test_refuses_to_publish_an_unknown_schema(self, actors: ModuleType) -> None:
        with pytest.raises(ValueError, match="no outbox in schema"):
            actors.publish_outbox.fn(schema="identity")
