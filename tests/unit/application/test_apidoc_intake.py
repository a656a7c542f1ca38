"""Bringing a description in, on the in-memory store with fakes at the two ports."""

from uuid import UUID, uuid4

import pytest

from application.apidoc.app import ApidocApplication
from application.apidoc.commands import CreateProject
from application.apidoc.intake import (
    EmptyDocumentError,
    FetchSpecification,
    ReceiveSpecification,
    SpecificationIntake,
)
from application.apidoc.ports import SourceFile, UnresolvedReferencesError
from domain.shared.errors import NotFoundError
from domain.shared.meta import Meta
from tests.unit.builders import POPO, a_meta


class KeptFiles:
    """The store port: remembers what it was given."""

    def __init__(self) -> None:
        self.kept: dict[UUID, SourceFile] = {}

    def keep(self, source: SourceFile, *, owner_id: UUID, meta: Meta) -> UUID:
        file_id = uuid4()
        self.kept[file_id] = source
        return file_id


class Imports:
    """The imports port: an archive is any content starting with PK, bundled to one JSON
    document; every URL answers the same document, or the refusal it is given."""

    def __init__(self, refusal: Exception | None = None) -> None:
        self.refusal = refusal

    def bundle_upload(self, source: SourceFile, *, entry: str | None) -> SourceFile:
        if self.refusal is not None:
            raise self.refusal
        if not source.content.startswith(b"PK"):
            return source
        return SourceFile(
            content=b'{"openapi": "3.0.3"}',
            file_name=f"{entry}.json",
            content_type="application/json",
        )

    def fetch(self, url: str) -> SourceFile:
        return SourceFile(
            content=b"openapi: 3.0.3",
            file_name=url.rsplit("/", 1)[-1],
            content_type="application/yaml",
        )


@pytest.fixture
def apidoc() -> ApidocApplication:
    return ApidocApplication(env=POPO)


@pytest.fixture
def owner() -> UUID:
    return uuid4()


@pytest.fixture
def project_id(apidoc: ApidocApplication, owner: UUID) -> UUID:
    written = apidoc.create_project(
        CreateProject(owner_id=owner, name="p", description="", base_url="", meta=a_meta())
    )
    return written.aggregate_id


def a_file(content: bytes, name: str = "petstore.yaml") -> SourceFile:
    return SourceFile(content=content, file_name=name, content_type="application/yaml")


class TestReceive:
    def test_keeps_the_bytes_and_records_a_pending_upload_named_after_the_file(
        self, apidoc: ApidocApplication, owner: UUID, project_id: UUID
    ) -> None:
        files = KeptFiles()
        intake = SpecificationIntake(apidoc, files, Imports())

        written = intake.receive(
            ReceiveSpecification(
                project_id=project_id,
                requester_id=owner,
                meta=a_meta(),
                source=a_file(b"openapi: 3.0.3"),
            )
        )

        state = apidoc.specification_state(project_id, written.aggregate_id, owner)
        assert (state.name, state.status) == ("petstore.yaml", "Pending")
        assert files.kept[state.original_file_id].content == b"openapi: 3.0.3"  # type: ignore[index]

    def test_keeps_an_archive_bundled_into_one_document(
        self, apidoc: ApidocApplication, owner: UUID, project_id: UUID
    ) -> None:
        files = KeptFiles()
        intake = SpecificationIntake(apidoc, files, Imports())

        written = intake.receive(
            ReceiveSpecification(
                project_id=project_id,
                requester_id=owner,
                meta=a_meta(),
                source=a_file(b"PK\x03\x04...", "api.zip"),
                entry="openapi",
            )
        )

        state = apidoc.specification_state(project_id, written.aggregate_id, owner)
        (kept,) = files.kept.values()
        assert (kept.file_name, kept.content) == ("openapi.json", b'{"openapi": "3.0.3"}')
        assert state.name == "api.zip"

    def test_keeps_nothing_for_another_owner_s_project(
        self, apidoc: ApidocApplication, project_id: UUID
    ) -> None:
        files = KeptFiles()
        intake = SpecificationIntake(apidoc, files, Imports())

        with pytest.raises(NotFoundError):
            intake.receive(
                ReceiveSpecification(
                    project_id=project_id,
                    requester_id=uuid4(),
                    meta=a_meta(),
                    source=a_file(b"openapi: 3.0.3"),
                )
            )
        assert files.kept == {}

    def test_refuses_a_document_of_white_space(
        self, apidoc: ApidocApplication, owner: UUID, project_id: UUID
    ) -> None:
        files = KeptFiles()
        intake = SpecificationIntake(apidoc, files, Imports())

        with pytest.raises(EmptyDocumentError):
            intake.receive(
                ReceiveSpecification(
                    project_id=project_id,
                    requester_id=owner,
                    meta=a_meta(),
                    source=a_file(b" \n\t"),
                )
            )
        assert files.kept == {}

    def test_keeps_nothing_when_the_files_cannot_be_put_together(
        self, apidoc: ApidocApplication, owner: UUID, project_id: UUID
    ) -> None:
        files = KeptFiles()
        refusal = UnresolvedReferencesError("file", ["cannot resolve ./pet.yaml"])
        intake = SpecificationIntake(apidoc, files, Imports(refusal))

        with pytest.raises(UnresolvedReferencesError):
            intake.receive(
                ReceiveSpecification(
                    project_id=project_id,
                    requester_id=owner,
                    meta=a_meta(),
                    source=a_file(b"PK\x03\x04"),
                )
            )
        assert files.kept == {}


class TestFetch:
    def test_names_a_fetched_description_after_its_file_unless_named(
        self, apidoc: ApidocApplication, owner: UUID, project_id: UUID
    ) -> None:
        intake = SpecificationIntake(apidoc, KeptFiles(), Imports())

        unnamed = intake.fetch(
            FetchSpecification(
                project_id=project_id,
                requester_id=owner,
                meta=a_meta(),
                url="https://x.test/specs/petstore.yaml",
            )
        )
        named = intake.fetch(
            FetchSpecification(
                project_id=project_id,
                requester_id=owner,
                meta=a_meta(),
                url="https://x.test/specs/petstore.yaml",
                name="Pets",
            )
        )

        names = [
            apidoc.specification_state(project_id, w.aggregate_id, owner).name
            for w in (unnamed, named)
        ]
        assert names == ["petstore.yaml", "Pets"]
