"""Side effects the apidoc context needs: reading uploaded files and parsing them."""

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

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
