"""AI order proposals and documentation parsing on the in-memory store, with a scripted
provider: what ends a request when the suite changed, the model never answered, or the
answer came from the cache; and the credentials a document is kept without."""

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from application.llm.app import LlmApplication
from application.llm.documentation import DocumentationParsing, draft_endpoint
from application.llm.order_proposals import AiOrderProposals, dependency_problems
from application.llm.ports import CaseToOrder, ChatAnswer, ChatRequest
from application.llm.prompts import masked_credentials
from domain.llm.documentation import DocumentationDraft, DocumentFormat, DraftStateError
from domain.llm.order_proposals import AiOrderRequest
from domain.shared.errors import InvalidValueError, NotFoundError
from domain.subscriptions.limits import LimitExceededError
from infrastructure.llm.masking import SecretMasking
from infrastructure.llm.validation import JsonSchemaAnswers
from tests.unit.builders import a_meta


class Scripted:
    """A provider answering from a list, recording what it was asked."""

    def __init__(self, *answers: str) -> None:
        self.answers: list[str] = list(answers)
        self.asked: list[ChatRequest] = []

    @property
    def model(self) -> str:
        return "scripted"

    def complete(self, request: ChatRequest) -> ChatAnswer:
        self.asked.append(request)
        return ChatAnswer(content=self.answers.pop(0), model="scripted", tokens=10, latency_ms=1)


class Cache:
    def __init__(self) -> None:
        self.answers: dict[str, Any] = {}

    def cached(self, cache_key: str, now: datetime) -> Any | None:
        return self.answers.get(cache_key)


class Limits:
    def __init__(self) -> None:
        self.over = False

    def require_available(self, user_id: UUID) -> None:
        if self.over:
            raise LimitExceededError(
                limit_type="MaxLlmCallsPerMonth", current_usage=10, limit=10, upgrade_url="/p"
            )

    def require_room(self, user_id: UUID, taken: int) -> None:
        self.require_available(user_id)


class Clock:
    def now(self) -> datetime:
        return datetime(2026, 12, 3, tzinfo=UTC)


def an_llm(provider: Scripted, limits: Limits | None = None) -> tuple[LlmApplication, Cache]:
    cache = Cache()
    llm = LlmApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"},
        provider=provider,
        cache=cache,
        limits=limits or Limits(),
        masking=SecretMasking(),
        validator=JsonSchemaAnswers(),
        clock=Clock(),
    )
    return llm, cache


def a_case(key: str, *depends: str) -> CaseToOrder:
    return CaseToOrder(
        id=key,
        name=key,
        description="",
        endpoint=f"GET /{key}",
        test_type="HappyPath",
        priority="High",
        depends_on=list(depends),
        extracts=[],
        uses=[],
    )


class Suites:
    def __init__(self, cases: list[CaseToOrder], refusal: Exception | None = None) -> None:
        self.cases, self.refusal, self.proposed = cases, refusal, 0
        self.gone = False

    def cases_to_order(self, suite_id: UUID, owner_id: UUID) -> list[CaseToOrder]:
        if self.gone:
            raise NotFoundError("suite not found")
        return self.cases

    def propose(self, **kwargs: Any) -> int:
        if self.refusal is not None:
            raise self.refusal
        self.proposed += 1
        return self.proposed


def an_order(*keys: str) -> str:
    return json.dumps(
        {
            "order": [{"case": key, "reason": "r"} for key in keys],
            "reasoning": "why",
            "considered_factors": [],
        }
    )


def state(llm: LlmApplication, request_id: UUID) -> AiOrderRequest:
    found = llm.repository.get(request_id)
    assert isinstance(found, AiOrderRequest)
    return found


