"""Actors of the llm context: every call to a model runs here, never in a request."""

import threading
from typing import Any
from uuid import UUID

import dramatiq
from dramatiq.rate_limits import ConcurrentRateLimiter
from dramatiq.rate_limits.backends import RedisBackend

from application.llm.errors import LlmUnavailableError
from domain.shared.errors import DomainError
from domain.shared.meta import Meta
from interfaces.workers.context import get_runtime

MAX_TRIES = 5
_limiter: ConcurrentRateLimiter | None = None
_limiter_lock = threading.Lock()


def concurrency_cap() -> ConcurrentRateLimiter:
    """This function will give the deployment-wide cap on calls at once (a Redis mutex shared
    by every worker): a burst of failures cannot fire hundreds of paid calls together."""
    global _limiter
    with _limiter_lock:
        if _limiter is None:
            runtime = get_runtime()
            _limiter = ConcurrentRateLimiter(  # type: ignore[no-untyped-call]
                RedisBackend(url=runtime.servers.redis_url),
                f"{runtime.settings.queue_namespace}:llm-calls",
                limit=runtime.settings.llm_concurrency,
                ttl=int(
                    runtime.settings.llm_timeout_seconds
                    * (runtime.settings.llm_max_retries + 1)
                    * 1000
                )
                + 60_000,
            )
        return _limiter


def worth_retrying(retries: int, error: Exception) -> bool:
    """A model that did not answer, or a full cap, is tried again later (with backoff)."""
    return retries < MAX_TRIES and isinstance(
        error, (LlmUnavailableError, dramatiq.RateLimitExceeded)
    )


@dramatiq.actor(actor_name="llm.abandon_explanation", queue_name="llm", max_retries=3)
def abandon_explanation(message_data: dict[str, Any], retry_info: dict[str, Any]) -> None:
    """Say beside a case's result that its explanation was given up."""
    kwargs = message_data.get("kwargs", {})
    tries = int(retry_info.get("retries", 0)) + 1
    get_runtime().explanations.report_failure(
        run_id=UUID(kwargs["run_id"]),
        case_id=UUID(kwargs["case_id"]),
        reason=f"the model did not answer after {tries} tries; ask again later",
    )


@dramatiq.actor(
    actor_name="llm.explain_failure",
    queue_name="llm",
    retry_when=worth_retrying,
    min_backoff=2_000,
    max_backoff=120_000,
    time_limit=600_000,
    on_retry_exhausted="llm.abandon_explanation",
)
def explain_failure(*, user_id: str, run_id: str, case_id: str) -> None:
    """Explain one failed case; an answer already written is not asked for again."""
    explanations = get_runtime().explanations
    meta = Meta(user_id=user_id, ip=None, user_agent="testament", correlation_id=None, reason=None)
    with concurrency_cap().acquire(raise_on_failure=True):
        try:
            explanations.explain(
                user_id=UUID(user_id), run_id=UUID(run_id), case_id=UUID(case_id), meta=meta
            )
        except LlmUnavailableError:
            raise
        except DomainError as error:  # final: invalid twice, limit reached, result gone
            explanations.report_failure(
                run_id=UUID(run_id), case_id=UUID(case_id), reason=error.message
            )


@dramatiq.actor(actor_name="llm.abandon_suggestions", queue_name="llm", max_retries=3)
def abandon_suggestions(message_data: dict[str, Any], retry_info: dict[str, Any]) -> None:
    """Record a suggestion list whose model never answered as given up."""
    tries = int(retry_info.get("retries", 0)) + 1
    get_runtime().suggestions.give_up(
        UUID(message_data.get("kwargs", {})["list_id"]),
        f"the model did not answer after {tries} tries; ask again later",
    )


@dramatiq.actor(
    actor_name="llm.suggest_scenarios",
    queue_name="llm",
    retry_when=worth_retrying,
    min_backoff=2_000,
    max_backoff=120_000,
    time_limit=600_000,
    on_retry_exhausted="llm.abandon_suggestions",
)
def suggest_scenarios(*, list_id: str) -> None:
    """Ask the model for a requested list's suggestions; a list past Pending is left alone."""
    suggestions = get_runtime().suggestions
    with concurrency_cap().acquire(raise_on_failure=True):
        try:
            suggestions.produce(UUID(list_id))
        except LlmUnavailableError:
            raise
        except DomainError as error:  # final: the project or its specification changed
            suggestions.give_up(UUID(list_id), error.message)


@dramatiq.actor(actor_name="llm.explain_first_failures", queue_name="llm", max_retries=3)
def explain_first_failures(*, run_id: str) -> None:
    """Ask explanations of a completed run's first failures (the outbox sends this only
    when TESTAMENT_LLM_AUTO_EXPLAIN_FAILURES is above 0 and a model is configured)."""
    runtime = get_runtime()
    runtime.explanations.request_first_failures(
        run_id=UUID(run_id), limit=runtime.settings.llm_auto_explain_failures
    )


@dramatiq.actor(actor_name="llm.abandon_ai_order", queue_name="llm", max_retries=3)
def abandon_ai_order(message_data: dict[str, Any], retry_info: dict[str, Any]) -> None:
    """Record an AI order request whose model never answered as given up."""
    tries = int(retry_info.get("retries", 0)) + 1
    get_runtime().ai_orders.give_up(
        UUID(message_data.get("kwargs", {})["request_id"]),
        f"the model did not answer after {tries} tries; ask again later",
    )


@dramatiq.actor(
    actor_name="llm.propose_order",
    queue_name="llm",
    retry_when=worth_retrying,
    min_backoff=2_000,
    max_backoff=120_000,
    time_limit=600_000,
    on_retry_exhausted="llm.abandon_ai_order",
)
def propose_order(*, request_id: str) -> None:
    """Ask the model for a suite's order; a request past Pending is left alone."""
    ai_orders = get_runtime().ai_orders
    with concurrency_cap().acquire(raise_on_failure=True):
        try:
            ai_orders.produce(UUID(request_id))
        except LlmUnavailableError:
            raise
        except DomainError as error:  # final: the suite changed or went away
            ai_orders.give_up(UUID(request_id), error.message)


@dramatiq.actor(actor_name="llm.abandon_documentation", queue_name="llm", max_retries=3)
def abandon_documentation(message_data: dict[str, Any], retry_info: dict[str, Any]) -> None:
    """Record a documentation draft whose model never answered as given up."""
    tries = int(retry_info.get("retries", 0)) + 1
    get_runtime().documentation.give_up(
        UUID(message_data.get("kwargs", {})["draft_id"]),
        f"the model did not answer after {tries} tries; ask again later",
    )


@dramatiq.actor(
    actor_name="llm.parse_documentation",
    queue_name="llm",
    retry_when=worth_retrying,
    min_backoff=2_000,
    max_backoff=120_000,
    time_limit=600_000,
    on_retry_exhausted="llm.abandon_documentation",
)
def parse_documentation(*, draft_id: str) -> None:
    """Have the model read a draft's document; a draft past Pending is left alone."""
    documentation = get_runtime().documentation
    with concurrency_cap().acquire(raise_on_failure=True):
        try:
            documentation.produce(UUID(draft_id))
        except LlmUnavailableError:
            raise
        except DomainError as error:  # final
            documentation.give_up(UUID(draft_id), error.message)
