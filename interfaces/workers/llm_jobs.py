"""LLM work queued for Dramatiq workers: a request thread never waits for a model."""

from uuid import UUID


class DramatiqLlmJobs:
    """The LlmJobs port: sends messages to the `llm` queue."""

    def __init__(self, redis_url: str, namespace: str) -> None:
        self._redis_url, self._namespace = redis_url, namespace

    def explain_failure(self, *, user_id: UUID, run_id: UUID, case_id: UUID) -> None:
        # Imported here: the actors bind to the broker, which must be installed first (an API
        # process installs it on its first LLM request; a worker already has).
        from interfaces.workers.broker import configure_broker

        configure_broker(self._redis_url, self._namespace)
        from interfaces.workers.actors.llm import explain_failure

        explain_failure.send(user_id=str(user_id), run_id=str(run_id), case_id=str(case_id))
