"""Queries on the llm read tables: a user's recorded calls, and the answer cache."""

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from application.llm.queries import InteractionSummary
from infrastructure.postgres.pool import DictPool


class PostgresLlmReader:
    """llm.llm_interactions by user; llm.llm_suggestion_caches by key."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def interactions(self, user_id: UUID, *, limit: int, offset: int) -> list[InteractionSummary]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT * FROM llm.llm_interactions WHERE user_id = %s"
                " ORDER BY created_date_time DESC, id LIMIT %s OFFSET %s",
                (user_id, limit, offset),
            ).fetchall()
        return [
            InteractionSummary(
                id=row["id"],
                user_id=row["user_id"],
                interaction_type=row["interaction_type"],
                input_context=row["input_context"],
                llm_response=row["llm_response"],
                model_used=row["model_used"],
                tokens_used=row["tokens_used"],
                latency_ms=row["latency_ms"],
                outcome=row["outcome"],
                error=row["error"],
                created_at=row["created_date_time"],
            )
            for row in rows
        ]

    def cached(self, cache_key: str, now: datetime) -> Any | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT suggestions FROM llm.llm_suggestion_caches"
                " WHERE cache_key = %s AND expires_at > %s",
                (cache_key, now),
            ).fetchone()
        if row is None:
            return None
        value = row["suggestions"]
        return json.loads(value) if isinstance(value, str) else value
