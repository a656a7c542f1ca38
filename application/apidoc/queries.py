"""What the apidoc context reads from its read tables."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class ProjectSummary:
    """A project as apidoc.projects holds it."""

    id: UUID
    owner_id: UUID
    name: str
    description: str
    base_url: str
    status: str
    active_spec_id: UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True)
class ProjectPage:
    items: list[ProjectSummary]
    total: int
    limit: int
    offset: int


class ProjectReader(Protocol):
    """Reads projects from the read model, always scoped to their owner."""

    def get(self, owner_id: UUID, project_id: UUID) -> ProjectSummary | None: ...

    def list(
        self, owner_id: UUID, *, status: str | None, search: str | None, limit: int, offset: int
    ) -> ProjectPage: ...


@dataclass(frozen=True, kw_only=True)
class SpecificationSummary:
    """A specification as apidoc.api_specifications holds it."""

    id: UUID
    project_id: UUID
    original_file_id: UUID | None
    name: str
    source_type: str
    api_version: str
    title: str
    is_active: bool
    parse_status: str
    parse_errors: list[dict[str, str]] | None
    parsed_at: datetime | None
    servers: list[str]
    endpoint_count: int
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True)
class EndpointSummary:
    id: UUID
    spec_id: UUID
    method: str
    path: str
    operation_id: str
    summary: str
    description: str
    tags: list[str]
    deprecated: bool


@dataclass(frozen=True, kw_only=True)
class EndpointDetail:
    endpoint: EndpointSummary
    parameters: list[dict[str, Any]]
    responses: list[dict[str, Any]]
    security: list[dict[str, Any]]


@dataclass(frozen=True, kw_only=True)
class EndpointFilter:
    tag: str | None = None
    method: str | None = None
    path_contains: str | None = None
    deprecated: bool | None = None
    limit: int = 100
    offset: int = 0


class SpecificationReader(Protocol):
    """Reads specifications and endpoints of a project (the caller checks ownership)."""

    def list_specifications(self, project_id: UUID) -> list[SpecificationSummary]: ...

    def get_specification(self, project_id: UUID, spec_id: UUID) -> SpecificationSummary | None: ...

    def list_endpoints(
        self, spec_id: UUID, where: EndpointFilter
    ) -> tuple[list[EndpointSummary], int]: ...

    def get_endpoint(self, spec_id: UUID, endpoint_id: UUID) -> EndpointDetail | None: ...
