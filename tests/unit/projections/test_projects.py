"""ProjectsProjection into the in-memory projects table, fed from a real log."""

from typing import Any
from uuid import UUID, uuid4

import pytest

from application.apidoc.app import ApidocApplication
from domain.projects.model import Project
from infrastructure.read_models.memory.projects import MemoryProjectsView
from projections.projects.projection import ProjectsProjection
from tests.unit.builders import POPO, FixedClock, a_meta, a_project, a_user, stored_events


@pytest.fixture
def apidoc() -> ApidocApplication:
    return ApidocApplication(env=POPO)


def project_from(events: list[Any]) -> MemoryProjectsView:
    view = MemoryProjectsView()
    projection = ProjectsProjection(view)
    for domain_event in events:
        projection.process_event(domain_event)
    return view


def a_saved_project(apidoc: ApidocApplication, owner: UUID) -> Project:
    project = a_project(
        owner_id=owner,
        name="Petstore",
        description="Pets",
        base_url="https://petstore.example.com",
    )
    apidoc.save(project)
    return project


class TestProjectsProjection:
    def test_inserts_a_row_for_a_created_project(
        self, apidoc: ApidocApplication, clock: FixedClock
    ) -> None:
        owner = uuid4()
        project = a_saved_project(apidoc, owner)

        view = project_from(stored_events(apidoc))

        assert view.rows("projects") == [
            {
                "id": project.id,
                "active_spec_id": None,
                "owner_id": owner,
                "name": "Petstore",
                "description": "Pets",
                "base_url": "https://petstore.example.com",
                "status": "Active",
                "created_date_time": clock.at(0),
                "updated_date_time": clock.at(0),
                "row_version": 1,
            }
        ]

    def test_keeps_the_row_at_the_aggregates_latest_state_and_version(
        self, apidoc: ApidocApplication, clock: FixedClock
    ) -> None:
        owner = uuid4()
        project = a_saved_project(apidoc, owner)
        project.rename(name="Pet shop", meta=a_meta())
        project.change_description(description="Sells pets", meta=a_meta())
        project.change_base_url(base_url="https://shop.example.com", meta=a_meta())
        project.archive(meta=a_meta())
        apidoc.save(project)

        events = stored_events(apidoc)
        (row,) = project_from(events).rows("projects")

        assert row == {
            "id": project.id,
            "active_spec_id": None,
            "owner_id": owner,
            "name": "Pet shop",
            "description": "Sells pets",
            "base_url": "https://shop.example.com",
            "status": "Archived",
            "created_date_time": clock.at(0),
            "updated_date_time": clock.at(4),
            "row_version": 5,
        }
        assert row["row_version"] == project.version
        assert row["updated_date_time"] == events[-1].timestamp

    def test_sets_the_status_back_to_active_on_restore(self, apidoc: ApidocApplication) -> None:
        project = a_saved_project(apidoc, uuid4())
        project.archive(meta=a_meta())
        project.restore(meta=a_meta())
        apidoc.save(project)

        (row,) = project_from(stored_events(apidoc)).rows("projects")

        assert (row["status"], row["row_version"]) == ("Active", 3)

    def test_records_the_active_specification(self, apidoc: ApidocApplication) -> None:
        project = a_saved_project(apidoc, uuid4())
        spec_id = uuid4()
        project.change_active_spec(spec_id=spec_id, meta=a_meta())
        apidoc.save(project)

        (row,) = project_from(stored_events(apidoc)).rows("projects")

        assert (row["active_spec_id"], row["row_version"]) == (spec_id, 2)

    def test_keeps_one_row_per_project(self, apidoc: ApidocApplication) -> None:
        owner = uuid4()
        first, second = a_saved_project(apidoc, owner), a_saved_project(apidoc, uuid4())
        first.rename(name="First", meta=a_meta())
        apidoc.save(first)

        rows = project_from(stored_events(apidoc)).rows("projects")

        assert {row["id"]: row["name"] for row in rows} == {
            first.id: "First",
            second.id: "Petstore",
        }

    def test_ignores_events_of_other_aggregates(self) -> None:
        user = a_user()
        assert project_from(list(user.collect_events())).rows("projects") == []
