"""The llm context: asks the model, validates and records every answer, caches valid ones."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.llm.errors import (
    LlmInvalidAnswerError,
    LlmNotConfiguredError,
    LlmUnavailableError,
)
from application.llm.ports import (
    AnswerValidator,
    ChatAnswer,
    ChatMessage,
    ChatRequest,
    Clock,
    LlmProvider,
    Masking,
    ProviderRefusedError,
    ProviderUnavailableError,
    SuggestionCache,
    UsageLimits,
)
from application.llm.prompts import GUARD, bounded
from application.shared.base import ConcurrentChangeError, TestamentApplication
from domain.llm.allowance import LlmCallAllowance, allowance_id
from domain.llm.model import InteractionOutcome, InteractionType, LlmInteraction
from domain.shared.errors import NotFoundError
from domain.shared.meta import Meta, system_meta

# Attempts of a call that lost a race on the user's allowance before giving up (409).
RACE_RETRIES = 5


@dataclass(frozen=True, kw_only=True)
class Question:
    """What one feature asks the model: its instructions, its (partly untrusted) context,
    the schema its answer must follow, and the secrets that must never be sent."""

    user_id: UUID
    kind: InteractionType
    instructions: str
    context: str
    schema_name: str
    schema: dict[str, Any]
    secrets: list[str]
    endpoint_id: UUID | None = None
    meta: Meta | None = None
    # Rules the schema cannot state; what it finds is retried like a schema error.
    check: Callable[[dict[str, Any]], list[str]] | None = None
    # The longest answer paid for: a long answer cut short is not JSON.
    max_tokens: int = 1500


@dataclass(frozen=True, kw_only=True)
class Answer:
    """A schema-valid answer, from the model or from the cache."""

    content: dict[str, Any]
    model: str
    tokens: int
    cached: bool


def cache_key(model: str, question: Question, messages: list[ChatMessage]) -> str:
    """This function will hash everything that decides an answer: model, kind, schema, prompt."""
    material = json.dumps(
        {
            "model": model,
            "kind": int(question.kind),
            "schema": question.schema,
            "messages": [[m.role, m.content] for m in messages],
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(material.encode()).hexdigest()


def storable(text: str, limit: int = 64 * 1024) -> str:
    """This function will make text safe to keep in an event: bounded, no NUL, valid UTF-8
    (a target's body can hold anything, and the log must stay readable)."""
    text = text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\\u0000")
    return bounded(text, limit)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class LlmApplication(TestamentApplication):
    """Every call to the model goes through here: masked, limited, validated and recorded."""

    name = "llm"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        provider: LlmProvider | None,
        cache: SuggestionCache,
        limits: UsageLimits,
        masking: Masking,
        validator: AnswerValidator,
        clock: Clock,
        cache_seconds: int = 7 * 86400,
    ) -> None:
        super().__init__(env)
        self._provider = provider
        self._cache, self._limits, self._masking = cache, limits, masking
        self._validator, self._clock = validator, clock
        self.cache_seconds = cache_seconds

    @property
    def configured(self) -> bool:
        return self._provider is not None

    @property
    def provider(self) -> LlmProvider:
        """Raises LlmNotConfiguredError."""
        if self._provider is None:
            raise LlmNotConfiguredError()
        return self._provider

    def require_calls_left(self, user_id: UUID) -> LlmProvider:
        """This function will refuse a request for work the user's plan has no call left for
        (checked again before each call, in the worker). Raises LlmNotConfiguredError,
        LimitExceededError."""
        provider = self.provider
        self._limits.require_available(user_id)
        return provider

    def ask(self, question: Question) -> Answer:
        """This function will answer a question from the cache or the model, with an answer
        that follows its schema. An invalid answer is asked again once, with what was wrong.

        Raises LlmNotConfiguredError, LimitExceededError, LlmUnavailableError (worth
        retrying later), LlmInvalidAnswerError (the model answered badly twice).
        """
        provider = self.provider
        messages = self._messages(question)
        key = cache_key(provider.model, question, messages)
        cached = self._cache.cached(key, self._clock.now())
        if isinstance(cached, dict):
            return Answer(content=cached, model=provider.model, tokens=0, cached=True)
        first = self._call(question, messages, key)
        if isinstance(first, Answer):
            return first
        retry = [
            *messages,
            ChatMessage(role="assistant", content=first[0]),
            ChatMessage(
                role="user",
                content="That answer does not follow the schema: "
                + "; ".join(first[1])[:2000]
                + ". Answer again with JSON that follows the schema exactly.",
            ),
        ]
        second = self._call(question, retry, key)
        if isinstance(second, Answer):
            return second
        raise LlmInvalidAnswerError(
            "the model's answer did not follow its schema twice; nothing was applied: "
            + "; ".join(second[1])[:500]
        )

    def _messages(self, question: Question) -> list[ChatMessage]:
        masking = self._masking
        secrets = [s for s in question.secrets if s]
        return [
            ChatMessage(role="system", content=f"{question.instructions}\n\n{GUARD}"),
            ChatMessage(role="user", content=masking.mask(question.context, secrets)),
        ]

    def _call(
        self, question: Question, messages: list[ChatMessage], key: str
    ) -> "Answer | tuple[str, list[str]]":
        """This function will make one call and record it; an invalid answer comes back as
        (its text, what is wrong with it)."""
        request = ChatRequest(
            messages=messages,
            schema_name=question.schema_name,
            schema=question.schema,
            max_tokens=question.max_tokens,
        )
        sent = "\n\n".join(f"[{m.role}]\n{m.content}" for m in messages)
        period = self._take_call(question.user_id)
        try:
            reply = self.provider.complete(request)
        except (ProviderUnavailableError, ProviderRefusedError) as error:
            self._give_back_call(question.user_id, period)
            self._record_call(
                question, sent, None, InteractionOutcome.FAILED, str(error), key, None
            )
            raise LlmUnavailableError(f"the model did not answer: {error}") from None
        content, problems = self._parse(reply.content, question.schema)
        if content is not None and question.check is not None:
            problems = question.check(content)
            content = None if problems else content
        if problems:
            why = "; ".join(problems)
            self._record_call(question, sent, reply, InteractionOutcome.INVALID, why, key, None)
            return reply.content, problems
        self._record_call(question, sent, reply, InteractionOutcome.ANSWERED, "", key, content)
        return Answer(content=content or {}, model=reply.model, tokens=reply.tokens, cached=False)

    def _take_call(self, user_id: UUID) -> str:
        """This function will take one call of the user's allowance for this period, within
        the plan's MaxLlmCallsPerMonth, before the model is asked: two calls at the limit
        collide on the allowance and the loser checks again. Returns the period. Raises
        LimitExceededError, ConcurrentChangeError (lost every race)."""
        period = self._clock.now().strftime("%Y-%m")
        for _ in range(RACE_RETRIES):
            allowance = self._allowance(user_id)
            self._limits.require_room(user_id, allowance.taken_in(period))
            allowance.take(period=period)
            try:
                self.written(allowance)
            except ConcurrentChangeError:
                continue
            return period
        raise ConcurrentChangeError(None)

    def _give_back_call(self, user_id: UUID, period: str) -> None:
        """A call the model did not answer does not count (usage counts answered calls)."""
        for _ in range(RACE_RETRIES):
            allowance = self._allowance(user_id)
            allowance.give_back(period=period)
            try:
                self.written(allowance)
            except ConcurrentChangeError:
                continue
            return

    def _allowance(self, user_id: UUID) -> LlmCallAllowance:
        try:
            allowance: LlmCallAllowance = self.load_version(allowance_id(user_id))
        except NotFoundError:
            allowance = LlmCallAllowance(user_id=user_id)
        return allowance

    def _parse(self, text: str, schema: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
        try:
            content = json.loads(text, parse_constant=_refuse_constant)
        except ValueError as error:
            return None, [f"not JSON: {error}"]
        if not isinstance(content, dict):
            return None, ["the answer must be a JSON object"]
        problems = self._validator.errors(content, schema)
        return (None, problems) if problems else (content, [])

    def _record_call(
        self,
        question: Question,
        sent: str,
        reply: ChatAnswer | None,
        outcome: InteractionOutcome,
        error: str,
        key: str,
        content: dict[str, Any] | None,
    ) -> None:
        interaction = LlmInteraction(
            user_id=question.user_id,
            interaction_type=int(question.kind),
            input_context=storable(sent),
            llm_response=storable(reply.content) if reply else "",
            model_used=(reply.model if reply else self.provider.model)[:100],
            tokens_used=reply.tokens if reply else 0,
            latency_ms=reply.latency_ms if reply else 0,
            outcome=outcome.value,
            error=error[:2000],
            cache_key=key,
            endpoint_id=question.endpoint_id,
            answer=content,
            cache_seconds=self.cache_seconds if content is not None else 0,
            meta=question.meta or system_meta("llm call"),
        )
        self.save_and_locate(interaction)
