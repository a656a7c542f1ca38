"""LLM assistance: its status, the caller's recorded calls, failure explanations."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, status

from application.testexec.reading import ResultsExpiredError
from domain.llm.documentation import DocumentFormat
from domain.llm.suggestions import Decision
from interfaces.http.dependencies import Command, CurrentUser, RuntimeDep
from interfaces.http.errors import ProblemError
from interfaces.http.manual_endpoints import to_parsed_endpoint
from interfaces.http.schemas.llm import (
    AiOrderRequestPublic,
    DocumentationAccept,
    DocumentationCreate,
    DocumentationDraftPublic,
    DocumentationDraftUpdate,
    ExplanationQueuedPublic,
    LlmInteractionPublic,
    LlmStatusPublic,
    SuggestionListPublic,
    SuggestionReview,
    SuggestionsCommit,
    SuggestionsCreate,
)
from interfaces.http.schemas.testexec import RunPublic

router = APIRouter(tags=["llm"])


@contextmanager
def _hot() -> Iterator[None]:
    try:
        yield
    except ResultsExpiredError as expired:
        raise ProblemError(
            410,
            "results-expired",
            "Results expired",
            expired.message,
            summary=RunPublic.of(expired.summary).model_dump(mode="json"),
        ) from None


@router.get("/llm", response_model=LlmStatusPublic)
def llm_status(user: CurrentUser, runtime: RuntimeDep) -> LlmStatusPublic:
    llm = runtime.llm
    return LlmStatusPublic(
        configured=llm.configured, model=llm.provider.model if llm.configured else None
    )


@router.get("/llm/interactions", response_model=list[LlmInteractionPublic])
def llm_interactions(
    user: CurrentUser,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[LlmInteractionPublic]:
    found = runtime.llm_reader.interactions(user.user_id, limit=limit, offset=offset)
    return [LlmInteractionPublic.of(item) for item in found]


@router.post(
    "/runs/{run_id}/results/{case_id}/explanation",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ExplanationQueuedPublic,
)
def explain_failure(
    run_id: UUID, case_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> ExplanationQueuedPublic:
    with _hot():
        runtime.explanations.request(user_id=user.user_id, run_id=run_id, case_id=case_id)
    return ExplanationQueuedPublic(
        run_id=run_id, case_id=case_id, result_url=f"/runs/{run_id}/results/{case_id}"
    )


@router.post(
    "/projects/{project_id}/suggestions",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SuggestionListPublic,
)
def request_suggestions(
    project_id: UUID, body: SuggestionsCreate, ctx: Command
) -> SuggestionListPublic:
    """Ask the model for scenarios for chosen endpoints; a worker fills the list."""
    written = ctx.runtime.suggestions.request(
        owner_id=ctx.user_id, project_id=project_id, endpoint_keys=body.endpoints, meta=ctx.meta
    )
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    ctx.response.headers["Location"] = f"/suggestions/{written.aggregate_id}"
    return SuggestionListPublic.of(written.aggregate)


@router.get("/suggestions/{list_id}", response_model=SuggestionListPublic)
def suggestion_list(list_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> SuggestionListPublic:
    return SuggestionListPublic.of(runtime.suggestions.suggestions(list_id, user.user_id))


@router.post("/suggestions/{list_id}/items/{index}", response_model=SuggestionListPublic)
def review_suggestion(
    list_id: UUID,
    index: Annotated[int, Path(ge=0, le=1000)],
    body: SuggestionReview,
    ctx: Command,
) -> SuggestionListPublic:
    """Accept (as proposed or edited) or reject one suggestion."""
    case = body.case.model_dump(exclude={"depends_on"}, mode="json") if body.case else None
    written = ctx.runtime.suggestions.review(
        list_id=list_id,
        owner_id=ctx.user_id,
        index=index,
        decision=Decision.ACCEPTED if body.decision == "accept" else Decision.REJECTED,
        case=case,
        meta=ctx.meta,
    )
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    return SuggestionListPublic.of(written.aggregate)


@router.post(
    "/suggestions/{list_id}/suite",
    status_code=status.HTTP_201_CREATED,
    response_model=SuggestionListPublic,
)
def commit_suggestions(
    list_id: UUID, body: SuggestionsCommit, ctx: Command
) -> SuggestionListPublic:
    """Make the accepted suggestions an LLMAssisted suite, waiting for review."""
    suite_id, position = ctx.runtime.suggestions.commit(
        list_id=list_id, owner_id=ctx.user_id, name=body.name, meta=ctx.meta
    )
    ctx.wrote(log="testgen", position=position, version=1)
    ctx.response.headers["Location"] = f"/suites/{suite_id}"
    return SuggestionListPublic.of(ctx.runtime.suggestions.suggestions(list_id, ctx.user_id))


@router.post(
    "/suites/{suite_id}/proposals/ai",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=AiOrderRequestPublic,
)
def request_ai_order(suite_id: UUID, ctx: Command) -> AiOrderRequestPublic:
    """Ask the model for the suite's execution order; a worker submits it for review."""
    written = ctx.runtime.ai_orders.request(owner_id=ctx.user_id, suite_id=suite_id, meta=ctx.meta)
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    ctx.response.headers["Location"] = f"/ai-order-proposals/{written.aggregate_id}"
    return AiOrderRequestPublic.of(written.aggregate)


