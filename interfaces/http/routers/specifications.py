"""Specifications: upload a file, paste text, fetch a URL, type endpoints in; read, compare."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile, status

from application.apidoc.commands import (
    ActivateSpecification,
    AddManualEndpoint,
    CreateManualSpecification,
    RemoveManualEndpoint,
)
from application.apidoc.intake import (
    EmptyDocumentError,
    FetchSpecification,
    ReceiveSpecification,
)
from application.apidoc.ports import FetchRefusedError, SourceFile, UnresolvedReferencesError
from application.apidoc.queries import EndpointFilter, EndpointSummary, SpecificationSummary
from application.shared.base import Written
from domain.shared.errors import NotFoundError
from domain.specifications.parsed import SourceType
from interfaces.http.dependencies import (
    Command,
    CommandContext,
    CurrentUser,
    ReadPosition,
    RuntimeDep,
)
from interfaces.http.errors import ProblemError
from interfaces.http.manual_endpoints import to_parsed_endpoint
from interfaces.http.schemas.projects import HistoryEntryPublic
from interfaces.http.schemas.specifications import (
    EndpointDetailPublic,
    EndpointPublic,
    EndpointsPublic,
    ManualEndpointCreate,
    ManualSpecificationCreate,
    SpecificationDiffPublic,
    SpecificationPublic,
    SpecificationText,
    SpecificationUrl,
)
from interfaces.http.security_headers import download_headers

router = APIRouter(prefix="/projects/{project_id}/specs", tags=["specifications"])
_read_specs = Depends(ReadPosition("specifications"))


def _too_large(limit: int) -> ProblemError:
    return ProblemError(
        413, "too-large", "Payload too large", f"the document is larger than {limit} bytes"
    )


@contextmanager
def _intake_problems() -> Iterator[None]:
    """This function will answer the intake's refusals with the problem types they have
    always had."""
    try:
        yield
    except EmptyDocumentError as error:
        raise ProblemError(
            422,
            "empty-document",
            "Empty document",
            error.message,
            errors=[{"field": "file", "location": ["body"], "message": error.message}],
        ) from None
    except FetchRefusedError as error:
        raise ProblemError(
            422,
            "fetch-refused",
            "Cannot fetch the URL",
            error.message,
            errors=[{"field": "url", "location": ["body"], "message": error.message}],
        ) from None
    except UnresolvedReferencesError as error:
        raise ProblemError(
            422,
            "unresolved-references",
            "The specification's files cannot be put together",
            "; ".join(error.problems)[:2000],
            errors=[
                {"field": error.field, "location": ["body"], "message": problem[:500]}
                for problem in error.problems[:50]
            ],
        ) from None


def _after_write(ctx: CommandContext, project_id: UUID, written: Written) -> SpecificationPublic:
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    ctx.response.headers["Location"] = f"/projects/{project_id}/specs/{written.aggregate_id}"
    state = ctx.runtime.apidoc.specification_state(project_id, written.aggregate_id, ctx.user_id)
    return SpecificationPublic(
        id=state.id,
        project_id=state.project_id,
        name=state.name,
        source_type=state.source_type,
        api_version=state.api_version,
        title=state.title,
        parse_status=state.status,
        parse_errors=state.issues or None,
        is_active=state.is_active,
        original_file_id=state.original_file_id,
        endpoint_count=state.endpoint_count,
        servers=state.servers,
        version=state.version,
        created_at=state.created_at,
        updated_at=state.updated_at,
    )


def _receive(
    ctx: CommandContext,
    project_id: UUID,
    source: SourceFile,
    *,
    name: str | None,
    format_hint: SourceType | None,
    entry: str | None = None,
) -> SpecificationPublic:
    with _intake_problems():
        written = ctx.runtime.intake.receive(
            ReceiveSpecification(
                project_id=project_id,
                requester_id=ctx.user_id,
                meta=ctx.meta,
                source=source,
                name=name,
                format_hint=format_hint,
                entry=entry,
            )
        )
    return _after_write(ctx, project_id, written)


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=SpecificationPublic)
def upload_file(
    project_id: UUID,
    ctx: Command,
    file: Annotated[
        UploadFile, File(description="OpenAPI 3.x / Swagger 2.0 (JSON or YAML), Postman, HAR, cURL")
    ],
    name: Annotated[str | None, Form(max_length=200)] = None,
    format: Annotated[SourceType | None, Form(description="Override the detected format")] = None,
    entry: Annotated[
        str | None,
        Form(
            max_length=1000,
            description="For a zip or tar.gz of a specification's folder: its entry file",
        ),
    ] = None,
) -> SpecificationPublic:
    """Upload a description as a file, or a specification split across files as a zip or
    tar.gz archive of its folder (its entry file named in `entry`, bundled into one
    document). It is parsed in the background: poll its parse_status."""
    limit = ctx.runtime.settings.max_upload_bytes
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise _too_large(limit)
    source = SourceFile(
        content=content,
        file_name=file.filename or "upload",
        content_type=file.content_type or "",
    )
    return _receive(ctx, project_id, source, name=name, format_hint=format, entry=entry)


@router.post("/text", status_code=status.HTTP_202_ACCEPTED, response_model=SpecificationPublic)
def paste_text(
    project_id: UUID,
    body: SpecificationText,
    ctx: Command,
) -> SpecificationPublic:
    """Paste a description as text (for example one or more cURL commands)."""
    content = body.content.encode()
    if len(content) > ctx.runtime.settings.max_upload_bytes:
        raise _too_large(ctx.runtime.settings.max_upload_bytes)
    source = SourceFile(content=content, file_name="pasted.txt", content_type="text/plain")
    name = body.name or "Pasted description"
    return _receive(ctx, project_id, source, name=name, format_hint=body.format)


@router.post("/url", status_code=status.HTTP_202_ACCEPTED, response_model=SpecificationPublic)
def fetch_url(
    project_id: UUID,
    body: SpecificationUrl,
    ctx: Command,
) -> SpecificationPublic:
    """Fetch a description from a URL, under the outbound policy (no link-local or metadata
    addresses; private ranges only when the deployment allows them)."""
    with _intake_problems():
        written = ctx.runtime.intake.fetch(
            FetchSpecification(
                project_id=project_id,
                requester_id=ctx.user_id,
                meta=ctx.meta,
                url=body.url,
                name=body.name,
                format_hint=body.format,
            )
        )
    return _after_write(ctx, project_id, written)


@router.post("/manual", status_code=status.HTTP_201_CREATED, response_model=SpecificationPublic)
def create_manual(
    project_id: UUID,
    body: ManualSpecificationCreate,
    ctx: Command,
) -> SpecificationPublic:
    """Start a specification whose endpoints you type in by hand."""
    written = ctx.runtime.apidoc.create_manual_specification(
        CreateManualSpecification(
            project_id=project_id, requester_id=ctx.user_id, name=body.name, meta=ctx.meta
        )
    )
    return _after_write(ctx, project_id, written)


@router.post(
    "/{spec_id}/endpoints", status_code=status.HTTP_201_CREATED, response_model=SpecificationPublic
)
def add_endpoint(
    project_id: UUID,
    spec_id: UUID,
    body: ManualEndpointCreate,
    ctx: Command,
) -> SpecificationPublic:
    """Add an endpoint by hand to a Manual specification."""
    written = ctx.runtime.apidoc.add_manual_endpoint(
        AddManualEndpoint(
            project_id=project_id,
            spec_id=spec_id,
            requester_id=ctx.user_id,
            endpoint=to_parsed_endpoint(body),
            meta=ctx.meta,
            expected_version=ctx.expected,
        )
    )
    return _after_write(ctx, project_id, written)


@router.delete("/{spec_id}/endpoints", response_model=SpecificationPublic)
def remove_endpoint(
    project_id: UUID,
    spec_id: UUID,
    method: Annotated[str, Query(min_length=3, max_length=7)],
    path: Annotated[str, Query(min_length=1, max_length=500)],
    ctx: Command,
) -> SpecificationPublic:
    """Remove a hand-typed endpoint from a Manual specification."""
    written = ctx.runtime.apidoc.remove_manual_endpoint(
        RemoveManualEndpoint(
            project_id=project_id,
            spec_id=spec_id,
            requester_id=ctx.user_id,
            method=method,
            path=path,
            meta=ctx.meta,
            expected_version=ctx.expected,
        )
    )
    return _after_write(ctx, project_id, written)


@router.post("/{spec_id}/activate", response_model=SpecificationPublic)
def activate(
    project_id: UUID,
    spec_id: UUID,
    ctx: Command,
) -> SpecificationPublic:
    """Make a parsed specification the one the project is tested against (If-Match: its ETag,
    optional)."""
    written = ctx.runtime.apidoc.activate_specification(
        ActivateSpecification(
            project_id=project_id,
            spec_id=spec_id,
            requester_id=ctx.user_id,
            meta=ctx.meta,
            expected_version=ctx.expected,
        )
    )
    return _after_write(ctx, project_id, written)


@router.get("", response_model=list[SpecificationPublic], dependencies=[_read_specs])
def list_specifications(
    project_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> list[SpecificationPublic]:
    """Every specification of the project, newest first, with its parse status."""
    runtime.apidoc.owned_project(project_id, user.user_id)
    return [_summary(s) for s in runtime.specifications.list_specifications(project_id)]


def _summary(s: SpecificationSummary) -> SpecificationPublic:
    return SpecificationPublic.model_validate(s, from_attributes=True)


# Only a UUID: /specs/manual, /text and /url are routes of their own, which a GET must find
# (405, naming POST), not this one (a 422 about a spec_id that was never one).
@router.get("/{spec_id:uuid}", response_model=SpecificationPublic, dependencies=[_read_specs])
def get_specification(
    project_id: UUID, spec_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> SpecificationPublic:
    """One specification: parse status, parse errors (location and message), counts."""
    runtime.apidoc.owned_project(project_id, user.user_id)
    found = runtime.specifications.get_specification(project_id, spec_id)
    if found is None:
        raise NotFoundError("specification not found")
    return _summary(found)


@router.get("/{spec_id}/history", response_model=list[HistoryEntryPublic])
def specification_history(
    project_id: UUID, spec_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> list[HistoryEntryPublic]:
    """Every event of the specification (the parsed model itself is left out)."""
    entries = runtime.apidoc.specification_history(project_id, spec_id, user.user_id)
    return [
        HistoryEntryPublic(
            **{
                **entry.__dict__,
                "payload": {k: v for k, v in entry.payload.items() if k != "specification"},
            }
        )
        for entry in entries
    ]


def _endpoint(e: EndpointSummary) -> EndpointPublic:
    return EndpointPublic(**e.__dict__)


@router.get("/{spec_id}/endpoints", response_model=EndpointsPublic, dependencies=[_read_specs])
def list_endpoints(
    project_id: UUID,
    spec_id: UUID,
    user: CurrentUser,
    runtime: RuntimeDep,
    tag: Annotated[str | None, Query(max_length=200)] = None,
    method: Annotated[str | None, Query(max_length=7)] = None,
    path: Annotated[str | None, Query(max_length=500, description="Part of the path")] = None,
    deprecated: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> EndpointsPublic:
    """The endpoints read from a specification, filtered by tag, method, path and deprecation."""
    runtime.apidoc.owned_project(project_id, user.user_id)
    if runtime.specifications.get_specification(project_id, spec_id) is None:
        raise NotFoundError("specification not found")
    where = EndpointFilter(
        tag=tag,
        method=method,
        path_contains=path,
        deprecated=deprecated,
        limit=limit,
        offset=offset,
    )
    items, total = runtime.specifications.list_endpoints(spec_id, where)
    return EndpointsPublic(
        items=[_endpoint(e) for e in items], total=total, limit=limit, offset=offset
    )


@router.get(
    "/{spec_id}/endpoints/{endpoint_id}",
    response_model=EndpointDetailPublic,
    dependencies=[_read_specs],
)
def get_endpoint(
    project_id: UUID, spec_id: UUID, endpoint_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> EndpointDetailPublic:
    """One endpoint with its parameters, responses and security requirements."""
    runtime.apidoc.owned_project(project_id, user.user_id)
    if runtime.specifications.get_specification(project_id, spec_id) is None:
        raise NotFoundError("specification not found")
    detail = runtime.specifications.get_endpoint(spec_id, endpoint_id)
    if detail is None:
        raise NotFoundError("endpoint not found")
    return EndpointDetailPublic(
        **detail.endpoint.__dict__,
        parameters=detail.parameters,
        responses=detail.responses,
        security=detail.security,
    )


@router.get("/{base_id}/diff/{target_id}", response_model=SpecificationDiffPublic)
def diff(
    project_id: UUID, base_id: UUID, target_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> SpecificationDiffPublic:
    """Endpoints added, removed and changed (parameters, bodies, responses, security) from base to target."""
    result = runtime.apidoc.diff_specifications(project_id, base_id, target_id, user.user_id)
    return SpecificationDiffPublic(
        base=base_id,
        target=target_id,
        added=result.added,
        removed=result.removed,
        changed=[{"key": c.key, "changes": c.changes} for c in result.changed],  # type: ignore[misc]
        unchanged=result.unchanged,
    )


@router.get("/{spec_id}/file")
def download_original(
    project_id: UUID, spec_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> Response:
    """The original uploaded file, byte for byte."""
    state = runtime.apidoc.specification_state(project_id, spec_id, user.user_id)
    if state.original_file_id is None:
        raise NotFoundError("this specification was typed in by hand; it has no file")
    stored = runtime.storage.file(state.original_file_id, user.user_id, include_deleted=True)
    content = runtime.storage.content_for_system(state.original_file_id)
    return Response(
        content,
        media_type=stored.content_type or "application/octet-stream",
        headers=download_headers(stored.file_name, stored.sha256),
    )
