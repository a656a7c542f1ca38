"""Projects: create, change, archive, restore, list, read, history and time travel."""

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status

from application.apidoc.app import ProjectState, project_state
from application.apidoc.commands import ArchiveProject, CreateProject, RestoreProject, UpdateProject
from application.apidoc.queries import ProjectSummary
from application.shared.base import Written
from domain.shared.errors import NotFoundError
from interfaces.http.dependencies import (
    Command,
    CommandContext,
    CurrentUser,
    ReadPosition,
    RuntimeDep,
)
from interfaces.http.schemas.projects import (
    HistoryEntryPublic,
    ProjectCreate,
    ProjectPublic,
    ProjectsPublic,
    ProjectUpdate,
)

router = APIRouter(prefix="/projects", tags=["projects"])
_read_projects = Depends(ReadPosition("projects"))


def _public(project: ProjectState | ProjectSummary) -> ProjectPublic:
    return ProjectPublic(
        id=project.id,
        name=project.name,
        description=project.description,
        base_url=project.base_url,
        status=project.status,
        active_spec_id=project.active_spec_id,
        owner_id=project.owner_id,
        version=project.version,
        created_at=project.created_at,
        updated_at=project.updated_at,
    )


def _after_write(ctx: CommandContext, written: Written) -> ProjectPublic:
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    # The command's own aggregate: an owned project, just saved; no need to load it again.
    return _public(project_state(written.aggregate))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ProjectPublic)
def create_project(body: ProjectCreate, ctx: Command) -> ProjectPublic:
    """Create a project. The response carries its ETag and the log position it was written at."""
    written = ctx.runtime.apidoc.create_project(
        CreateProject(
            owner_id=ctx.user_id,
            name=body.name,
            description=body.description,
            base_url=body.base_url,
            meta=ctx.meta,
        )
    )
    ctx.response.headers["Location"] = f"/projects/{written.aggregate_id}"
    return _after_write(ctx, written)


@router.get("", response_model=ProjectsPublic, dependencies=[_read_projects])
def list_projects(
    user: CurrentUser,
    runtime: RuntimeDep,
    status_: Annotated[Literal["Active", "Archived"] | None, Query(alias="status")] = None,
    search: Annotated[
        str | None,
        # No NUL: PostgreSQL cannot take it in a query, and no name contains one.
        Query(max_length=200, pattern=r"^[^\x00]*$", description="Part of the name"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ProjectsPublic:
    """The caller's projects, newest first, from the read table."""
    page = runtime.projects.list(
        user.user_id, status=status_, search=search, limit=limit, offset=offset
    )
    return ProjectsPublic(
        items=[_public(p) for p in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{project_id}", response_model=ProjectPublic, dependencies=[_read_projects])
def get_project(
    project_id: UUID,
    user: CurrentUser,
    runtime: RuntimeDep,
    response: Response,
    version: Annotated[
        int | None, Query(ge=1, description="Replay the project's events up to this version")
    ] = None,
) -> ProjectPublic:
    """A project from the read table, or as of a past version replayed from its events."""
    if version is not None:
        state = runtime.apidoc.project_state(project_id, user.user_id, version)
        response.headers["ETag"] = f'"{state.version}"'
        return _public(state)
    summary = runtime.projects.get(user.user_id, project_id)
    if summary is None:
        raise NotFoundError("project not found")
    response.headers["ETag"] = f'"{summary.version}"'
    return _public(summary)


@router.patch("/{project_id}", response_model=ProjectPublic)
def update_project(project_id: UUID, body: ProjectUpdate, ctx: Command) -> ProjectPublic:
    """Change the name, description or base URL; send If-Match to refuse lost updates (412)."""
    written = ctx.runtime.apidoc.update_project(
        UpdateProject(
            project_id=project_id,
            requester_id=ctx.user_id,
            meta=ctx.meta,
            name=body.name,
            description=body.description,
            base_url=body.base_url,
            expected_version=ctx.expected,
        )
    )
    return _after_write(ctx, written)


@router.post("/{project_id}/archive", response_model=ProjectPublic)
def archive_project(project_id: UUID, ctx: Command) -> ProjectPublic:
    """Put a project away (409 if it already is)."""
    written = ctx.runtime.apidoc.archive_project(
        ArchiveProject(
            project_id=project_id,
            requester_id=ctx.user_id,
            meta=ctx.meta,
            expected_version=ctx.expected,
        )
    )
    return _after_write(ctx, written)


@router.post("/{project_id}/restore", response_model=ProjectPublic)
def restore_project(project_id: UUID, ctx: Command) -> ProjectPublic:
    """Bring an archived project back (409 if it is not archived)."""
    written = ctx.runtime.apidoc.restore_project(
        RestoreProject(
            project_id=project_id,
            requester_id=ctx.user_id,
            meta=ctx.meta,
            expected_version=ctx.expected,
        )
    )
    return _after_write(ctx, written)


@router.get("/{project_id}/history", response_model=list[HistoryEntryPublic])
def project_history(
    project_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> list[HistoryEntryPublic]:
    """Every event of the project, oldest first: what changed, who, when, from where."""
    entries = runtime.apidoc.project_history(project_id, user.user_id)
    return [HistoryEntryPublic(**entry.__dict__) for entry in entries]
