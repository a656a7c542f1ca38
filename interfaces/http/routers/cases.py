"""Test cases: add, edit any field, enable/disable, delete, duplicate, depend, history."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status

from application.shared.base import Written
from application.testgen.app import state_diff
from application.testgen.batch import BatchItem, WriteCases
from application.testgen.commands import (
    AddDataSet,
    AddTestCase,
    CaseCommand,
    EditTestCase,
    SetCaseEnabled,
    SetDependencies,
)
from application.testgen.queries import CASE_READ_ONLY, CaseChange, CaseDetail, case_detail
from domain.shared.errors import NotFoundError
from interfaces.http.dependencies import (
    Command,
    CommandContext,
    CurrentUser,
    ReadPosition,
    RuntimeDep,
    Versions,
)
from interfaces.http.schemas.cases import (
    CASE_WRITABLE,
    CaseBatch,
    CaseBatchPublic,
    CaseCreate,
    CasePublic,
    CaseUpdate,
    DataSetCreate,
    DependenciesUpdate,
)
from interfaces.http.schemas.projects import HistoryEntryPublic
from interfaces.http.schemas.testgen import CaseChangePublic, DiffPublic

router = APIRouter(tags=["test cases"])
_read = Depends(ReadPosition("testgen"))


def _written(ctx: CommandContext, written: Written) -> CaseDetail:
    # The command's own case, as saved: no need to load it again.
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    return case_detail(written.aggregate)


@router.post(
    "/suites/{suite_id}/cases", status_code=status.HTTP_201_CREATED, response_model=CasePublic
)
def add_case(suite_id: UUID, body: CaseCreate, ctx: Command) -> CaseDetail:
    """Add a case at the end of the suite (If-Match is the suite's version)."""
    fields = body.model_dump(exclude={"depends_on"}, mode="json")
    written = ctx.runtime.testgen.add_test_case(
        AddTestCase(
            suite_id=suite_id,
            requester_id=ctx.user_id,
            fields=fields,
            meta=ctx.meta,
            depends_on=body.depends_on,
            expected_version=ctx.expected,
        )
    )
    ctx.response.headers["Location"] = f"/cases/{written.aggregate_id}"
    return _written(ctx, written)


@router.post(
    "/suites/{suite_id}/cases:batch",
    response_model=CaseBatchPublic,
    responses={413: {"description": "The body is over TESTAMENT_MAX_UPLOAD_BYTES"}},
)
def write_cases(suite_id: UUID, body: CaseBatch, ctx: Command) -> CaseBatchPublic:
    """Add up to 5,000 cases at the end of the suite, or replace cases of it (items with an
    `id`), in one transaction: all of them or none. A refused item is a 422 naming it
    (`cases.<index>.<field>`); more than 5,000 items is a 422 on `cases`. If-Match is the
    suite's version."""
    done = ctx.runtime.testgen.write_cases(
        WriteCases(
            suite_id=suite_id,
            requester_id=ctx.user_id,
            items=[
                BatchItem(
                    fields=item.model_dump(exclude={"depends_on", "id"}, mode="json"),
                    depends_on=item.depends_on,
                    case_id=item.id,
                )
                for item in body.cases
            ],
            meta=ctx.meta,
            expected_version=ctx.expected,
        )
    )
    written = done.written
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    return CaseBatchPublic(
        suite_id=suite_id,
        version=written.version,
        created=done.created,
        replaced=done.replaced,
        case_ids=done.case_ids,
    )


@router.get("/cases/{case_id}", response_model=CasePublic, dependencies=[_read])
def get_case(
    case_id: UUID,
    user: CurrentUser,
    runtime: RuntimeDep,
    response: Response,
    version: Annotated[int | None, Query(ge=1)] = None,
    at: Annotated[datetime | None, Query(description="State as of this moment (ISO 8601)")] = None,
) -> CaseDetail:
    """A case from the read tables, or replayed as of a version or a moment."""
    if version is not None or at is not None:
        runtime.testgen.case(case_id, user.user_id)
        wanted = version if version is not None else runtime.testgen.version_at(case_id, at)  # type: ignore[arg-type]
        past = runtime.testgen.case(case_id, user.user_id, wanted)
        response.headers["ETag"] = f'"{past.version}"'
        return case_detail(past)
    found = runtime.suites.case(case_id, owner_id=user.user_id)
    if found is None:
        raise NotFoundError("test case not found")
    response.headers["ETag"] = f'"{found.version}"'
    return found


@router.patch("/cases/{case_id}", response_model=CasePublic)
def edit_case(case_id: UUID, body: CaseUpdate, ctx: Command) -> CaseDetail:
    """Change any fields; send X-Change-Reason to record why. An approved suite goes back to
    review. What GET /cases/{id} answered can be sent back as it is: it changes nothing."""
    sent = body.model_dump(exclude_unset=True, mode="json")
    written = ctx.runtime.testgen.edit_test_case(
        EditTestCase(
            case_id=case_id,
            requester_id=ctx.user_id,
            values={k: v for k, v in sent.items() if k in CASE_WRITABLE},
            meta=ctx.meta,
            expected_version=ctx.expected if ctx.expected is not None else body.version,
            unchanged={k: v for k, v in sent.items() if k in CASE_READ_ONLY},
        )
    )
    return _written(ctx, written)


def _toggle(ctx: CommandContext, case_id: UUID, enabled: bool) -> CaseDetail:
    written = ctx.runtime.testgen.set_case_enabled(
        SetCaseEnabled(
            case_id=case_id,
            requester_id=ctx.user_id,
            meta=ctx.meta,
            expected_version=ctx.expected,
            enabled=enabled,
        )
    )
    return _written(ctx, written)


@router.post("/cases/{case_id}/enable", response_model=CasePublic)
def enable(case_id: UUID, ctx: Command) -> CaseDetail:
    return _toggle(ctx, case_id, True)


@router.post("/cases/{case_id}/disable", response_model=CasePublic)
def disable(case_id: UUID, ctx: Command) -> CaseDetail:
    return _toggle(ctx, case_id, False)


@router.delete("/cases/{case_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_case(case_id: UUID, ctx: Command) -> None:
    """Delete a case (refused while another case depends on it)."""
    written = ctx.runtime.testgen.delete_test_case(
        CaseCommand(
            case_id=case_id, requester_id=ctx.user_id, meta=ctx.meta, expected_version=ctx.expected
        )
    )
    ctx.wrote(log=written.log, position=written.position, version=written.version)


@router.post(
    "/cases/{case_id}/duplicate", status_code=status.HTTP_201_CREATED, response_model=CasePublic
)
def duplicate(case_id: UUID, ctx: Command) -> CaseDetail:
    written = ctx.runtime.testgen.duplicate_test_case(
        CaseCommand(case_id=case_id, requester_id=ctx.user_id, meta=ctx.meta)
    )
    ctx.response.headers["Location"] = f"/cases/{written.aggregate_id}"
    return _written(ctx, written)


@router.put("/cases/{case_id}/dependencies", response_model=CasePublic)
def set_dependencies(case_id: UUID, body: DependenciesUpdate, ctx: Command) -> CaseDetail:
    """Make the case depend on others of its suite (no cycles, no other suites)."""
    written = ctx.runtime.testgen.set_dependencies(
        SetDependencies(
            case_id=case_id,
            requester_id=ctx.user_id,
            meta=ctx.meta,
            expected_version=ctx.expected,
            depends_on=body.depends_on,
        )
    )
    return _written(ctx, written)


@router.post(
    "/cases/{case_id}/data-sets", status_code=status.HTTP_201_CREATED, response_model=CasePublic
)
def add_data_set(case_id: UUID, body: DataSetCreate, ctx: Command) -> CaseDetail:
    written = ctx.runtime.testgen.add_data_set(
        AddDataSet(
            case_id=case_id,
            requester_id=ctx.user_id,
            meta=ctx.meta,
            expected_version=ctx.expected,
            data_set=body.model_dump(mode="json"),
        )
    )
    return _written(ctx, written)


@router.get("/cases/{case_id}/history", response_model=list[HistoryEntryPublic])
def case_history(case_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> list[HistoryEntryPublic]:
    """Every event of the case, oldest first, for auditors."""
    runtime.testgen.case(case_id, user.user_id)
    return [HistoryEntryPublic(**entry.__dict__) for entry in runtime.testgen.history(case_id)]


@router.get("/cases/{case_id}/changes", response_model=list[CaseChangePublic], dependencies=[_read])
def case_changes(case_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> list[CaseChange]:
    """testgen.test_case_change_logs: one row per changed field per event."""
    found = runtime.suites.changes(case_id, owner_id=user.user_id)
    if found is None:
        raise NotFoundError("test case not found")
    return found


@router.get("/cases/{case_id}/diff", response_model=DiffPublic)
def case_diff(
    case_id: UUID, versions: Versions, user: CurrentUser, runtime: RuntimeDep
) -> DiffPublic:
    """What differs between two versions of a case."""
    before = runtime.testgen.case(case_id, user.user_id, versions.first).snapshot_fields()
    after = runtime.testgen.case(case_id, user.user_id, versions.last).snapshot_fields()
    return DiffPublic.model_validate(
        {"from": versions.first, "to": versions.last, "changes": state_diff(before, after)}
    )
