"""The apidoc context: projects and their API descriptions."""

import random
import time
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.apidoc.commands import ArchiveProject, CreateProject, RestoreProject, UpdateProject
from application.apidoc.ports import ProjectCounter, SpecificationParser, SpecificationSource
from application.apidoc.specifications import SpecificationCommands
from application.shared.base import (
    ConcurrentChangeError,
    HistoryEntry,
    Written,
    require_version,
)
from application.shared.limits import PlanLimitsPort, refuse_past
from domain.projects.model import Project, ProjectStatus
from domain.projects.quota import ProjectQuota, project_quota_id
from domain.shared.errors import NotFoundError
from domain.shared.values import require_http_url
from domain.subscriptions.limits import LimitType

# Attempts of a project creation, archive or restore that lost a race on the user's
# ProjectQuota. Every one of a user's creations takes it (so the count is right whenever a
# limit applies), so a burst of parallel creations by one user collides there: each lost race
# waits a short, growing, jittered pause and tries again, and all of them land (bench/audit.py
# creates projects for one user on four threads).
RACE_RETRIES = 40


def _after_lost_race(attempt: int) -> None:
    time.sleep(random.uniform(0, 0.002 * (attempt + 1)))


@dataclass(frozen=True, kw_only=True)
class ProjectState:
    """A project as it stood at one version, replayed from its events."""

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


def project_state(project: Project) -> ProjectState:
    """This function will describe a project aggregate as plain data."""
    return ProjectState(
        id=project.id,
        owner_id=project.owner_id,
        name=project.name,
        description=project.description,
        base_url=project.base_url,
        status=str(project.status),
        active_spec_id=project.active_spec_id,
        version=project.version,
        created_at=project.created_on,
        updated_at=project.modified_on,
    )


class ApidocApplication(SpecificationCommands):
    """Creates and changes projects and their specifications; every change is an event."""

    name = "apidoc"
    snapshotting_intervals = {ProjectQuota: 50}
    # The user's plan and how many projects they have; bootstrap sets them (None: no limit).
    limits: PlanLimitsPort | None = None
    project_counter: ProjectCounter | None = None

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        parser: SpecificationParser | None = None,
        source: SpecificationSource | None = None,
    ) -> None:
        super().__init__(env)
        self._parser = parser
        self._source = source

    def create_project(self, cmd: CreateProject) -> Written:
        """This function will create a project, counted on its owner's ProjectQuota in the
        same save: two creations at the limit collide there and the loser checks again.

        Raises InvalidValueError, LimitExceededError, ConcurrentChangeError."""
        for attempt in range(RACE_RETRIES):
            kept, in_use = self._in_use(cmd.owner_id)
            self._require_project_room(cmd.owner_id, in_use)
            project = Project.start(
                owner_id=cmd.owner_id,
                name=cmd.name,
                description=cmd.description,
                base_url=cmd.base_url,
                meta=cmd.meta,
            )
            quota = self._quota(cmd.owner_id, kept, in_use)
            quota.take(project_id=project.id)
            try:
                return self.written(project, quota)
            except ConcurrentChangeError:
                _after_lost_race(attempt)
        raise ConcurrentChangeError(None)

    def update_project(self, cmd: UpdateProject) -> Written:
        """This function will apply each given field change as its own event.

        Raises NotFoundError, VersionMismatchError, ProjectArchivedError, InvalidValueError.
        """
        project = self.owned_project(cmd.project_id, cmd.requester_id)
        require_version(project, cmd.expected_version)
        if cmd.name is not None and cmd.name.strip() != project.name:
            project.rename(name=cmd.name, meta=cmd.meta)
        if cmd.description is not None and cmd.description.strip() != project.description:
            project.change_description(description=cmd.description, meta=cmd.meta)
        if (
            cmd.base_url is not None
            and require_http_url("base_url", cmd.base_url) != project.base_url
        ):
            project.change_base_url(base_url=cmd.base_url, meta=cmd.meta)
        return self.written(project)

    def archive_project(self, cmd: ArchiveProject) -> Written:
        """This function will archive a project (its owner's quota gets the room back).

        Raises NotFoundError, ProjectArchivedError, ConcurrentChangeError."""
        for attempt in range(RACE_RETRIES):
            project = self.owned_project(cmd.project_id, cmd.requester_id)
            require_version(project, cmd.expected_version)
            kept, in_use = self._in_use(project.owner_id)
            project.archive(meta=cmd.meta)
            quota = self._quota(project.owner_id, kept, in_use)
            quota.release(project_id=project.id)
            try:
                return self.written(project, quota)
            except ConcurrentChangeError:
                _after_lost_race(attempt)
        raise ConcurrentChangeError(None)

    def restore_project(self, cmd: RestoreProject) -> Written:
        """This function will restore an archived project, within the plan's MaxProjects.

        Raises NotFoundError, ProjectNotArchivedError, LimitExceededError,
        ConcurrentChangeError."""
        for attempt in range(RACE_RETRIES):
            project = self.owned_project(cmd.project_id, cmd.requester_id)
            require_version(project, cmd.expected_version)
            kept, in_use = self._in_use(project.owner_id)
            if project.status == ProjectStatus.ARCHIVED:
                self._require_project_room(project.owner_id, in_use)
            project.restore(meta=cmd.meta)
            quota = self._quota(project.owner_id, kept, in_use)
            quota.take(project_id=project.id)
            try:
                return self.written(project, quota)
            except ConcurrentChangeError:
                _after_lost_race(attempt)
        raise ConcurrentChangeError(None)

    def _in_use(self, owner_id: UUID) -> tuple[ProjectQuota | None, int]:
        """The owner's ProjectQuota if kept yet, and their projects in use: the quota's count,
        or, before the first one, what the read table counts (projects made before quotas)."""
        try:
            quota: ProjectQuota = self.load_version(project_quota_id(owner_id))
        except NotFoundError:
            counter = self.project_counter
            return None, counter.active_project_count(owner_id) if counter is not None else 0
        return quota, quota.in_use

    @staticmethod
    def _quota(owner_id: UUID, kept: ProjectQuota | None, in_use: int) -> ProjectQuota:
        # Opened after the project's own event, so the project's event comes first in time.
        return kept if kept is not None else ProjectQuota(owner_id=owner_id, in_use=in_use)

    def _require_project_room(self, owner_id: UUID, in_use: int) -> None:
        """At most the plan's MaxProjects projects in use (archived ones do not count; restoring
        one counts again). Raises LimitExceededError."""
        if self.limits is None:
            return
        limit = self.limits.limit(owner_id, LimitType.MaxProjects)
        refuse_past(limit, current=in_use, adding=1, upgrade_url=self.limits.upgrade_url)

    def project_history(self, project_id: UUID, requester_id: UUID) -> list[HistoryEntry]:
        """This function will list a project's events for an auditor. Raises NotFoundError."""
        self.owned_project(project_id, requester_id)
        return self.history(project_id)

    def project_state(
        self, project_id: UUID, requester_id: UUID, version: int | None = None
    ) -> ProjectState:
        """This function will replay a project as of a version. Raises NotFoundError."""
        self.owned_project(project_id, requester_id)
        if version is not None and version < 1:
            raise NotFoundError("version not found")
        project: Project = self.load_version(project_id, version)
        if version is not None and project.version != version:
            raise NotFoundError(
                f"version {version} not found; the project is at version {project.version}"
            )
        return project_state(project)
