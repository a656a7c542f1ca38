"""llm.llm_interactions and llm.llm_suggestion_caches from recorded calls: what they hold,
what the cache answers, and a rebuild from the log that gives the same rows."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from application.llm.app import Question
from application.llm.errors import LlmInvalidAnswerError
from domain.llm.model import InteractionType
from infrastructure.projections.catalog import read_model
from infrastructure.projections.rebuild import rebuild
from interfaces.bootstrap import Runtime, with_llm_settings
from tests.support.fake_openai import FakeOpenAI, Reply

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["cases"],
    "properties": {"cases": {"type": "array", "items": {"type": "string"}}},
}


@pytest.fixture
def model() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def llm_runtime(runtime: Runtime, model: FakeOpenAI) -> Iterator[Runtime]:
    settings = runtime.settings.model_copy(
        update={"llm_base_url": model.url, "llm_model": "fake-model", "llm_max_retries": 0}
    )
    built = with_llm_settings(runtime, settings)
    try:
        yield built
    finally:
        built.llm.close()


def question(context: str) -> Question:
    return Question(
        user_id=uuid4(),
        kind=InteractionType.SCENARIO_SUGGESTION,
        instructions="Suggest cases.",
        context=context,
        schema_name="cases",
        schema=SCHEMA,
        secrets=[],
        endpoint_id=uuid4(),
    )


class TestLlmReadModel:
    def test_calls_and_cached_answers_are_projected_and_rebuilt_the_same(
        self, llm_runtime: Runtime, model: FakeOpenAI
    ) -> None:
        asked = question(f"endpoint {uuid4()}")
        model.answer(Reply(json.dumps({"cases": ["empty name"]}), tokens=12))
        llm_runtime.llm.ask(asked)
        model.answer(Reply("{}"))
        with pytest.raises(LlmInvalidAnswerError):
            llm_runtime.llm.ask(question("another"))
        for runner in llm_runtime.runners((read_model("llm"),)):
            runner.catch_up()

        calls = llm_runtime.llm_reader.interactions(asked.user_id, limit=10, offset=0)
        assert [(c.outcome, c.tokens_used, c.interaction_type) for c in calls] == [
            ("Answered", 12, InteractionType.SCENARIO_SUGGESTION)
        ]
        model.answer(Reply("{}"))
        again = llm_runtime.llm.ask(asked)
        assert again.cached and again.content == {"cases": ["empty name"]}
        assert len(model.requests) == 0
        later = datetime.now(UTC) + timedelta(days=8)
        with llm_runtime.pool.connection() as conn:
            (key,) = (
                conn.execute(
                    "SELECT cache_key FROM llm.llm_suggestion_caches WHERE endpoint_id = %s",
                    (asked.endpoint_id,),
                )
                .fetchone()
                .values()
            )
        assert llm_runtime.llm_reader.cached(key, later) is None

        for name in ("llm", "llm_audit_log"):
            report = rebuild(llm_runtime.pool, llm_runtime.applications(), name)
            assert report.equal, (name, report.tables)