class TestAiOrderRequests:
    def test_a_suite_changed_while_the_model_thought_is_recorded_as_refused(self) -> None:
        llm, _ = an_llm(Scripted(an_order("c1", "c2")))
        refusal = InvalidValueError("order", "case b depends on case a")
        proposals = AiOrderProposals(llm, Suites([a_case("a"), a_case("b")], refusal))
        written = proposals.request(owner_id=uuid4(), suite_id=uuid4(), meta=a_meta())

        proposals.produce(written.aggregate_id)

        found = state(llm, written.aggregate_id)
        assert found.status == "Refused"
        assert found.reason == "the suite refused the order: order: case b depends on case a"

    def test_a_suite_gone_before_the_worker_gives_up_and_a_second_delivery_does_nothing(
        self,
    ) -> None:
        provider = Scripted()
        llm, _ = an_llm(provider)
        suites = Suites([a_case("a"), a_case("b")])
        proposals = AiOrderProposals(llm, suites)
        written = proposals.request(owner_id=uuid4(), suite_id=uuid4(), meta=a_meta())
        suites.gone = True

        proposals.produce(written.aggregate_id)
        proposals.produce(written.aggregate_id)
        proposals.give_up(written.aggregate_id, "retries ran out")

        found = state(llm, written.aggregate_id)
        assert (found.status, found.reason, found.version) == ("Failed", "suite not found", 2)
        assert provider.asked == []

    def test_the_same_suite_again_is_answered_from_the_cache_without_tokens(self) -> None:
        provider = Scripted(an_order("c2", "c1"))
        llm, cache = an_llm(provider)
        suites = Suites([a_case("a"), a_case("b")])
        proposals = AiOrderProposals(llm, suites)
        first = proposals.request(owner_id=uuid4(), suite_id=uuid4(), meta=a_meta())
        proposals.produce(first.aggregate_id)
        assert state(llm, first.aggregate_id).status == "Proposed"
        for notification in llm.recorder.select_notifications(start=1, limit=20):
            event = llm.mapper.to_domain_event(notification)
            if getattr(event, "answer", None) is not None:
                cache.answers[event.cache_key] = event.answer
        second = proposals.request(owner_id=uuid4(), suite_id=uuid4(), meta=a_meta())

        proposals.produce(second.aggregate_id)

        found = state(llm, second.aggregate_id)
        assert (found.status, found.tokens_used, len(provider.asked)) == ("Proposed", 0, 1)

    def test_the_retries_running_out_and_the_limit_reached_end_it_failed(self) -> None:
        limits = Limits()
        llm, _ = an_llm(Scripted(), limits)
        proposals = AiOrderProposals(llm, Suites([a_case("a"), a_case("b")]))
        waiting = proposals.request(owner_id=uuid4(), suite_id=uuid4(), meta=a_meta())
        limited = proposals.request(owner_id=uuid4(), suite_id=uuid4(), meta=a_meta())
        limits.over = True

        proposals.give_up(waiting.aggregate_id, "the model did not answer after 6 tries")
        proposals.produce(limited.aggregate_id)

        assert state(llm, waiting.aggregate_id).reason.startswith("the model did not answer")
        assert "MaxLlmCallsPerMonth" in state(llm, limited.aggregate_id).reason
        with pytest.raises(LimitExceededError):
            proposals.request(owner_id=uuid4(), suite_id=uuid4(), meta=a_meta())
        with pytest.raises(NotFoundError):
            proposals.order_request(waiting.aggregate_id, uuid4())

    def test_names_every_dependency_an_order_breaks(self) -> None:
        cases = {c.id: c for c in (a_case("a"), a_case("b", "a"), a_case("c", "a", "b"))}

        assert dependency_problems(["c", "b", "a"], cases) == [
            "'c' is placed before 'a', which it depends on",
            "'c' is placed before 'b', which it depends on",
            "'b' is placed before 'a', which it depends on",
        ]
        assert dependency_problems(["a", "b", "c"], cases) == []


class Specifications:
    def require_project(self, project_id: UUID, owner_id: UUID) -> None:
        return None

    def create(self, **kwargs: Any) -> tuple[UUID, int]:
        return uuid4(), 1


class TestDocumentationDrafts:
    def test_credentials_in_every_usual_spelling_are_masked_before_the_document_is_kept(
        self,
    ) -> None:
        text = (
            "Authorization: Bearer abcdefgh12345678\n"
            "curl -u x -H 'X-API-Key: k3y-v4lue-0001' 'https://a.example/p?api_key=q9q9q9q9'\n"
            '{"password": "hunter2-hunter2", "client_secret": "cs-77777777"}\n'
            "token sk_live_ABCDEFGHIJKLMNOP and ghp_0123456789abcdef"
        )
        masked = masked_credentials(text)

        for secret in (
            "abcdefgh12345678",
            "k3y-v4lue-0001",
            "q9q9q9q9",
            "hunter2-hunter2",
            "cs-77777777",
            "sk_live_ABCDEFGHIJKLMNOP",
            "ghp_0123456789abcdef",
        ):
            assert secret not in masked, secret
        assert masked_credentials("GET /pets") == "GET /pets"

    def test_a_draft_is_reviewed_only_when_ready_and_an_empty_one_cannot_be_accepted(
        self,
    ) -> None:
        llm, _ = an_llm(Scripted(json.dumps({"endpoints": [], "notes": "nothing found"})))
        parsing = DocumentationParsing(llm, Specifications())
        owner = uuid4()
        written = parsing.request(
            owner_id=owner,
            project_id=uuid4(),
            name="docs",
            document_format=DocumentFormat.HTML,
            document="<p>nothing</p><script>steal()</script>",
            meta=a_meta(),
        )
        with pytest.raises(DraftStateError, match="Pending, not Ready"):
            parsing.reject(draft_id=written.aggregate_id, owner_id=owner, meta=a_meta())

        parsing.produce(written.aggregate_id)
        parsing.give_up(written.aggregate_id, "too late")  # a late abandon changes nothing

        draft = parsing.draft(written.aggregate_id, owner)
        assert isinstance(draft, DocumentationDraft)
        assert (draft.status, draft.notes) == ("Ready", "nothing found")
        with pytest.raises(DraftStateError, match="no endpoint"):
            parsing.accept(draft_id=written.aggregate_id, owner_id=owner, name=None, meta=a_meta())
        with pytest.raises(InvalidValueError, match="endpoints/0"):
            parsing.edit(
                draft_id=written.aggregate_id,
                owner_id=owner,
                endpoints=[{"method": "FETCH", "path": "/x"}],
                meta=a_meta(),
            )
        with pytest.raises(InvalidValueError, match="empty"):
            parsing.request(
                owner_id=owner,
                project_id=uuid4(),
                name="docs",
                document_format=DocumentFormat.TEXT,
                document=" \n ",
                meta=a_meta(),
            )

    def test_a_schema_that_is_not_an_object_is_refused(self) -> None:
        item = {
            "method": "GET",
            "path": "/x",
            "summary": "",
            "parameters": [],
            "request_body_schema_json": "[1, 2]",
            "responses": [],
        }

        with pytest.raises(ValueError, match="must be a JSON object"):
            draft_endpoint(item)
