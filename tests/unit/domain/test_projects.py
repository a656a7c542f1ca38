"""The Project aggregate: its invariants and the events it records."""

from typing import Any
from uuid import uuid4

import pytest

from domain.projects.model import DESCRIPTION_MAX, NAME_MAX, Project, ProjectStatus
from domain.shared.errors import ConflictError, InvalidValueError
from tests.unit.builders import FixedClock, a_meta, a_project, an_archived_project, replay


class TestStartProject:
    def test_records_a_created_event_with_each_checked_field(self, clock: FixedClock) -> None:
        owner = uuid4()
        meta = a_meta(user_id=owner)
        project = a_project(
            owner_id=owner,
            name="  Petstore ",
            description=" pets ",
            base_url="https://petstore.example.com/v1/",
            meta=meta,
        )

        (created,) = project.collect_events()
        assert isinstance(created, Project.Created)
        assert (created.owner_id, created.name, created.description, created.base_url) == (
            owner,
            "Petstore",
            "pets",
            "https://petstore.example.com/v1",
        )
        assert created.meta == meta
        assert created.originator_version == 1
        assert created.timestamp == clock.at(0)

    def test_starts_active_without_a_specification(self) -> None:
        project = a_project()
        assert project.status == ProjectStatus.ACTIVE
        assert project.active_spec_id is None
        assert project.version == 1

    def test_accepts_an_empty_description_and_base_url(self) -> None:
        project = a_project(description="", base_url="")
        assert (project.description, project.base_url) == ("", "")

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("name", ""),
            ("name", "   "),
            ("name", "n" * (NAME_MAX + 1)),
            ("description", "d" * (DESCRIPTION_MAX + 1)),
            ("base_url", "not a url"),
            ("base_url", "ftp://example.com"),
        ],
    )
    def test_refuses_a_bad_field_naming_it(self, field: str, value: str) -> None:
        fields: dict[str, Any] = {field: value}
        with pytest.raises(InvalidValueError) as refused:
            a_project(**fields)
        assert refused.value.field == field


class TestChangeProject:
    def test_renames_with_a_renamed_event_carrying_the_meta(self) -> None:
        project = a_project(name="Petstore")
        project.collect_events()
        meta = a_meta(user_id=project.owner_id, correlation_id="corr-rename")

        project.rename(name=" Pet shop ", meta=meta)

        (renamed,) = project.collect_events()
        assert isinstance(renamed, Project.Renamed)
        assert (renamed.name, renamed.meta, renamed.originator_version) == ("Pet shop", meta, 2)
        assert project.name == "Pet shop"

    def test_changes_the_description(self) -> None:
        project = a_project()
        project.change_description(description=" new words ", meta=a_meta())
        assert project.description == "new words"
        assert isinstance(project.collect_events()[-1], Project.DescriptionChanged)

    def test_changes_the_base_url_without_its_trailing_slash(self) -> None:
        project = a_project()
        project.change_base_url(base_url="http://staging.example.com/", meta=a_meta())
        assert project.base_url == "http://staging.example.com"
        assert isinstance(project.collect_events()[-1], Project.BaseUrlChanged)

    @pytest.mark.parametrize(
        ("command", "field", "value"),
        [
            ("rename", "name", ""),
            ("rename", "name", "n" * (NAME_MAX + 1)),
            ("change_description", "description", "d" * (DESCRIPTION_MAX + 1)),
            ("change_base_url", "base_url", "mailto:ada@example.com"),
        ],
    )
    def test_refuses_a_bad_value_naming_the_field_and_records_nothing(
        self, command: str, field: str, value: str
    ) -> None:
        project = a_project()
        project.collect_events()

        with pytest.raises(InvalidValueError) as refused:
            getattr(project, command)(**{field: value}, meta=a_meta())

        assert refused.value.field == field
        assert project.collect_events() == []
        assert project.version == 1


class TestArchiveProject:
    def test_archives_an_active_project(self) -> None:
        project = a_project()
        project.archive(meta=a_meta())
        assert project.status == ProjectStatus.ARCHIVED
        assert isinstance(project.collect_events()[-1], Project.Archived)

    def test_refuses_to_archive_an_archived_project(self) -> None:
        project = an_archived_project()
        with pytest.raises(ConflictError, match="already archived"):
            project.archive(meta=a_meta())
        assert project.version == 2

    def test_restores_an_archived_project(self) -> None:
        project = an_archived_project()
        project.restore(meta=a_meta())
        assert project.status == ProjectStatus.ACTIVE
        assert isinstance(project.collect_events()[-1], Project.Restored)

    def test_refuses_to_restore_an_active_project(self) -> None:
        with pytest.raises(ConflictError, match="not archived"):
            a_project().restore(meta=a_meta())

    @pytest.mark.parametrize(
        ("command", "kwargs"),
        [
            ("rename", {"name": "New name"}),
            ("change_description", {"description": "New words"}),
            ("change_base_url", {"base_url": "https://new.example.com"}),
        ],
    )
    def test_refuses_to_change_an_archived_project(
        self, command: str, kwargs: dict[str, Any]
    ) -> None:
        project = an_archived_project(name="Petstore")
        project.collect_events()

        with pytest.raises(ConflictError, match="archived"):
            getattr(project, command)(**kwargs, meta=a_meta())

        assert project.collect_events() == []
        assert project.name == "Petstore"

    def test_refuses_to_rename_an_archived_project(self) -> None:
        project = an_archived_project(name="Petstore")
        with pytest.raises(ConflictError):
            project.rename(name="Pet shop", meta=a_meta())
        assert project.name == "Petstore"

    def test_allows_changes_again_once_restored(self) -> None:
        project = an_archived_project()
        project.restore(meta=a_meta())
        project.rename(name="Back again", meta=a_meta())
        assert project.name == "Back again"


class TestProjectEvents:
    def test_every_event_carries_who_made_it_and_from_where(self) -> None:
        owner = uuid4()
        meta = a_meta(
            user_id=owner, ip="198.51.100.4", user_agent="curl/8.5", correlation_id="corr-42"
        )
        project = a_project(owner_id=owner, meta=meta)
        project.rename(name="Renamed", meta=meta)
        project.change_description(description="Described", meta=meta)
        project.change_base_url(base_url="https://elsewhere.example.com", meta=meta)
        project.archive(meta=meta)
        project.restore(meta=meta)

        events: list[Any] = list(project.collect_events())

        assert [type(e).__qualname__ for e in events] == [
            "Project.Created",
            "Project.Renamed",
            "Project.DescriptionChanged",
            "Project.BaseUrlChanged",
            "Project.Archived",
            "Project.Restored",
        ]
        for recorded in events:
            assert recorded.meta == {
                "user_id": str(owner),
                "ip": "198.51.100.4",
                "user_agent": "curl/8.5",
                "correlation_id": "corr-42",
                "reason": None,
            }
        assert [e.originator_version for e in events] == [1, 2, 3, 4, 5, 6]

    def test_replaying_the_events_gives_the_same_state(self, clock: FixedClock) -> None:
        project = a_project()
        project.rename(name="Renamed", meta=a_meta())
        project.change_base_url(base_url="https://elsewhere.example.com", meta=a_meta())
        project.archive(meta=a_meta())

        replayed = replay(project.collect_events())

        assert replayed == project
        assert (replayed.name, replayed.status, replayed.version) == (
            "Renamed",
            ProjectStatus.ARCHIVED,
            4,
        )
        assert (replayed.created_on, replayed.modified_on) == (clock.at(0), clock.at(3))
