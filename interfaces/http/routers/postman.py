"""Postman: import a collection as a suite, export a suite as a collection."""

from dataclasses import asdict
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, status

from interfaces.http.dependencies import Command, CurrentUser, MetaDep, RuntimeDep
from interfaces.http.schemas.postman import (
    ImportReportPublic,
    PostmanImportCreate,
    PostmanImportPublic,
)
from interfaces.http.schemas.suite_documents import SuiteExportPublic

router = APIRouter(tags=["postman"])


@router.post(
    "/projects/{project_id}/imports/postman",
    status_code=status.HTTP_201_CREATED,
    response_model=PostmanImportPublic,
)
def import_collection(
    project_id: UUID, body: PostmanImportCreate, ctx: Command
) -> PostmanImportPublic:
    """Import a collection: a suite written by hand, one case per request in collection order
    (waiting for review), an environment with its variables (secrets sealed), and a report
    of what was and was not translated."""
    done = ctx.runtime.postman.import_collection(
        project_id=project_id,
        requester_id=ctx.user_id,
        meta=ctx.meta,
        collection=body.collection,
        environment=body.environment,
        globals_=body.globals,
        name=body.name,
    )
    ctx.wrote(log=done.suite.log, position=done.suite.position, version=done.suite.version)
    ctx.response.headers["Location"] = f"/suites/{done.suite.aggregate_id}"
    return PostmanImportPublic(
        suite_id=done.suite.aggregate_id,
        environment_id=done.environment_id,
        spec_id=done.spec_id,
        report=ImportReportPublic.model_validate(asdict(done.report)),
    )


@router.get("/suites/{suite_id}/export", response_model=SuiteExportPublic)
def export_suite(
    suite_id: UUID,
    user: CurrentUser,
    meta: MetaDep,
    runtime: RuntimeDep,
    format: Annotated[
        Literal["postman", "testament"],
        Query(
            description="postman: a collection v2.1 (enabled cases); testament: the suite as "
            "one document (every case, its order, variables, data sets), for "
            "POST /projects/{id}/suites/import"
        ),
    ] = "postman",
) -> dict[str, Any]:
    """A suite as a Postman collection v2.1, its checks as tests, in its run order; or, with
    format=testament, as a suite document that imports back as the same suite."""
    exported = (
        runtime.testgen.export_document(suite_id, user.user_id)
        if format == "testament"
        else runtime.postman.export_suite(suite_id, user.user_id)
    )
    # Recorded once the caller is known to own the suite (the export raised otherwise).
    runtime.testgen.record_read(f"suite.export.{format}", suite_id, meta)
    return exported
