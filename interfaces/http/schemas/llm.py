"""What the LLM routes answer."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from application.llm.queries import InteractionSummary
from domain.llm.model import InteractionType


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
