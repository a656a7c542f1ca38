"""What the LLM routes answer."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from application.llm.documentation import MAX_DOCUMENT_CHARS, MAX_ENDPOINTS
from application.llm.queries import InteractionSummary
from domain.llm.documentation import DocumentationDraft
from domain.llm.model import InteractionType
from domain.llm.order_proposals import AiOrderRequest
from domain.llm.suggestions import SuggestionList
from interfaces.http.schemas.cases import CaseCreate
from interfaces.http.schemas.specifications import ManualEndpointCreate


class LlmStatusPublic(BaseModel):
    """Whether LLM assistance is on for this deployment, and with which model."""

    configured: bool
    model: str | None


class LlmInteractionPublic(BaseModel):
    """One call to the model: what was sent (secrets masked), what came back, its cost."""

    id: UUID
    interaction_type: Literal[
        "ScenarioSuggestion", "FailureExplanation", "DocumentationParsing", "OrderProposal"
    ]
    input_context: str
    llm_response: str
    model_used: str
    tokens_used: int
    latency_ms: int
    outcome: Literal["Answered", "Invalid", "Failed"] = Field(
        description="Answered: schema-valid; Invalid: refused by the schema; Failed: no answer"
    )
    error: str
    created_at: datetime

    @classmethod
    def of(cls, found: InteractionSummary) -> "LlmInteractionPublic":
        kind = InteractionType(found.interaction_type).name.title().replace("_", "")
        return cls(
            id=found.id,
            interaction_type=kind,  # type: ignore[arg-type]
            input_context=found.input_context,
            llm_response=found.llm_response,
            model_used=found.model_used,
            tokens_used=found.tokens_used,
            latency_ms=found.latency_ms,
            outcome=found.outcome,  # type: ignore[arg-type]
            error=found.error,
            created_at=found.created_at,
        )


class ExplanationQueuedPublic(BaseModel):
    """An explanation on its way: it appears as llmExplanation of the case's result."""

    run_id: UUID
    case_id: UUID
    status: Literal["Queued"] = "Queued"
    result_url: str


class SuggestionsCreate(BaseModel):
    """Endpoints of the project's active specification to suggest scenarios for."""

    model_config = ConfigDict(extra="forbid")
    endpoints: list[Annotated[str, Field(min_length=3, max_length=600)]] = Field(
        min_length=1, max_length=10, description='"METHOD /path" keys, as in generation'
    )


class SuggestionReview(BaseModel):
    """Accept (as proposed, or with `case` edited) or reject one suggestion."""

    model_config = ConfigDict(extra="forbid")
    decision: Literal["accept", "reject"]
    case: CaseCreate | None = Field(default=None, description="The edited case, with accept")


class SuggestionsCommit(BaseModel):
    """Make the accepted suggestions a suite (GenerationType LLMAssisted)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)


class SuggestionPublic(BaseModel):
    index: int
    case: dict[str, Any] = Field(description="The fields of the case it becomes")
    rationale: str
    decision: Literal["Pending", "Accepted", "Rejected"]
    edited: bool


class SuggestionListPublic(BaseModel):
    """Suggestions of a model for some endpoints, and what the reviewer decided of each."""

    id: UUID
    project_id: UUID
    endpoints: list[str]
    status: Literal["Pending", "Ready", "Failed", "Committed"]
    reason: str = Field(description="Why no suggestion came (Failed)")
    model: str
    tokens_used: int
    suite_id: UUID | None
    items: list[SuggestionPublic]
    version: int

    @classmethod
    def of(cls, found: SuggestionList) -> "SuggestionListPublic":
        return cls(
            id=found.id,
            project_id=found.project_id,
            endpoints=list(found.endpoint_keys),
            status=found.status.value,
            reason=found.reason,
            model=found.model,
            tokens_used=found.tokens_used,
            suite_id=UUID(found.suite_id) if found.suite_id else None,
            items=[
                SuggestionPublic(
                    index=n,
                    case=item["case"],
                    rationale=item["rationale"],
                    decision=item["decision"],
                    edited=item["edited"],
                )
                for n, item in enumerate(found.items)
            ],
            version=found.version,
        )


class AiOrderPositionPublic(BaseModel):
    case_id: UUID
    position: int
    reason: str


class AiOrderRequestPublic(BaseModel):
    """A request for a model's execution order of a suite, and what came of it: a proposal
    submitted for review (`Proposed`, see `proposal_number` in GET /suites/{id}/proposals),
    an order refused before review and why (`Refused`), or why none came (`Failed`)."""

    id: UUID
    suite_id: UUID
    status: Literal["Pending", "Proposed", "Refused", "Failed"]
    reason: str = Field(description="Why the order was refused, or why none came")
    proposal_number: int | None
    order: list[AiOrderPositionPublic]
    reasoning: str
    considered_factors: list[str]
    model: str
    tokens_used: int
    version: int

    @classmethod
    def of(cls, found: AiOrderRequest) -> "AiOrderRequestPublic":
        return cls(
            id=found.id,
            suite_id=found.suite_id,
            status=found.status.value,
            reason=found.reason,
            proposal_number=found.proposal_number,
            order=[AiOrderPositionPublic(**item) for item in found.order],
            reasoning=found.reasoning,
            considered_factors=list(found.considered_factors),
            model=found.model,
            tokens_used=found.tokens_used,
            version=found.version,
        )


class DocumentationCreate(BaseModel):
    """API documentation written for people, to be read into a draft specification."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200, description="The specification's name")
    format: Literal["markdown", "html", "text"] = "markdown"
    content: str = Field(min_length=1, max_length=MAX_DOCUMENT_CHARS)


class DocumentationDraftUpdate(BaseModel):
    """The draft's endpoints as the reviewer wants them (each as a typed-in endpoint)."""

    model_config = ConfigDict(extra="forbid")
    endpoints: list[ManualEndpointCreate] = Field(min_length=1, max_length=MAX_ENDPOINTS)


class DocumentationAccept(BaseModel):
    """Accept the draft as a Manual specification (named as the draft unless `name` is given)."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200)


class DocumentationDraftPublic(BaseModel):
    """Endpoints a model read from a document, for review before they become a Manual
    specification (`spec_id` once accepted)."""

    id: UUID
    project_id: UUID
    name: str
    format: Literal["markdown", "html", "text"]
    status: Literal["Pending", "Ready", "Failed", "Accepted", "Rejected"]
    reason: str = Field(description="Why nothing was read (Failed)")
    notes: str = Field(description="What the model says it could not read")
    endpoints: list[dict[str, Any]] = Field(
        description="Each with the fields of POST /projects/{id}/specs/{spec_id}/endpoints"
    )
    edited: bool
    model: str
    tokens_used: int
    spec_id: UUID | None
    version: int

    @classmethod
    def of(cls, found: DocumentationDraft) -> "DocumentationDraftPublic":
        return cls(
            id=found.id,
            project_id=found.project_id,
            name=found.name,
            format=found.document_format,  # type: ignore[arg-type]
            status=found.status.value,
            reason=found.reason,
            notes=found.notes,
            endpoints=list(found.endpoints),
            edited=found.edited,
            model=found.model,
            tokens_used=found.tokens_used,
            spec_id=UUID(found.spec_id) if found.spec_id else None,
            version=found.version,
        )
