"""llm.llm_interactions and llm.llm_suggestion_caches, from LlmInteraction events."""

import json
from datetime import timedelta
from functools import singledispatchmethod
from typing import Any
from uuid import uuid5

from domain.llm.model import LlmInteraction
from projections.base import Projection
from projections.llm.view import LlmView


class LlmProjection(Projection[LlmView]):
    """One row per call to the model; one cache row per question answered validly."""

    name = "llm"
    follows = ("llm",)

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore events of other aggregates."""

    @process_event.register
    def _(self, e: LlmInteraction.Recorded) -> None:
        self.view.insert_interaction(
            {
                "id": e.originator_id,
                "user_id": e.user_id,
                "interaction_type": e.interaction_type,
                "input_context": e.input_context,
                "llm_response": e.llm_response,
                "model_used": e.model_used,
                "tokens_used": e.tokens_used,
                "latency_ms": e.latency_ms,
                "outcome": e.outcome,
                "error": e.error,
                "created_date_time": e.timestamp,
                "updated_date_time": e.timestamp,
                "row_version": e.originator_version,
            }
        )
        if e.answer is not None and e.cache_seconds > 0 and e.cache_key:
            self.view.cache_answer(
                {
                    # One row per key, whichever interaction answered it last.
                    "id": uuid5(e.originator_id, "cache"),
                    "endpoint_id": e.endpoint_id,
                    "suggestion_type": e.interaction_type,
                    "cache_key": e.cache_key,
                    "suggestions": json.dumps(e.answer, sort_keys=True),
                    "expires_at": e.timestamp + timedelta(seconds=e.cache_seconds),
                    "created_date_time": e.timestamp,
                    "updated_date_time": e.timestamp,
                    "row_version": e.originator_version,
                }
            )
