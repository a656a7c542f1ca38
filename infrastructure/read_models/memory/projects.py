"""apidoc.projects in memory: the twin of PostgresProjectsView, for fast unit tests."""

import copy
from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

from projections.projects.view import ProjectRow, ProjectsView

_EDITABLE = {"name", "description", "base_url", "status", "active_spec_id"}


class MemoryProjectsView(ProjectsView):
    """The projects table as a dict of rows keyed by id, with the PostgreSQL columns."""

    tables = ("projects",)

    def __init__(self) -> None:
        self._projects: dict[UUID, dict[str, Any]] = {}

    def rows(self, table: str) -> list[dict[str, Any]]:
        """This function will return a table's rows ordered by id, as SELECT * gives them."""
        if table != "projects":
            raise KeyError(f"no table {table!r} in this view; it has {self.tables}")
        return [copy.deepcopy(self._projects[key]) for key in sorted(self._projects)]

    def insert_project(self, row: ProjectRow) -> None:
        if row.id in self._projects:
            raise ValueError(f"duplicate key: a project with id {row.id} already exists")
        self._projects[row.id] = asdict(row)

    def update_project(
        self, project_id: UUID, *, at: datetime, version: int, **fields: Any
    ) -> None:
        unknown = set(fields) - _EDITABLE
        if unknown:
            raise ValueError(f"not a project column: {sorted(unknown)}")
        row = self._projects.get(project_id)
        if row is None:
            return  # like an UPDATE that matches no row
        row.update(fields, updated_date_time=at, row_version=version)
