"""The LlmInteraction aggregate: one call to a language model, as it was sent and answered."""

from enum import IntEnum, StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.shared.meta import Meta


class InteractionType(IntEnum):
    """What a call to the model was for (the ERD stores the number)."""

    SCENARIO_SUGGESTION = 1
    FAILURE_EXPLANATION = 2
    DOCUMENTATION_PARSING = 3
    ORDER_PROPOSAL = 4


class InteractionOutcome(StrEnum):
    """How a call ended: a schema-valid answer, an answer refused by the schema, or none."""

    ANSWERED = "Answered"
    INVALID = "Invalid"
    FAILED = "Failed"


class LlmInteraction(Aggregate):
    """One request to the model and its answer, recorded whatever the outcome.

    The input is stored as it was sent, secrets already masked; a valid answer is kept
    with the hash of its input, so the same question is answered from the cache until
    `cache_seconds` after it was recorded.
    """

    class Recorded(Aggregate.Created):
        user_id: UUID
        interaction_type: int
        input_context: str
        llm_response: str
        model_used: str
        tokens_used: int
        latency_ms: int
        outcome: str
        error: str
        cache_key: str
        endpoint_id: UUID | None
        answer: Any
        cache_seconds: int
        meta: Meta

    @event(Recorded)
    def __init__(
        self,
        *,
        user_id: UUID,
        interaction_type: int,
        input_context: str,
        llm_response: str,
        model_used: str,
        tokens_used: int,
        latency_ms: int,
        outcome: str,
        error: str,
        cache_key: str,
        endpoint_id: UUID | None,
        answer: Any,
        cache_seconds: int,
        meta: Meta,
    ) -> None:
        self.user_id = user_id
        self.interaction_type = interaction_type
        self.input_context = input_context
        self.llm_response = llm_response
        self.model_used = model_used
        self.tokens_used = tokens_used
        self.latency_ms = latency_ms
        self.outcome = outcome
        self.error = error
        self.cache_key = cache_key
        self.endpoint_id = endpoint_id
        self.answer = answer
        self.cache_seconds = cache_seconds
