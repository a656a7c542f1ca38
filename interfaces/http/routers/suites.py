"""Test suites: create by hand or generate, order, review, history."""

from datetime import datetime
from typing import Annotated
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
from application.testgen.documents import DocumentCase, ImportSuiteDocument
from application.testgen.queries import (
    SUITE_READ_ONLY,
    CaseDetail,
    ProposalSummary,
    SuiteSummary,
    SuiteVersionEntry,
    suite_summary,
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
from interfaces.http.schemas.cases import CasePublic
from interfaces.http.schemas.projects import HistoryEntryPublic
from interfaces.http.schemas.suite_documents import SuiteDocument, SuiteImportPublic
from interfaces.http.schemas.testgen import (
    DiffPublic,
    GenerationReportPublic,
    OrderUpdate,
    ProposalPublic,
    ReviewModify,
    ReviewNotes,
    SuiteCreate,
    SuiteGenerate,
    SuitePublic,
    SuiteUpdate,
    SuiteVersionPublic,
)

router = APIRouter(tags=["suites"])
_read = Depends(ReadPosition("testgen"))


def _written(ctx: CommandContext, written: Written) -> SuiteSummary:
    # The command's own suite, as saved: no need to load it again.
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    return suite_summary(written.aggregate)


def _suite_command(ctx: CommandContext, suite_id: UUID) -> SuiteCommand:
    return SuiteCommand(
        suite_id=suite_id, requester_id=ctx.user_id, meta=ctx.meta, expected_version=ctx.expected
    )


@router.post(
    "/projects/{project_id}/suites", status_code=status.HTTP_201_CREATED, response_model=SuitePublic
)
def create_suite(project_id: UUID, body: SuiteCreate, ctx: Command) -> SuiteSummary:
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


@router.post(
    "/projects/{project_id}/suites/generate",
    status_code=status.HTTP_201_CREATED,
    response_model=SuitePublic,
)
def generate_suite(project_id: UUID, body: SuiteGenerate, ctx: Command) -> SuiteSummary:
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
            test_types=None if body.test_types is None else [t.value for t in body.test_types],
            max_cases_per_operation=body.max_cases_per_operation,
        )
    )
    ctx.response.headers["Location"] = f"/suites/{written.aggregate_id}"
    return _written(ctx, written)


@router.post(
    "/projects/{project_id}/suites/import",
    status_code=status.HTTP_201_CREATED,
    response_model=SuiteImportPublic,
    responses={413: {"description": "The body is over TESTAMENT_MAX_UPLOAD_BYTES"}},
)
def import_suite(project_id: UUID, body: SuiteDocument, ctx: Command) -> SuiteImportPublic:
    """Create a suite (GenerationType Imported) from a suite document, as
    GET /suites/{id}/export?format=testament gives it: its cases in the document's order, in
    one transaction, waiting for review. A refused case is a 422 naming it."""
    written = ctx.runtime.testgen.import_suite_document(
        ImportSuiteDocument(
            project_id=project_id,
            requester_id=ctx.user_id,
            name=body.name,
            description=body.description,
            cases=[
                DocumentCase(
                    key=case.key,
                    fields=case.model_dump(exclude={"key", "depends_on", "enabled"}, mode="json"),
                    depends_on=case.depends_on,
                    enabled=case.enabled,
                )
                for case in body.cases
            ],
            meta=ctx.meta,
        )
    )
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    ctx.response.headers["Location"] = f"/suites/{written.aggregate_id}"
    return SuiteImportPublic(
        suite_id=written.aggregate_id, version=written.version, cases=len(body.cases)
    )


@router.get("/projects/{project_id}/suites", response_model=list[SuitePublic], dependencies=[_read])
def list_suites(project_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> list[SuiteSummary]:
    """The project's suites, newest first, with their status and approval status."""
    found = runtime.suites.suites(project_id, owner_id=user.user_id)
    if found is None:
        raise NotFoundError("project not found")
    return found


@router.get("/suites/{suite_id}", response_model=SuitePublic, dependencies=[_read])
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
) -> SuiteSummary:
    """A suite from the read table, or replayed as of a version or a moment."""
    if version is not None or at is not None:
        runtime.testgen.suite(suite_id, user.user_id)
        wanted = version if version is not None else runtime.testgen.version_at(suite_id, at)  # type: ignore[arg-type]
        past = runtime.testgen.suite(suite_id, user.user_id, wanted)
        response.headers["ETag"] = f'"{past.version}"'
        return suite_summary(past)
    found = runtime.suites.suite(suite_id, owner_id=user.user_id)
    if found is None:
        raise NotFoundError("suite not found (a suite just written: retry with min_position)")
    response.headers["ETag"] = f'"{found.version}"'
    return found


