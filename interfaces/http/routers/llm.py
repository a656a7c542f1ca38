"""LLM assistance: its status, the caller's recorded calls, failure explanations."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from application.testexec.reading import ResultsExpiredError
from interfaces.http.dependencies import CurrentUser, RuntimeDep
from interfaces.http.errors import ProblemError
from interfaces.http.schemas.llm import (
    ExplanationQueuedPublic,
    LlmInteractionPublic,
    LlmStatusPublic,
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
