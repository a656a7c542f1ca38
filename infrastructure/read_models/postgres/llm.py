"""llm.llm_interactions and llm.llm_suggestion_caches in PostgreSQL."""

from typing import Any

from infrastructure.read_models.postgres.base import PostgresView
from projections.llm.view import LlmView


class PostgresLlmView(PostgresView, LlmView):
    """The ERD's LlmInteractions (plus how each call ended) and LlmSuggestionCaches."""

    tables = ("llm_interactions", "llm_suggestion_caches")
    ddl = (
        "CREATE TABLE IF NOT EXISTS {schema}.llm_interactions ("
        " id uuid PRIMARY KEY, user_id uuid NOT NULL, interaction_type integer NOT NULL,"
        " input_context text NOT NULL, llm_response text NOT NULL, model_used text NOT NULL,"
        " tokens_used integer NOT NULL, latency_ms integer NOT NULL, outcome text NOT NULL,"
        " error text NOT NULL, created_date_time timestamptz NOT NULL,"
        " updated_date_time timestamptz NOT NULL, row_version integer NOT NULL)",
        "CREATE INDEX IF NOT EXISTS llm_interactions_user_idx"
        " ON {schema}.llm_interactions (user_id, created_date_time DESC)",
        "CREATE TABLE IF NOT EXISTS {schema}.llm_suggestion_caches ("
        " id uuid PRIMARY KEY, endpoint_id uuid, suggestion_type integer NOT NULL,"
        " cache_key text NOT NULL UNIQUE, suggestions jsonb NOT NULL,"
        " expires_at timestamptz NOT NULL, created_date_time timestamptz NOT NULL,"
        " updated_date_time timestamptz NOT NULL, row_version integer NOT NULL)",
    )

    def insert_interaction(self, row: dict[str, Any]) -> None:
        self.insert_rows("llm_interactions", [row])

    def cache_answer(self, row: dict[str, Any]) -> None:
        self.run(
            "INSERT INTO {t_llm_suggestion_caches} (id, endpoint_id, suggestion_type, cache_key,"
            " suggestions, expires_at, created_date_time, updated_date_time, row_version)"
            " VALUES (%(id)s, %(endpoint_id)s, %(suggestion_type)s, %(cache_key)s,"
            " %(suggestions)s, %(expires_at)s, %(created_date_time)s, %(updated_date_time)s,"
            " %(row_version)s)"
            " ON CONFLICT (cache_key) DO UPDATE SET id = EXCLUDED.id,"
            " suggestions = EXCLUDED.suggestions, expires_at = EXCLUDED.expires_at,"
            " updated_date_time = EXCLUDED.updated_date_time, row_version = EXCLUDED.row_version",
            row,
        )
