"""Commands of the apidoc context (projects; specifications come later)."""

from dataclasses import dataclass
from uuid import UUID

from domain.shared.meta import Meta


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
