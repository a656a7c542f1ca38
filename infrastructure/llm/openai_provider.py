"""The model port on the official `openai` SDK: Chat Completions with a JSON-schema answer.

Any OpenAI-compatible server works (vLLM, Ollama, llama.cpp server, LiteLLM): only the base
URL, key and model change. The SDK itself retries timeouts, connection errors, 408, 409,
429 and 5xx with exponential backoff (honouring Retry-After) up to `max_retries`; what is
still failing after that is reported as unavailable, and the actor is retried later.
"""

import time
from typing import Any

import openai

from application.llm.ports import (
    ChatAnswer,
    ChatRequest,
    ProviderRefusedError,
    ProviderUnavailableError,
)

_RETRYABLE_STATUS = {408, 409, 429}


class OpenAiChatProvider:
    """A chat model reached through the `openai` client."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None,
        model: str,
        timeout_seconds: float,
        max_retries: int,
    ) -> None:
        self._model = model
        # A local server needs no key, but the SDK refuses to start without one.
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key or "unused",
            timeout=timeout_seconds,
            max_retries=max_retries,
        )

    @property
    def model(self) -> str:
        return self._model

    def close(self) -> None:
        self._client.close()

    def complete(self, request: ChatRequest) -> ChatAnswer:
        messages: Any = [{"role": m.role, "content": m.content} for m in request.messages]
        started = time.perf_counter()
        try:
            completion = self._client.chat.completions.create(
                model=self._model,
                messages=messages,
                response_format={
                    "type": "json_schema",
                    "json_schema": {
                        "name": request.schema_name,
                        "schema": request.schema,
                        "strict": True,
                    },
                },
                max_tokens=request.max_tokens,
                temperature=0,
            )
        except (openai.APITimeoutError, openai.APIConnectionError) as error:
            raise ProviderUnavailableError(f"{type(error).__name__}: {error}") from None
        except openai.APIStatusError as error:
            message = f"HTTP {error.status_code} from the model server"
            if error.status_code in _RETRYABLE_STATUS or error.status_code >= 500:
                raise ProviderUnavailableError(message) from None
            raise ProviderRefusedError(message) from None
        latency_ms = int((time.perf_counter() - started) * 1000)
        choice = completion.choices[0] if completion.choices else None
        content = ""
        if choice is not None:
            content = choice.message.content or ""
            if not content and choice.message.refusal:
                content = f"(refused: {choice.message.refusal})"
        usage = completion.usage
        return ChatAnswer(
            content=content,
            model=completion.model or self._model,
            tokens=usage.total_tokens if usage else 0,
            latency_ms=latency_ms,
        )