@router.patch("/suites/{suite_id}", response_model=SuitePublic)
def rename_suite(suite_id: UUID, body: SuiteUpdate, ctx: Command) -> SuiteSummary:
    """Change the name and description. What GET /suites/{id} answered can be sent back as
    it is: it changes nothing."""
    sent = body.model_dump(exclude_unset=True, mode="json")
    written = ctx.runtime.testgen.rename_suite(
        RenameSuite(
            suite_id=suite_id,
            requester_id=ctx.user_id,
            meta=ctx.meta,
            expected_version=ctx.expected if ctx.expected is not None else body.version,
            name=body.name,
            description=body.description,
            unchanged={k: v for k, v in sent.items() if k in SUITE_READ_ONLY},
        )
    )
    return _written(ctx, written)


@router.post("/suites/{suite_id}/archive", response_model=SuitePublic)
def archive_suite(suite_id: UUID, ctx: Command) -> SuiteSummary:
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


@router.get("/suites/{suite_id}/cases", response_model=list[CasePublic], dependencies=[_read])
def list_cases(suite_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> list[CaseDetail]:
    """The suite's cases in execution order (CustomOrderIndex ?? OrderIndex)."""
    found = runtime.suites.cases(suite_id, owner_id=user.user_id)
    if found is None:
        raise NotFoundError("suite not found")
    return found


@router.put("/suites/{suite_id}/order", response_model=SuitePublic)
def reorder(suite_id: UUID, body: OrderUpdate, ctx: Command) -> SuiteSummary:
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


@router.get(
    "/suites/{suite_id}/proposals", response_model=list[ProposalPublic], dependencies=[_read]
)
def list_proposals(suite_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> list[ProposalSummary]:
    """The suite's order proposals, oldest first, with their reviews."""
    found = runtime.suites.proposals(suite_id, owner_id=user.user_id)
    if found is None:
        raise NotFoundError("suite not found")
    return found


@router.post(
    "/suites/{suite_id}/proposals", status_code=status.HTTP_201_CREATED, response_model=SuitePublic
)
def request_proposal(suite_id: UUID, ctx: Command) -> SuiteSummary:
    """Propose the current order for review (for example after a rejection)."""
    return _written(ctx, ctx.runtime.testgen.request_proposal(_suite_command(ctx, suite_id)))


def _review(
    ctx: CommandContext,
    suite_id: UUID,
    number: int,
    notes: str,
    action: str,
    order: list[UUID] | None,
) -> SuiteSummary:
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


@router.post("/suites/{suite_id}/proposals/{number}/approve", response_model=SuitePublic)
def approve(suite_id: UUID, number: int, body: ReviewNotes, ctx: Command) -> SuiteSummary:
    """Approve a proposal as it is: its order becomes each case's OrderIndex."""
    return _review(ctx, suite_id, number, body.notes, "approve", None)


@router.post("/suites/{suite_id}/proposals/{number}/modify", response_model=SuitePublic)
def modify(suite_id: UUID, number: int, body: ReviewModify, ctx: Command) -> SuiteSummary:
    """Approve with your own order: kept as each case's CustomOrderIndex."""
    return _review(ctx, suite_id, number, body.notes, "modify", body.order)


@router.post("/suites/{suite_id}/proposals/{number}/reject", response_model=SuitePublic)
def reject(suite_id: UUID, number: int, body: ReviewNotes, ctx: Command) -> SuiteSummary:
    """Reject a proposal; request a new one with POST /suites/{id}/proposals."""
    return _review(ctx, suite_id, number, body.notes, "reject", None)


@router.get("/suites/{suite_id}/history", response_model=list[HistoryEntryPublic])
def suite_history(
    suite_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> list[HistoryEntryPublic]:
    """Every event of the suite, oldest first, for auditors."""
    runtime.testgen.suite(suite_id, user.user_id)
    return [HistoryEntryPublic(**entry.__dict__) for entry in runtime.testgen.history(suite_id)]


@router.get(
    "/suites/{suite_id}/versions", response_model=list[SuiteVersionPublic], dependencies=[_read]
)
def suite_versions(
    suite_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> list[SuiteVersionEntry]:
    """testgen.test_suite_versions: one row per suite event, with previous and new state."""
    found = runtime.suites.versions(suite_id, owner_id=user.user_id)
    if found is None:
        raise NotFoundError("suite not found")
    return found


@router.get("/suites/{suite_id}/diff", response_model=DiffPublic)
def suite_diff(
    suite_id: UUID, versions: Versions, user: CurrentUser, runtime: RuntimeDep
) -> DiffPublic:
    """What differs between two versions of a suite."""
    before = suite_state(runtime.testgen.suite(suite_id, user.user_id, versions.first))
    after = suite_state(runtime.testgen.suite(suite_id, user.user_id, versions.last))
    return DiffPublic.model_validate(
        {"from": versions.first, "to": versions.last, "changes": state_diff(before, after)}
    )
