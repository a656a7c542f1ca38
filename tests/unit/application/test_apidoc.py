"""The apidoc application on the in-memory store: projects, their history and time travel."""

from uuid import UUID, uuid4

import pytest

from application.apidoc.app import ApidocApplication
from application.apidoc.commands import ArchiveProject, CreateProject, RestoreProject, UpdateProject
from application.shared.base import ConcurrentChangeError
from domain.projects.model import Project
from domain.shared.errors import (
    ConflictError,
    InvalidValueError,
    NotFoundError,
    VersionMismatchError,
)
from tests.unit.builders import POPO, FixedClock, a_meta, a_shared_store_env, stored_events


@pytest.fixture
def apidoc() -> ApidocApplication:
    return ApidocApplication(env=POPO)


@pytest.fixture
def owner() -> UUID:
    return uuid4()


def create(
    apidoc: ApidocApplication,
    owner: UUID,
    *,
    name: str = "Petstore",
    description: str = "The pet store API",
    base_url: str = "https://petstore.example.com/v1",
) -> UUID:
    written = apidoc.create_project(
        CreateProject(
            owner_id=owner,
            name=name,
            description=description,
            base_url=base_url,
            meta=a_meta(user_id=owner),
        )
    )
    return written.aggregate_id


def an_update(project_id: UUID, owner: UUID, **changes: object) -> UpdateProject:
    return UpdateProject(project_id=project_id, requester_id=owner, meta=a_meta(), **changes)  # type: ignore[arg-type]


def event_types(apidoc: ApidocApplication, project_id: UUID) -> list[str]:
    return [type(e).__qualname__ for e in apidoc.events.get(project_id)]


class TestCreateProject:
    def test_creates_a_project_at_version_one(
        self, apidoc: ApidocApplication, owner: UUID, clock: FixedClock
    ) -> None:
        written = apidoc.create_project(
            CreateProject(
                owner_id=owner,
                name=" Petstore ",
                description="",
                base_url="https://petstore.example.com/",
                meta=a_meta(user_id=owner),
            )
        )

        state = apidoc.project_state(written.aggregate_id, owner)
        assert (state.name, state.base_url, state.status, state.version) == (
            "Petstore",
            "https://petstore.example.com",
            "Active",
            1,
        )
        assert (state.owner_id, state.created_at, state.updated_at) == (
            owner,
            clock.at(0),
            clock.at(0),
        )
        # The position is the save's last: the owner's ProjectQuota opened and counted it too.
        assert (written.version, written.log, written.position) == (1, "apidoc", 3)

    def test_refuses_a_bad_base_url_and_stores_nothing(
        self, apidoc: ApidocApplication, owner: UUID
    ) -> None:
        with pytest.raises(InvalidValueError) as refused:
            create(apidoc, owner, base_url="gopher://old.example.com")
        assert refused.value.field == "base_url"
        assert stored_events(apidoc) == []


class TestUpdateProject:
    def test_records_one_event_per_changed_field(
        self, apidoc: ApidocApplication, owner: UUID
    ) -> None:
        project_id = create(apidoc, owner)

        written = apidoc.update_project(
            an_update(
                project_id,
                owner,
                name="Pet shop",
                description="Sells pets",
                base_url="https://shop.example.com",
            )
        )

        assert written.version == 4
        assert event_types(apidoc, project_id) == [
            "Project.Created",
            "Project.Renamed",
            "Project.DescriptionChanged",
            "Project.BaseUrlChanged",
        ]

    def test_records_no_event_for_a_field_given_unchanged(
        self, apidoc: ApidocApplication, owner: UUID
    ) -> None:
        project_id = create(apidoc, owner, name="Petstore", base_url="https://a.example.com")

        written = apidoc.update_project(
            an_update(
                project_id,
                owner,
                name=" Petstore ",
                description="Now described",
                base_url="https://a.example.com/",
            )
        )

        assert written.version == 2
        assert event_types(apidoc, project_id) == ["Project.Created", "Project.DescriptionChanged"]

    def test_records_nothing_when_nothing_changes(
        self, apidoc: ApidocApplication, owner: UUID
    ) -> None:
        project_id = create(apidoc, owner)
        head = apidoc.recorder.max_notification_id()

        written = apidoc.update_project(an_update(project_id, owner, name="Petstore"))

        assert written.version == 1
        assert apidoc.recorder.max_notification_id() == head

    def test_refuses_a_stale_expected_version(self, apidoc: ApidocApplication, owner: UUID) -> None:
        project_id = create(apidoc, owner)
        apidoc.update_project(an_update(project_id, owner, name="Second name"))

        with pytest.raises(VersionMismatchError) as refused:
            apidoc.update_project(
                an_update(project_id, owner, name="Third name", expected_version=1)
            )

        assert (refused.value.expected, refused.value.current) == (1, 2)
        assert apidoc.project_state(project_id, owner).name == "Second name"

    def test_applies_a_change_made_at_the_current_version(
        self, apidoc: ApidocApplication, owner: UUID
    ) -> None:
        project_id = create(apidoc, owner)
        written = apidoc.update_project(
            an_update(project_id, owner, name="Second name", expected_version=1)
        )
        assert written.version == 2

    def test_refuses_to_change_an_archived_project(
        self, apidoc: ApidocApplication, owner: UUID
    ) -> None:
        project_id = create(apidoc, owner)
        apidoc.archive_project(
            ArchiveProject(project_id=project_id, requester_id=owner, meta=a_meta())
        )
        with pytest.raises(ConflictError):
            apidoc.update_project(an_update(project_id, owner, name="New name"))

    def test_refuses_a_bad_base_url_naming_the_field(
        self, apidoc: ApidocApplication, owner: UUID
    ) -> None:
        project_id = create(apidoc, owner)
        with pytest.raises(InvalidValueError) as refused:
            apidoc.update_project(an_update(project_id, owner, name="Fine", base_url="nope"))
        assert refused.value.field == "base_url"
        assert event_types(apidoc, project_id) == ["Project.Created"]


