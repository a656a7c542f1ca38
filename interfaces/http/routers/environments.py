"""Execution environments of a project; secrets are write-only (shown as ***)."""

from uuid import UUID

from fastapi import APIRouter, Depends, Response, status

from application.shared.base import Written
from application.testexec.commands import CreateEnvironment, EnvironmentCommand, UpdateEnvironment
from application.testexec.queries import environment_summary
from interfaces.http.dependencies import (
    Command,
    CommandContext,
    CurrentUser,
    ReadPosition,
    RuntimeDep,
)
from interfaces.http.schemas.testexec import (
    EnvironmentCreate,
    EnvironmentPublic,
    EnvironmentUpdate,
    auth_fields,
)

router = APIRouter(tags=["environments"])


def _written(ctx: CommandContext, written: Written) -> EnvironmentPublic:
    env = ctx.runtime.testexec.environment(written.aggregate_id, ctx.user_id)
    ctx.wrote(log=written.log, position=written.position, version=env.version)
    return EnvironmentPublic.of(environment_summary(env))


def _environment_command(ctx: CommandContext, environment_id: UUID) -> EnvironmentCommand:
    return EnvironmentCommand(
        environment_id=environment_id,
        requester_id=ctx.user_id,
        meta=ctx.meta,
        expected_version=ctx.expected,
    )


@router.post(
    "/projects/{project_id}/environments",
    status_code=status.HTTP_201_CREATED,
    response_model=EnvironmentPublic,
)
def create_environment(
    project_id: UUID, body: EnvironmentCreate, ctx: Command
) -> EnvironmentPublic:
    """Add an environment (the project's first one becomes its default)."""
    written = ctx.runtime.testexec.create_environment(
        CreateEnvironment(
            project_id=project_id,
            requester_id=ctx.user_id,
            name=body.name,
            base_url=body.base_url,
            meta=ctx.meta,
            variables=[v.model_dump() for v in body.variables],
            headers=body.headers,
            auth=auth_fields(body.auth),
            make_default=body.make_default,
        )
    )
    ctx.response.headers["Location"] = f"/environments/{written.aggregate_id}"
    return _written(ctx, written)


@router.get(
    "/projects/{project_id}/environments",
    dependencies=[Depends(ReadPosition("testexec"))],
    response_model=list[EnvironmentPublic],
)
def list_environments(
    project_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> list[EnvironmentPublic]:
    """The project's environments, oldest first, from testexec.execution_environments."""
    found = runtime.environment_queries.project_environments(project_id, user.user_id)
    return [EnvironmentPublic.of(env) for env in found]


@router.get("/environments/{environment_id}", response_model=EnvironmentPublic)
def get_environment(
    environment_id: UUID, user: CurrentUser, runtime: RuntimeDep, response: Response
) -> EnvironmentPublic:
    """An environment, secrets as ***; what it returns, PATCH takes back unchanged."""
    env = runtime.environment_queries.environment(environment_id, user.user_id)
    response.headers["ETag"] = f'"{env.version}"'
    return EnvironmentPublic.of(env)


@router.patch("/environments/{environment_id}", response_model=EnvironmentPublic)
def update_environment(
    environment_id: UUID, body: EnvironmentUpdate, ctx: Command
) -> EnvironmentPublic:
    """Change any of its fields (If-Match, or the body's version: its ETag, optional)."""
    written = ctx.runtime.testexec.update_environment(
        UpdateEnvironment(
            environment_id=environment_id,
            requester_id=ctx.user_id,
            meta=ctx.meta,
            name=body.name,
            base_url=body.base_url,
            headers=body.headers,
            auth=None if body.auth is None else auth_fields(body.auth),
            expected_version=body.version if ctx.expected is None else ctx.expected,
            variables=None if body.variables is None else [v.model_dump() for v in body.variables],
            read_only=body.read_only(),
        )
    )
    return _written(ctx, written)


@router.post("/environments/{environment_id}/default", response_model=EnvironmentPublic)
def make_default(environment_id: UUID, ctx: Command) -> EnvironmentPublic:
    """Make this the project's default environment (If-Match: its ETag, optional)."""
    written = ctx.runtime.testexec.make_default_environment(
        _environment_command(ctx, environment_id)
    )
    return _written(ctx, written)


@router.delete("/environments/{environment_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_environment(environment_id: UUID, ctx: Command) -> None:
    """Delete an environment (If-Match: its ETag, optional)."""
    written = ctx.runtime.testexec.delete_environment(_environment_command(ctx, environment_id))
    ctx.wrote(log=written.log, position=written.position, version=written.version)
