"""What the API reads about calls to the model."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True, slots=True, kw_only=True)
class InteractionSummary:
    """One recorded call: what was sent (secrets masked), what came back, at what cost."""

    id: UUID
    user_id: UUID
    interaction_type: int
    input_context: str
    llm_response: str
    model_used: str
    tokens_used: int
    latency_ms: int
    outcome: str
    error: str
    created_at: datetime


class InteractionReader(Protocol):
    def interactions(self, user_id: UUID, *, limit: int, offset: int) -> list[InteractionSummary]:
        """This function will list a user's calls, newest first."""
        ...