@router.get("/ai-order-proposals/{request_id}", response_model=AiOrderRequestPublic)
def ai_order_request(
    request_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> AiOrderRequestPublic:
    return AiOrderRequestPublic.of(runtime.ai_orders.order_request(request_id, user.user_id))


@router.post(
    "/projects/{project_id}/documentation",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DocumentationDraftPublic,
)
def parse_documentation(
    project_id: UUID, body: DocumentationCreate, ctx: Command
) -> DocumentationDraftPublic:
    """Have the model read API documentation into a draft specification; a worker fills it."""
    written = ctx.runtime.documentation.request(
        owner_id=ctx.user_id,
        project_id=project_id,
        name=body.name,
        document_format=DocumentFormat(body.format),
        document=body.content,
        meta=ctx.meta,
    )
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    ctx.response.headers["Location"] = f"/documentation-drafts/{written.aggregate_id}"
    return DocumentationDraftPublic.of(written.aggregate)


@router.get("/documentation-drafts/{draft_id}", response_model=DocumentationDraftPublic)
def documentation_draft(
    draft_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> DocumentationDraftPublic:
    return DocumentationDraftPublic.of(runtime.documentation.draft(draft_id, user.user_id))


@router.put("/documentation-drafts/{draft_id}", response_model=DocumentationDraftPublic)
def edit_documentation_draft(
    draft_id: UUID, body: DocumentationDraftUpdate, ctx: Command
) -> DocumentationDraftPublic:
    """Replace the draft's endpoints with your own (each checked as a typed-in endpoint)."""
    endpoints = []
    for endpoint in body.endpoints:
        to_parsed_endpoint(endpoint)  # a refusal names the field, as for a typed-in one
        endpoints.append(endpoint.model_dump(by_alias=True, mode="json"))
    written = ctx.runtime.documentation.edit(
        draft_id=draft_id, owner_id=ctx.user_id, endpoints=endpoints, meta=ctx.meta
    )
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    return DocumentationDraftPublic.of(written.aggregate)


@router.post(
    "/documentation-drafts/{draft_id}/accept",
    status_code=status.HTTP_201_CREATED,
    response_model=DocumentationDraftPublic,
)
def accept_documentation_draft(
    draft_id: UUID, body: DocumentationAccept, ctx: Command
) -> DocumentationDraftPublic:
    """Make the draft a Manual specification of its project (activate it as any other)."""
    spec_id, position = ctx.runtime.documentation.accept(
        draft_id=draft_id, owner_id=ctx.user_id, name=body.name, meta=ctx.meta
    )
    found = ctx.runtime.documentation.draft(draft_id, ctx.user_id)
    ctx.wrote(log="apidoc", position=position, version=1)
    ctx.response.headers["Location"] = f"/projects/{found.project_id}/specs/{spec_id}"
    return DocumentationDraftPublic.of(found)


@router.post("/documentation-drafts/{draft_id}/reject", response_model=DocumentationDraftPublic)
def reject_documentation_draft(draft_id: UUID, ctx: Command) -> DocumentationDraftPublic:
    """Drop the draft: nothing becomes a specification."""
    written = ctx.runtime.documentation.reject(
        draft_id=draft_id, owner_id=ctx.user_id, meta=ctx.meta
    )
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    return DocumentationDraftPublic.of(written.aggregate)
