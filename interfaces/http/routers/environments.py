"""Execution environments of a project; secrets are write-only (shown as ***)."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Response, status

from application.shared.base import Written
from application.testexec.commands import CreateEnvironment, EnvironmentCommand, UpdateEnvironment
from interfaces.http.dependencies import (
    Command,
    CommandContext,
    CurrentUser,
    ReadPosition,
    RuntimeDep,
)
from interfaces.http.schemas.testexec import EnvironmentCreate, EnvironmentUpdate

router = APIRouter(tags=["environments"])


def _written(ctx: CommandContext, written: Written) -> dict[str, Any]:
    env = ctx.runtime.testexec.environment(written.aggregate_id, ctx.user_id)
    ctx.wrote(log=written.log, position=written.position, version=env.version)
    return ctx.runtime.testexec.masked(env)


def _environment_command(ctx: CommandContext, environment_id: UUID) -> EnvironmentCommand:
    return EnvironmentCommand(
        environment_id=environment_id,
        requester_id=ctx.user_id,
        meta=ctx.meta,
        expected_version=ctx.expected,
    )


@router.post("/projects/{project_id}/environments", status_code=status.HTTP_201_CREATED)
def create_environment(project_id: UUID, body: EnvironmentCreate, ctx: Command) -> dict[str, Any]:
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
            auth=body.auth,
            make_default=body.make_default,
        )
    )
    ctx.response.headers["Location"] = f"/environments/{written.aggregate_id}"
    return _written(ctx, written)


@router.get("/projects/{project_id}/environments", dependencies=[Depends(ReadPosition("testexec"))])
def list_environments(
    project_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> list[dict[str, Any]]:
    runtime.apidoc.owned_project(project_id, user.user_id)
    with runtime.pool.connection() as conn:
        rows = conn.execute(
            "SELECT id FROM testexec.execution_environments WHERE project_id = %s AND NOT is_deleted"
            " ORDER BY created_date_time",
            (project_id,),
        ).fetchall()
    return [
        runtime.testexec.masked(runtime.testexec.environment(row["id"], user.user_id))
        for row in rows
    ]


@router.get("/environments/{environment_id}")
def get_environment(
    environment_id: UUID, user: CurrentUser, runtime: RuntimeDep, response: Response
) -> dict[str, Any]:
    env = runtime.testexec.environment(environment_id, user.user_id)
    response.headers["ETag"] = f'"{env.version}"'
    return runtime.testexec.masked(env)


@router.patch("/environments/{environment_id}")
def update_environment(
    environment_id: UUID, body: EnvironmentUpdate, ctx: Command
) -> dict[str, Any]:
    written = ctx.runtime.testexec.update_environment(
        UpdateEnvironment(
            environment_id=environment_id,
            requester_id=ctx.user_id,
            meta=ctx.meta,
            name=body.name,
            base_url=body.base_url,
            headers=body.headers,
            auth=body.auth,
            expected_version=ctx.expected,
            variables=None if body.variables is None else [v.model_dump() for v in body.variables],
        )
    )
    return _written(ctx, written)


@router.post("/environments/{environment_id}/default")
def make_default(environment_id: UUID, ctx: Command) -> dict[str, Any]:
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
