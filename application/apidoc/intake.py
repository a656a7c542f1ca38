"""The use cases that bring a description in: an upload, pasted text, a URL."""

from dataclasses import dataclass
from uuid import UUID

from application.apidoc.commands import UploadSpecification
from application.apidoc.ports import SourceFile, SpecificationImports, SpecificationStore
from application.apidoc.specifications import SpecificationCommands
from application.shared.base import Written
from domain.shared.errors import DomainError
from domain.shared.meta import Meta
from domain.specifications.parsed import SourceType


class EmptyDocumentError(DomainError):
    """A description with nothing in it but white space."""


@dataclass(frozen=True, kw_only=True)
class ReceiveSpecification:
    """A description handed over as bytes (a file, an archive of its folder, pasted text)."""

    project_id: UUID
    requester_id: UUID
    meta: Meta
    source: SourceFile
    name: str | None = None
    format_hint: SourceType | None = None
    entry: str | None = None  # an archive's entry file


@dataclass(frozen=True, kw_only=True)
class FetchSpecification:
    """A description to fetch from a URL."""

    project_id: UUID
    requester_id: UUID
    meta: Meta
    url: str
    name: str | None = None
    format_hint: SourceType | None = None


class SpecificationIntake:
    """Keeps a received description's bytes and records it as Pending; a worker parses it."""

    def __init__(
        self,
        apidoc: SpecificationCommands,
        store: SpecificationStore,
        imports: SpecificationImports,
    ) -> None:
        self._apidoc, self._store, self._imports = apidoc, store, imports

    def receive(self, cmd: ReceiveSpecification) -> Written:
        """This function will accept a description given as bytes, bundling an archive of a
        folder into one document first.

        Raises NotFoundError (before anything is kept), EmptyDocumentError,
        UnresolvedReferencesError, ConflictError, InvalidValueError."""
        self._apidoc.owned_project(cmd.project_id, cmd.requester_id)
        _require_content(cmd.source)
        source = self._imports.bundle_upload(cmd.source, entry=cmd.entry)
        return self._record(
            cmd.project_id,
            cmd.requester_id,
            cmd.meta,
            source,
            cmd.name,
            cmd.format_hint,
            default_name=cmd.source.file_name,
        )

    def fetch(self, cmd: FetchSpecification) -> Written:
        """This function will fetch a description, with the files it refers to beside it.

        Raises NotFoundError (before anything is fetched), FetchRefusedError,
        UnresolvedReferencesError, EmptyDocumentError, ConflictError, InvalidValueError."""
        self._apidoc.owned_project(cmd.project_id, cmd.requester_id)
        source = self._imports.fetch(cmd.url)
        _require_content(source)
        return self._record(
            cmd.project_id,
            cmd.requester_id,
            cmd.meta,
            source,
            cmd.name,
            cmd.format_hint,
            default_name=source.file_name,
        )

    def _record(
        self,
        project_id: UUID,
        requester_id: UUID,
        meta: Meta,
        source: SourceFile,
        name: str | None,
        format_hint: SourceType | None,
        *,
        default_name: str,
    ) -> Written:
        file_id = self._store.keep(source, owner_id=requester_id, meta=meta)
        return self._apidoc.upload_specification(
            UploadSpecification(
                project_id=project_id,
                requester_id=requester_id,
                name=name or default_name,
                original_file_id=file_id,
                format_hint=format_hint,
                meta=meta,
            )
        )


def _require_content(source: SourceFile) -> None:
    if not source.content.strip():
        raise EmptyDocumentError("the document is empty")
