"""Test suites: create by hand or generate, order, review, history."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status

from application.shared.base import Written
from application.testgen.app import state_diff, suite_state
from application.testgen.commands import (
    CreateSuite,
    GenerateSuite,
    RenameSuite,
    ReorderCases,
    ReviewProposal,
    SuiteCommand,
)
from domain.shared.errors import NotFoundError
from interfaces.http.dependencies import (
    Command,
    CommandContext,
    CurrentUser,
    ReadPosition,
    RuntimeDep,
    Versions,
)
from interfaces.http.schemas.testgen import (
    GenerationReportPublic,
    OrderUpdate,
    ReviewModify,
    ReviewNotes,
    SuiteCreate,
    SuiteGenerate,
    SuiteUpdate,
)

router = APIRouter(tags=["suites"])
_read = Depends(ReadPosition("testgen"))


def _written(ctx: CommandContext, written: Written) -> dict[str, Any]:
    suite = ctx.runtime.testgen.suite(written.aggregate_id, ctx.user_id)
    ctx.wrote(log=written.log, position=written.position, version=suite.version)
    return {"id": str(suite.id), "project_id": str(suite.project_id), **suite_state(suite)}


def _suite_command(ctx: CommandContext, suite_id: UUID) -> SuiteCommand:
    return SuiteCommand(
        suite_id=suite_id, requester_id=ctx.user_id, meta=ctx.meta, expected_version=ctx.expected
    )


@router.post("/projects/{project_id}/suites", status_code=status.HTTP_201_CREATED)
def create_suite(project_id: UUID, body: SuiteCreate, ctx: Command) -> dict[str, Any]:
    """Create an empty suite to write cases into by hand."""
    written = ctx.runtime.testgen.create_suite(
        CreateSuite(
            project_id=project_id,
            requester_id=ctx.user_id,
            name=body.name,
            description=body.description,
            meta=ctx.meta,
        )
    )
    ctx.response.headers["Location"] = f"/suites/{written.aggregate_id}"
    return _written(ctx, written)


@router.post("/projects/{project_id}/suites/generate", status_code=status.HTTP_201_CREATED)
def generate_suite(project_id: UUID, body: SuiteGenerate, ctx: Command) -> dict[str, Any]:
    """Generate a suite by rules from a specification: happy paths, boundaries, negatives,
    dependencies and a System order proposal. It waits for review before it can run."""
    written = ctx.runtime.testgen.generate_suite(
        GenerateSuite(
            project_id=project_id,
            requester_id=ctx.user_id,
            name=body.name,
            meta=ctx.meta,
            spec_id=body.spec_id,
            endpoint_keys=body.endpoints,
            seed=body.seed,
            test_types=body.test_types,
            max_cases_per_operation=body.max_cases_per_operation,
        )
    )
    ctx.response.headers["Location"] = f"/suites/{written.aggregate_id}"
    return _written(ctx, written)


@router.get("/projects/{project_id}/suites", dependencies=[_read])
def list_suites(project_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> list[dict[str, Any]]:
    """The project's suites with their status and approval status."""
    runtime.apidoc.owned_project(project_id, user.user_id)
    return runtime.suites.suites(project_id)


@router.get("/suites/{suite_id}", dependencies=[_read])
def get_suite(
    suite_id: UUID,
    user: CurrentUser,
    runtime: RuntimeDep,
    response: Response,
    version: Annotated[
        int | None, Query(ge=1, description="State as of this version, from the events")
    ] = None,
    at: Annotated[
        datetime | None, Query(description="State as of this moment (ISO 8601), from the events")
    ] = None,
) -> dict[str, Any]:
    """A suite from the read table, or replayed as of a version or a moment."""
    suite = runtime.testgen.suite(suite_id, user.user_id)
    if version is not None or at is not None:
        wanted = version if version is not None else runtime.testgen.version_at(suite_id, at)  # type: ignore[arg-type]
        past = runtime.testgen.suite(suite_id, user.user_id, wanted)
        response.headers["ETag"] = f'"{past.version}"'
        return {"id": str(suite_id), **suite_state(past)}
    row = runtime.suites.suite(suite_id)
    if row is None:
        raise NotFoundError("suite not found in the read model yet; retry with min_position")
    response.headers["ETag"] = f'"{suite.version}"'
    return row


@router.patch("/suites/{suite_id}")
def rename_suite(suite_id: UUID, body: SuiteUpdate, ctx: Command) -> dict[str, Any]:
    written = ctx.runtime.testgen.rename_suite(
        RenameSuite(
            suite_id=suite_id,
            requester_id=ctx.user_id,
            meta=ctx.meta,
            expected_version=ctx.expected,
            name=body.name,
            description=body.description,
        )
    )
    return _written(ctx, written)


