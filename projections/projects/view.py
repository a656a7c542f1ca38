"""What the projects read model can be told to do."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class ProjectRow:
    """A row of apidoc.projects."""

    id: UUID
    active_spec_id: UUID | None
    owner_id: UUID
    name: str
    description: str
    base_url: str
    status: str
    created_date_time: datetime
    updated_date_time: datetime
    row_version: int


class ProjectsView(ABC):
    """The apidoc.projects table."""

    @abstractmethod
    def insert_project(self, row: ProjectRow) -> None: ...

    @abstractmethod
    def update_project(
        self, project_id: UUID, *, at: datetime, version: int, **fields: Any
    ) -> None: ...
