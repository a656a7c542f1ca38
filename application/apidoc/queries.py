"""What the apidoc context reads from its read tables."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
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
