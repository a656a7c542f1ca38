"""apidoc.projects in PostgreSQL."""

from datetime import datetime
from typing import Any
from uuid import UUID

from infrastructure.read_models.postgres.base import PostgresView, columns
from projections.projects.view import ProjectRow, ProjectsView

_EDITABLE = {"name", "description", "base_url", "status", "active_spec_id"}


class PostgresProjectsView(PostgresView, ProjectsView):
    """The projects table; one row per project."""

    tables = ("projects",)
    ddl = (
        "CREATE TABLE IF NOT EXISTS {schema}.projects ("
        " id uuid PRIMARY KEY, active_spec_id uuid, owner_id uuid NOT NULL,"
        " name text NOT NULL, description text NOT NULL, base_url text NOT NULL,"
        " status text NOT NULL, created_date_time timestamptz NOT NULL,"
        " updated_date_time timestamptz NOT NULL, row_version integer NOT NULL)",
        "CREATE INDEX IF NOT EXISTS projects_owner_idx ON {schema}.projects"
        " (owner_id, status, created_date_time DESC, id)",
    )

    def insert_project(self, row: ProjectRow) -> None:
        self.run(
            "INSERT INTO {t_projects} (id, active_spec_id, owner_id, name, description, base_url,"
            " status, created_date_time, updated_date_time, row_version) VALUES (%(id)s,"
            " %(active_spec_id)s, %(owner_id)s, %(name)s, %(description)s, %(base_url)s, %(status)s,"
            " %(created_date_time)s, %(updated_date_time)s, %(row_version)s)",
            columns(row),
        )

    def update_project(
        self, project_id: UUID, *, at: datetime, version: int, **fields: Any
    ) -> None:
        self.update_row(
            "projects", project_id, at=at, version=version, allowed=_EDITABLE, fields=fields
        )