class TestArchiveAndRestoreProject:
    def test_archives_then_restores(self, apidoc: ApidocApplication, owner: UUID) -> None:
        project_id = create(apidoc, owner)

        archived = apidoc.archive_project(
            ArchiveProject(project_id=project_id, requester_id=owner, meta=a_meta())
        )
        assert apidoc.project_state(project_id, owner).status == "Archived"
        restored = apidoc.restore_project(
            RestoreProject(project_id=project_id, requester_id=owner, meta=a_meta())
        )

        assert (archived.version, restored.version) == (2, 3)
        assert apidoc.project_state(project_id, owner).status == "Active"

    def test_refuses_to_archive_twice(self, apidoc: ApidocApplication, owner: UUID) -> None:
        project_id = create(apidoc, owner)
        archive = ArchiveProject(project_id=project_id, requester_id=owner, meta=a_meta())
        apidoc.archive_project(archive)
        with pytest.raises(ConflictError):
            apidoc.archive_project(archive)

    def test_refuses_to_restore_an_active_project(
        self, apidoc: ApidocApplication, owner: UUID
    ) -> None:
        project_id = create(apidoc, owner)
        with pytest.raises(ConflictError):
            apidoc.restore_project(
                RestoreProject(project_id=project_id, requester_id=owner, meta=a_meta())
            )

    def test_refuses_a_stale_expected_version(self, apidoc: ApidocApplication, owner: UUID) -> None:
        project_id = create(apidoc, owner)
        apidoc.update_project(an_update(project_id, owner, name="Moved on"))
        with pytest.raises(VersionMismatchError):
            apidoc.archive_project(
                ArchiveProject(
                    project_id=project_id, requester_id=owner, meta=a_meta(), expected_version=1
                )
            )


class TestAnotherOwnersProject:
    @pytest.fixture
    def project_id(self, apidoc: ApidocApplication, owner: UUID) -> UUID:
        return create(apidoc, owner)

    def test_is_not_found_for_a_change(self, apidoc: ApidocApplication, project_id: UUID) -> None:
        with pytest.raises(NotFoundError):
            apidoc.update_project(an_update(project_id, uuid4(), name="Hijacked"))

    def test_is_not_found_for_archiving(self, apidoc: ApidocApplication, project_id: UUID) -> None:
        with pytest.raises(NotFoundError):
            apidoc.archive_project(
                ArchiveProject(project_id=project_id, requester_id=uuid4(), meta=a_meta())
            )

    def test_is_not_found_for_history_or_state(
        self, apidoc: ApidocApplication, project_id: UUID
    ) -> None:
        stranger = uuid4()
        with pytest.raises(NotFoundError):
            apidoc.project_history(project_id, stranger)
        with pytest.raises(NotFoundError):
            apidoc.project_state(project_id, stranger, version=1)

    def test_is_reported_exactly_like_a_missing_project(
        self, apidoc: ApidocApplication, project_id: UUID
    ) -> None:
        with pytest.raises(NotFoundError) as someone_elses:
            apidoc.project_state(project_id, uuid4())
        with pytest.raises(NotFoundError) as missing:
            apidoc.project_state(uuid4(), uuid4())
        assert someone_elses.value.message == missing.value.message


