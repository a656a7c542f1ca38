"""What the LLM context needs from outside: a model, a cache, limits, masking, validation."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class ChatMessage:
    role: str  # system, user or assistant
    content: str


@dataclass(frozen=True, kw_only=True)
class ChatRequest:
    """A conversation to complete, with the JSON schema the answer must follow."""

    messages: list[ChatMessage]
    schema_name: str
    schema: dict[str, Any]
    max_tokens: int = 1500


@dataclass(frozen=True, kw_only=True)
class ChatAnswer:
    content: str
    model: str
    tokens: int
    latency_ms: int


class ProviderUnavailableError(Exception):
    """The model did not answer (timeout, 429, 5xx, connection): worth trying again later."""


class ProviderRefusedError(Exception):
    """The provider refused the request itself (401, 400, 404): trying again will not help."""


class LlmProvider(Protocol):
    """A chat model that answers in JSON following a schema."""

    @property
    def model(self) -> str: ...

    def complete(self, request: ChatRequest) -> ChatAnswer:
        """Raises ProviderUnavailableError, ProviderRefusedError."""
        ...


class SuggestionCache(Protocol):
    def cached(self, cache_key: str, now: datetime) -> Any | None:
        """This function will give a still-valid cached answer, or None."""
        ...


class UsageLimits(Protocol):
    """The plan's MaxLlmCallsPerMonth (the sub context's usage and limits)."""

    def require_available(self, user_id: UUID) -> None:
        """Raises LimitExceededError when the user has no call left this period."""
        ...

    def require_room(self, user_id: UUID, taken: int) -> None:
        """Raises LimitExceededError when `taken` calls (the user's allowance this period),
        or the calls usage has counted if more, leave no room for one more."""
        ...


class Masking(Protocol):
    def mask(self, text: str, secrets: list[str]) -> str:
        """This function will replace every spelling of every secret in the text."""
        ...


class AnswerValidator(Protocol):
    def errors(self, answer: Any, schema: dict[str, Any]) -> list[str]:
        """This function will list how the answer breaks the schema (empty: valid)."""
        ...


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True, kw_only=True)
class FailedCase:
    """What a failed case's hot result says, already masked by the run that recorded it."""

    run_id: UUID
    case_id: UUID
    owner_id: UUID
    result: dict[str, Any]
    secrets: list[str] = field(default_factory=list)


class FailedResults(Protocol):
    """The hot results of runs, as the explanations read and annotate them."""

    def failed_case(self, run_id: UUID, case_id: UUID, owner_id: UUID) -> FailedCase:
        """Raises NotFoundError, ResultsExpiredError, NotAFailureError."""
        ...

    def first_failures(self, run_id: UUID, limit: int) -> tuple[UUID, list[UUID]]:
        """This function will give a run's owner and its first failed cases, in execution
        order."""
        ...

    def write_explanation(self, run_id: UUID, case_id: UUID, explanation: str, error: str) -> bool:
        """This function will set llmExplanation (or llmExplanationError, why there is none)
        of a case's result; False when the result has expired."""
        ...


class LlmJobs(Protocol):
    """Where LLM work is queued: never in a request thread."""

    def explain_failure(self, *, user_id: UUID, run_id: UUID, case_id: UUID) -> None: ...


class EndpointSource(Protocol):
    """The chosen endpoints of a project's active specification, as parsed."""

    def endpoints(self, project_id: UUID, owner_id: UUID, keys: list[str]) -> list[dict[str, Any]]:
        """Raises NotFoundError, or a ConflictError for unknown endpoints or when the
        project has no parsed active specification."""
        ...


class SuiteWriter(Protocol):
    """The testgen context, where accepted suggestions become ordinary cases."""

    def case_problems(self, fields: dict[str, Any]) -> list[str]:
        """This function will say why these fields are not a valid case (empty: valid)."""
        ...

    def create_suite(
        self,
        *,
        project_id: UUID,
        owner_id: UUID,
        name: str,
        cases: list[dict[str, Any]],
        meta: Any,
    ) -> tuple[UUID, int]:
        """This function will create an LLMAssisted suite of these cases, waiting for review;
        it returns the suite id and the testgen log position."""
        ...


@dataclass(frozen=True, kw_only=True)
class CaseToOrder:
    """One case of a suite as an order proposal considers it."""

    id: str
    name: str
    description: str
    endpoint: str
    test_type: str
    priority: str
    depends_on: list[str]
    extracts: list[str]  # the variables it extracts for later cases
    uses: list[str]  # the {{variables}} its request uses


class SuiteOrders(Protocol):
    """The testgen context, as AI order proposals read and propose to it."""

    def cases_to_order(self, suite_id: UUID, owner_id: UUID) -> list[CaseToOrder]:
        """This function will give a suite's cases in their current order. Raises
        NotFoundError, SuiteArchivedError."""
        ...

    def propose(
        self,
        *,
        suite_id: UUID,
        owner_id: UUID,
        proposed: list[dict[str, Any]],
        reasoning: str,
        considered_factors: list[str],
        model: str,
        tokens_used: int,
        meta: Any,
    ) -> int:
        """This function will submit an Ai proposal for review and give its number. Raises
        NotFoundError, ConflictError (archived, the cases changed), InvalidValueError (a case
        runs before one it depends on)."""
        ...


class ManualSpecifications(Protocol):
    """The apidoc context, where an accepted documentation draft becomes a Manual
    specification through the manual-endpoint path."""

    def require_project(self, project_id: UUID, owner_id: UUID) -> None:
        """Raises NotFoundError, ProjectArchivedError."""
        ...

    def create(
        self,
        *,
        project_id: UUID,
        owner_id: UUID,
        name: str,
        endpoints: list[dict[str, Any]],
        meta: Any,
    ) -> tuple[UUID, int]:
        """This function will create a Manual specification with these endpoints (the fields
        of typed-in ones) in one save; it returns its id and the apidoc log position."""
        ...
