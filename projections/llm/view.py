"""What the LLM read model can be told to do."""

from abc import ABC, abstractmethod
from typing import Any


class LlmView(ABC):
    """llm.llm_interactions and llm.llm_suggestion_caches."""

    @abstractmethod
    def insert_interaction(self, row: dict[str, Any]) -> None: ...

    @abstractmethod
    def cache_answer(self, row: dict[str, Any]) -> None:
        """Keep a valid answer under its key; a newer answer to the same key replaces it."""
