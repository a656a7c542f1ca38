"""Commands of the apidoc context (projects; specifications come later)."""

from dataclasses import dataclass, field
from uuid import UUID

from domain.shared.meta import Meta
from domain.specifications.parsed import ParsedEndpoint, SourceType


@dataclass(frozen=True, kw_only=True)
class CreateProject:
    owner_id: UUID
    name: str
    description: str
    base_url: str
    meta: Meta


@dataclass(frozen=True, kw_only=True)
class UpdateProject:
    """Change any of a project's editable fields; None leaves a field as it is."""

    project_id: UUID
    requester_id: UUID
    meta: Meta
    name: str | None = None
    description: str | None = None
    base_url: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class ArchiveProject:
    project_id: UUID
    requester_id: UUID
    meta: Meta
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class RestoreProject:
    project_id: UUID
    requester_id: UUID
    meta: Meta
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class UploadSpecification:
    """Record an uploaded description (already stored as a file) for parsing."""

    project_id: UUID
    requester_id: UUID
    name: str
    original_file_id: UUID
    format_hint: SourceType | None
    meta: Meta


@dataclass(frozen=True, kw_only=True)
class CreateManualSpecification:
    project_id: UUID
    requester_id: UUID
    name: str
    meta: Meta
    # Endpoints it starts with (a reviewed documentation draft), added in the same save.
    endpoints: list[ParsedEndpoint] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class AddManualEndpoint:
    project_id: UUID
    spec_id: UUID
    requester_id: UUID
    endpoint: ParsedEndpoint
    meta: Meta
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class RemoveManualEndpoint:
    project_id: UUID
    spec_id: UUID
    requester_id: UUID
    method: str
    path: str
    meta: Meta
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class ActivateSpecification:
    project_id: UUID
    spec_id: UUID
    requester_id: UUID
    meta: Meta
    expected_version: int | None = None