class TestProjectHistory:
    def test_lists_every_event_with_its_version_meta_and_payload(
        self, apidoc: ApidocApplication, owner: UUID, clock: FixedClock
    ) -> None:
        project_id = create(apidoc, owner, name="Petstore")
        rename_meta = a_meta(
            user_id=owner, ip="198.51.100.9", user_agent="curl/8.5", correlation_id="corr-rn"
        )
        apidoc.update_project(
            UpdateProject(project_id=project_id, requester_id=owner, meta=rename_meta, name="Shop")
        )
        apidoc.archive_project(
            ArchiveProject(project_id=project_id, requester_id=owner, meta=a_meta(user_id=owner))
        )

        created, renamed, archived = apidoc.project_history(project_id, owner)

        assert (created.type, created.version, created.timestamp) == (
            "Project.Created",
            1,
            clock.at(0),
        )
        assert created.payload == {
            "owner_id": str(owner),
            "name": "Petstore",
            "description": "The pet store API",
            "base_url": "https://petstore.example.com/v1",
        }
        assert (renamed.type, renamed.version, renamed.payload) == (
            "Project.Renamed",
            2,
            {"name": "Shop"},
        )
        assert (renamed.user_id, renamed.ip, renamed.user_agent, renamed.correlation_id) == (
            str(owner),
            "198.51.100.9",
            "curl/8.5",
            "corr-rn",
        )
        assert (archived.type, archived.version, archived.payload) == ("Project.Archived", 3, {})

    def test_refuses_an_unknown_project(self, apidoc: ApidocApplication, owner: UUID) -> None:
        with pytest.raises(NotFoundError):
            apidoc.project_history(uuid4(), owner)


class TestProjectState:
    def test_replays_a_project_as_of_a_past_version(
        self, apidoc: ApidocApplication, owner: UUID, clock: FixedClock
    ) -> None:
        project_id = create(apidoc, owner, name="Original")
        apidoc.update_project(an_update(project_id, owner, name="Renamed"))
        apidoc.archive_project(
            ArchiveProject(project_id=project_id, requester_id=owner, meta=a_meta())
        )

        first = apidoc.project_state(project_id, owner, version=1)
        second = apidoc.project_state(project_id, owner, version=2)
        head = apidoc.project_state(project_id, owner)

        assert (first.name, first.status, first.version, first.updated_at) == (
            "Original",
            "Active",
            1,
            clock.at(0),
        )
        assert (second.name, second.status, second.version, second.updated_at) == (
            "Renamed",
            "Active",
            2,
            clock.at(3),  # after the quota's Opened and Taken
        )
        assert (head.name, head.status, head.version) == ("Renamed", "Archived", 3)

    @pytest.mark.parametrize("version", [0, -1, 4, 99])
    def test_refuses_a_version_that_does_not_exist(
        self, apidoc: ApidocApplication, owner: UUID, version: int
    ) -> None:
        project_id = create(apidoc, owner)
        apidoc.update_project(an_update(project_id, owner, name="Renamed"))
        apidoc.update_project(an_update(project_id, owner, name="Renamed again"))
        with pytest.raises(NotFoundError):
            apidoc.project_state(project_id, owner, version=version)


class TestConcurrentChange:
    def test_two_instances_on_one_store_see_each_others_writes(self, owner: UUID) -> None:
        env = a_shared_store_env()
        writer, reader = ApidocApplication(env=env), ApidocApplication(env=env)
        project_id = create(writer, owner, name="Shared")
        assert reader.project_state(project_id, owner).name == "Shared"

    def test_the_second_save_of_the_same_version_loses_with_the_current_version(
        self, owner: UUID
    ) -> None:
        env = a_shared_store_env()
        first, second = ApidocApplication(env=env), ApidocApplication(env=env)
        project_id = create(first, owner, name="Contended")
        mine: Project = first.repository.get(project_id)
        theirs: Project = second.repository.get(project_id)
        mine.rename(name="Mine", meta=a_meta())
        theirs.rename(name="Theirs", meta=a_meta())

        assert first.written(mine).version == 2
        with pytest.raises(ConcurrentChangeError) as lost:
            second.written(theirs)

        assert lost.value.current_version == 2
        assert isinstance(lost.value, ConflictError)
        assert second.project_state(project_id, owner).name == "Mine"

    def test_a_racing_command_loses_with_the_current_version(self, owner: UUID) -> None:
        env = a_shared_store_env()
        first, second = ApidocApplication(env=env), ApidocApplication(env=env)
        project_id = create(first, owner)
        # The second instance read version 1 before the first wrote version 2.
        stale: Project = second.repository.get(project_id)
        first.update_project(an_update(project_id, owner, name="Won"))
        stale.archive(meta=a_meta())

        with pytest.raises(ConcurrentChangeError) as lost:
            second.written(stale)

        assert lost.value.current_version == 2
        assert event_types(second, project_id) == ["Project.Created", "Project.Renamed"]