@router.post("/suites/{suite_id}/archive")
def archive_suite(suite_id: UUID, ctx: Command) -> dict[str, Any]:
    return _written(ctx, ctx.runtime.testgen.archive_suite(_suite_command(ctx, suite_id)))


@router.get(
    "/suites/{suite_id}/generation-report",
    response_model=GenerationReportPublic,
    dependencies=[_read],
)
def generation_report(
    suite_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> GenerationReportPublic:
    """What rule-based generation did per operation: the rules applied, the values kept, the
    values dropped and why, and its notes (404 for a suite written by hand)."""
    report = runtime.testgen.generation_report(suite_id, user.user_id).to_json()
    return GenerationReportPublic.model_validate(report)


@router.get("/suites/{suite_id}/cases", dependencies=[_read])
def list_cases(suite_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> list[dict[str, Any]]:
    """The suite's cases in execution order (CustomOrderIndex ?? OrderIndex)."""
    runtime.testgen.suite(suite_id, user.user_id)
    return runtime.suites.cases(suite_id)


@router.put("/suites/{suite_id}/order")
def reorder(suite_id: UUID, body: OrderUpdate, ctx: Command) -> dict[str, Any]:
    """Set the whole order by hand; every dependency must run first (422 otherwise)."""
    written = ctx.runtime.testgen.reorder_cases(
        ReorderCases(
            suite_id=suite_id,
            requester_id=ctx.user_id,
            meta=ctx.meta,
            expected_version=ctx.expected,
            order=body.order,
        )
    )
    return _written(ctx, written)


@router.get("/suites/{suite_id}/proposals", dependencies=[_read])
def list_proposals(suite_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> list[dict[str, Any]]:
    runtime.testgen.suite(suite_id, user.user_id)
    return runtime.suites.proposals(suite_id)


@router.post("/suites/{suite_id}/proposals", status_code=status.HTTP_201_CREATED)
def request_proposal(suite_id: UUID, ctx: Command) -> dict[str, Any]:
    """Propose the current order for review (for example after a rejection)."""
    return _written(ctx, ctx.runtime.testgen.request_proposal(_suite_command(ctx, suite_id)))


def _review(
    ctx: CommandContext,
    suite_id: UUID,
    number: int,
    notes: str,
    action: str,
    order: list[UUID] | None,
) -> dict[str, Any]:
    written = ctx.runtime.testgen.review_proposal(
        ReviewProposal(
            suite_id=suite_id,
            requester_id=ctx.user_id,
            meta=ctx.meta,
            expected_version=ctx.expected,
            number=number,
            notes=notes,
            order=order,
        ),
        action,
    )
    return _written(ctx, written)


@router.post("/suites/{suite_id}/proposals/{number}/approve")
def approve(suite_id: UUID, number: int, body: ReviewNotes, ctx: Command) -> dict[str, Any]:
    """Approve a proposal as it is: its order becomes each case's OrderIndex."""
    return _review(ctx, suite_id, number, body.notes, "approve", None)


@router.post("/suites/{suite_id}/proposals/{number}/modify")
def modify(suite_id: UUID, number: int, body: ReviewModify, ctx: Command) -> dict[str, Any]:
    """Approve with your own order: kept as each case's CustomOrderIndex."""
    return _review(ctx, suite_id, number, body.notes, "modify", body.order)


@router.post("/suites/{suite_id}/proposals/{number}/reject")
def reject(suite_id: UUID, number: int, body: ReviewNotes, ctx: Command) -> dict[str, Any]:
    """Reject a proposal; request a new one with POST /suites/{id}/proposals."""
    return _review(ctx, suite_id, number, body.notes, "reject", None)


@router.get("/suites/{suite_id}/history")
def suite_history(suite_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> list[dict[str, Any]]:
    """Every event of the suite, for auditors."""
    runtime.testgen.suite(suite_id, user.user_id)
    return [entry.__dict__ for entry in runtime.testgen.history(suite_id)]


@router.get("/suites/{suite_id}/versions", dependencies=[_read])
def suite_versions(suite_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> list[dict[str, Any]]:
    """testgen.test_suite_versions: one row per suite event, with previous and new state."""
    runtime.testgen.suite(suite_id, user.user_id)
    return runtime.suites.versions(suite_id)


@router.get("/suites/{suite_id}/diff")
def suite_diff(
    suite_id: UUID, versions: Versions, user: CurrentUser, runtime: RuntimeDep
) -> dict[str, Any]:
    """What differs between two versions of a suite."""
    before = suite_state(runtime.testgen.suite(suite_id, user.user_id, versions.first))
    after = suite_state(runtime.testgen.suite(suite_id, user.user_id, versions.last))
    return {"from": versions.first, "to": versions.last, "changes": state_diff(before, after)}
