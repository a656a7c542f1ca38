"""ApidocOutboxProjection into the in-memory outbox: stable ids, no resurrection."""

import json
from typing import Any
from uuid import uuid4, uuid5

import pytest

from application.apidoc.app import ApidocApplication
from infrastructure.read_models.memory.outbox import MemoryOutboxView
from projections.outbox.projection import ApidocOutboxProjection
from tests.unit.builders import POPO, FixedClock, a_meta, a_project, stored_events


@pytest.fixture
def apidoc() -> ApidocApplication:
    return ApidocApplication(env=POPO)


def project_into(view: MemoryOutboxView, events: list[Any]) -> MemoryOutboxView:
    projection = ApidocOutboxProjection(view)
    for domain_event in events:
        projection.process_event(domain_event)
    return view


class TestApidocOutboxProjection:
    def test_follows_the_apidoc_log_under_a_pinned_name(self) -> None:
        assert (ApidocOutboxProjection.name, ApidocOutboxProjection.follows) == (
            "apidoc_outbox",
            ("apidoc",),
        )

    def test_queues_one_unpublished_message_per_event(
        self, apidoc: ApidocApplication, clock: FixedClock
    ) -> None:
        owner = uuid4()
        project = a_project(
            owner_id=owner, name="Petstore", meta=a_meta(user_id=owner, correlation_id="corr-9")
        )
        project.rename(name="Pet shop", meta=a_meta(user_id=owner, correlation_id="corr-10"))
        apidoc.save(project)

        rows = project_into(MemoryOutboxView(), stored_events(apidoc)).rows("outbox_messages")

        renamed = next(row for row in rows if row["row_version"] == 2)
        assert {k: v for k, v in renamed.items() if k != "payload"} == {
            "id": uuid5(project.id, "2"),
            "event_type": "Project.Renamed",
            "triggered_by_id": owner,
            "object_id": str(project.id),
            "published": False,
            "activity_id": "corr-10",
            "created_date_time": clock.at(1),
            "updated_date_time": clock.at(1),
            "row_version": 2,
        }
        assert json.loads(renamed["payload"]) == {"name": "Pet shop"}
        assert len(rows) == 2

    def test_gives_a_message_the_same_id_on_every_replay(self, apidoc: ApidocApplication) -> None:
        project = a_project()
        project.archive(meta=a_meta())
        apidoc.save(project)
        events = stored_events(apidoc)

        first = project_into(MemoryOutboxView(), events).rows("outbox_messages")
        second = project_into(MemoryOutboxView(), stored_events(apidoc)).rows("outbox_messages")

        assert [row["id"] for row in first] == [row["id"] for row in second]
        assert {row["id"] for row in first} == {uuid5(project.id, "1"), uuid5(project.id, "2")}

    def test_adds_nothing_twice_when_replayed_into_the_same_outbox(
        self, apidoc: ApidocApplication, clock: FixedClock
    ) -> None:
        apidoc.save(a_project())
        view = project_into(MemoryOutboxView(), stored_events(apidoc))
        view.mark_published([row["id"] for row in view.rows("outbox_messages")], at=clock.at(5))

        project_into(view, stored_events(apidoc))

        (row,) = view.rows("outbox_messages")
        assert row["published"] is True

    def test_does_not_resurrect_an_archived_message_when_replayed(
        self, apidoc: ApidocApplication, clock: FixedClock
    ) -> None:
        apidoc.save(a_project())
        view = project_into(MemoryOutboxView(), stored_events(apidoc))
        (message,) = view.rows("outbox_messages")
        view.mark_published([message["id"]], at=clock.at(10))
        assert view.archive(published_before=clock.at(11)) == 1

        project_into(view, stored_events(apidoc))

        assert view.rows("outbox_messages") == []
        assert [row["id"] for row in view.rows("archived_outbox_messages")] == [message["id"]]

    def test_keeps_a_message_published_too_recently_to_archive(
        self, apidoc: ApidocApplication, clock: FixedClock
    ) -> None:
        apidoc.save(a_project())
        view = project_into(MemoryOutboxView(), stored_events(apidoc))
        (message,) = view.rows("outbox_messages")
        view.mark_published([message["id"]], at=clock.at(10))

        assert view.archive(published_before=clock.at(10)) == 0
        assert view.rows("archived_outbox_messages") == []
