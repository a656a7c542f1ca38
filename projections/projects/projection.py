"""apidoc.projects, from the Project aggregate's events."""

from functools import singledispatchmethod
from typing import Any

from domain.projects.model import Project, ProjectStatus
from projections.base import Projection
from projections.projects.view import ProjectRow, ProjectsView


class ProjectsProjection(Projection[ProjectsView]):
    """One row per project, with its latest state and version."""

    name = "projects"
    follows = ("apidoc",)

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore events that do not change a project row."""

    @process_event.register
    def _(self, e: Project.Created) -> None:
        self.view.insert_project(
            ProjectRow(
                id=e.originator_id,
                active_spec_id=None,
                owner_id=e.owner_id,
                name=e.name,
                description=e.description,
                base_url=e.base_url,
                status=ProjectStatus.ACTIVE.value,
                created_date_time=e.timestamp,
                updated_date_time=e.timestamp,
                row_version=e.originator_version,
            )
        )

    @process_event.register
    def _(self, e: Project.Renamed) -> None:
        self._update(e, name=e.name)

    @process_event.register
    def _(self, e: Project.DescriptionChanged) -> None:
        self._update(e, description=e.description)

    @process_event.register
    def _(self, e: Project.BaseUrlChanged) -> None:
        self._update(e, base_url=e.base_url)

    @process_event.register
    def _(self, e: Project.Archived) -> None:
        self._update(e, status=ProjectStatus.ARCHIVED.value)

    @process_event.register
    def _(self, e: Project.Restored) -> None:
        self._update(e, status=ProjectStatus.ACTIVE.value)

    @process_event.register
    def _(self, e: Project.ActiveSpecChanged) -> None:
        self._update(e, active_spec_id=e.spec_id)

    def _update(self, e: Project.Event, **fields: Any) -> None:
        self.view.update_project(
            e.originator_id, at=e.timestamp, version=e.originator_version, **fields
        )
