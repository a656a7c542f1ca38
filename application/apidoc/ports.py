"""Side effects the apidoc context needs: reading uploaded files and parsing them."""

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from domain.shared.errors import DomainError
from domain.shared.meta import Meta
from domain.specifications.parsed import ParsedSpecification, SourceType


@dataclass(frozen=True, kw_only=True)
class SourceFile:
    """The bytes of an uploaded description and what is known of them."""

    content: bytes
    file_name: str
    content_type: str


class SpecificationSource(Protocol):
    """Where the original files of specifications are kept (the storage context)."""

    def read(self, file_id: UUID) -> SourceFile: ...


class SpecificationParser(Protocol):
    """Turns bytes into the neutral model. Raises SpecParseError, and nothing else."""

    def parse(
        self,
        content: bytes,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        format_hint: SourceType | None = None,
    ) -> ParsedSpecification: ...


class SpecificationStore(Protocol):
    """Where a received description's bytes are kept before a worker parses them."""

    def keep(self, source: SourceFile, *, owner_id: UUID, meta: Meta) -> UUID: ...


class SpecificationImports(Protocol):
    """Brings a description in from outside as one document: a zip or tar.gz of its folder,
    or a URL and the files beside it on the same origin.

    Raises FetchRefusedError and UnresolvedReferencesError."""

    def bundle_upload(self, source: SourceFile, *, entry: str | None) -> SourceFile: ...

    def fetch(self, url: str) -> SourceFile: ...


class FetchRefusedError(DomainError):
    """A URL the outbound policy refuses, or whose server does not hand the document over."""


class UnresolvedReferencesError(DomainError):
    """A specification split across files that cannot be put together; `problems` name
    each reference or archive member at fault, `field` the input they came from."""

    def __init__(self, field: str, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.field, self.problems = field, list(problems)


class ProjectCounter(Protocol):
    """How many projects a user has in use (the apidoc.projects read table)."""

    def active_project_count(self, owner_id: UUID) -> int: ...
