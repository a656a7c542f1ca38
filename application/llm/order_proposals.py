"""AI order proposals (§3.4.1): the model proposes a suite's execution order with a reason
per case; an order that is not the suite's cases once each is sent back once with what is
wrong; one that runs a case before a case it depends on is refused before any reviewer sees
it. A valid one becomes a `Source = Ai` proposal, reviewed like any other (approve, modify,
reject)."""

import re
from typing import Any
from uuid import UUID

from application.llm.app import Answer, LlmApplication, Question
from application.llm.errors import LlmInvalidAnswerError, SuiteNotOrderableError
from application.llm.ports import CaseToOrder, SuiteOrders
from application.llm.prompts import masked_credentials, untrusted
from application.shared.base import Written
from domain.llm.model import InteractionType
from domain.llm.order_proposals import AiOrderRequest, AiOrderStatus
from domain.shared.errors import ConflictError, InvalidValueError, NotFoundError
from domain.shared.meta import Meta
from domain.subscriptions.limits import LimitExceededError

MAX_CASES = 100
CASE_CHARS = 800

INSTRUCTIONS = (
    "You order the test cases of an API test suite for execution. Authentication first, "
    "then cases that create what later cases read, update or delete; a case that extracts "
    "a variable runs before a case that uses it; a case runs after every case it depends "
    "on; deletions of a resource last among the cases using it. Give every case exactly "
    "once, by its key, each with a short reason for its position; then your overall "
    "reasoning and the factors you considered."
)

_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}")


def order_schema(keys: list[str]) -> dict[str, Any]:
    """This function will give the answer's schema: as many positions as cases, each a key of
    the suite (that no key comes twice is checked beside it)."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["order", "reasoning", "considered_factors"],
        "properties": {
            "order": {
                "type": "array",
                "minItems": len(keys),
                "maxItems": len(keys),
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["case", "reason"],
                    "properties": {
                        "case": {"type": "string", "enum": keys},
                        "reason": {"type": "string", "minLength": 1, "maxLength": 300},
                    },
                },
            },
            "reasoning": {"type": "string", "minLength": 1, "maxLength": 2000},
            "considered_factors": {
                "type": "array",
                "maxItems": 10,
                "items": {"type": "string", "minLength": 1, "maxLength": 200},
            },
        },
    }


def permutation_problems(answer: dict[str, Any], keys: list[str]) -> list[str]:
    """This function will say how an order is not every case exactly once."""
    given = [item["case"] for item in answer["order"]]
    twice = sorted({key for key in given if given.count(key) > 1})
    missing = [key for key in keys if key not in given]
    problems = [f"order: {key} is given more than once" for key in twice]
    if missing:
        problems.append(f"order: leaves out {', '.join(missing)}; give every case once")
    return problems


def dependency_problems(order: list[str], cases: dict[str, CaseToOrder]) -> list[str]:
    """This function will say where an order (of case ids) runs a case before a case it
    depends on."""
    position = {case_id: n for n, case_id in enumerate(order)}
    return [
        f"{cases[case_id].name!r} is placed before {cases[target].name!r}, which it depends on"
        for case_id in order
        for target in cases[case_id].depends_on
        if target in position and position[target] > position[case_id]
    ]


def suite_context(keyed: dict[str, CaseToOrder]) -> str:
    """This function will describe the cases to the model; their names and descriptions are
    the user's text, quoted as untrusted."""
    ids = {case.id: key for key, case in keyed.items()}
    rows = [
        {
            "key": key,
            "name": case.name,
            "description": case.description,
            "endpoint": case.endpoint,
            "test_type": case.test_type,
            "priority": case.priority,
            "depends_on": [ids[t] for t in case.depends_on if t in ids],
            "extracts": case.extracts,
            "uses": case.uses,
        }
        for key, case in keyed.items()
    ]
    # A credential typed into a name or description is masked like one in a document.
    return masked_credentials(
        "The suite's cases, in their current order:\n"
        + untrusted("cases", rows, CASE_CHARS * len(rows))
    )


def used_variables(request: dict[str, Any]) -> list[str]:
    """This function will list the {{variables}} a request uses, once each, in order."""
    return list(dict.fromkeys(_VARIABLE.findall(str(request))))


class AiOrderProposals:
    """Requests, produces and records AI order proposals (the llm log holds the requests)."""

    def __init__(self, llm: LlmApplication, suites: SuiteOrders) -> None:
        self._llm, self._suites = llm, suites

    def request(self, *, owner_id: UUID, suite_id: UUID, meta: Meta) -> Written:
        """This function will record a request for a proposal; the llm outbox hands it to a
        worker. Raises LlmNotConfiguredError, LimitExceededError, NotFoundError,
        SuiteArchivedError, SuiteNotOrderableError (fewer than 2 cases, more than MAX_CASES)."""
        self._llm.require_calls_left(owner_id)
        cases = self._suites.cases_to_order(suite_id, owner_id)
        if not 2 <= len(cases) <= MAX_CASES:
            raise SuiteNotOrderableError(
                f"an AI order needs 2 to {MAX_CASES} cases; the suite has {len(cases)}"
            )
        return self._llm.written(AiOrderRequest(owner_id=owner_id, suite_id=suite_id, meta=meta))

    def order_request(self, request_id: UUID, owner_id: UUID) -> AiOrderRequest:
        """This function will give one of the caller's requests. Raises NotFoundError."""
        found = self._find(request_id)
        if found is None or found.owner_id != owner_id:
            raise NotFoundError("AI order proposal request not found")
        return found

    def produce(self, request_id: UUID) -> None:
        """This function will ask the model for a Pending request's order, and submit it for
        review, or record why it was refused or why none came. A request past Pending is
        left alone (redelivery). Raises LlmUnavailableError (worth retrying)."""
        found = self._find(request_id)
        if found is None or found.status != AiOrderStatus.PENDING:
            return
        meta = Meta(
            user_id=str(found.owner_id),
            ip=None,
            user_agent="testament",
            correlation_id=None,
            reason="AI order proposal",
        )
        try:
            cases = self._suites.cases_to_order(found.suite_id, found.owner_id)
        except (NotFoundError, ConflictError) as error:
            found.give_up(reason=error.message[:1000], meta=meta)
            self._llm.save_and_locate(found)
            return
        keyed = {f"c{n + 1}": case for n, case in enumerate(cases)}
        keys = list(keyed)
        try:
            answer = self._llm.ask(
                Question(
                    user_id=found.owner_id,
                    kind=InteractionType.ORDER_PROPOSAL,
                    instructions=INSTRUCTIONS,
                    context=suite_context(keyed),
                    schema_name="order_proposal",
                    schema=order_schema(keys),
                    secrets=[],
                    meta=meta,
                    check=lambda content: permutation_problems(content, keys),
                    max_tokens=600 + 60 * len(keys),  # a key and a short reason per case
                )
            )
        except (LlmInvalidAnswerError, LimitExceededError) as error:
            found.give_up(reason=error.message[:1000], meta=meta)
            self._llm.save_and_locate(found)
            return
        self._submit(found, answer, keyed, meta)

    def give_up(self, request_id: UUID, reason: str) -> None:
        """This function will record that a Pending request got no order (retries ran out)."""
        found = self._find(request_id)
        if found is not None and found.status == AiOrderStatus.PENDING:
            meta = Meta(
                user_id=None, ip=None, user_agent="testament", correlation_id=None, reason=None
            )
            found.give_up(reason=reason[:1000], meta=meta)
            self._llm.save_and_locate(found)

    def _submit(
        self,
        found: AiOrderRequest,
        answer: Answer,
        keyed: dict[str, CaseToOrder],
        meta: Meta,
    ) -> None:
        content = answer.content
        proposed = [
            {"case_id": keyed[item["case"]].id, "position": n, "reason": item["reason"]}
            for n, item in enumerate(content["order"])
        ]
        by_id = {case.id: case for case in keyed.values()}
        broken = dependency_problems([p["case_id"] for p in proposed], by_id)
        common: dict[str, Any] = {
            "order": proposed,
            "reasoning": content["reasoning"],
            "considered_factors": content["considered_factors"],
            "model": answer.model[:100],
            "tokens_used": answer.tokens,
            "meta": meta,
        }
        if broken:
            reason = "the order breaks a dependency: " + "; ".join(broken)
            found.refuse(reason=reason[:2000], **common)
            self._llm.save_and_locate(found)
            return
        try:
            number = self._suites.propose(
                suite_id=found.suite_id,
                owner_id=found.owner_id,
                proposed=proposed,
                reasoning=content["reasoning"],
                considered_factors=content["considered_factors"],
                model=answer.model[:100],
                tokens_used=answer.tokens,
                meta=meta,
            )
        except (InvalidValueError, ConflictError, NotFoundError) as error:
            # The suite changed while the model thought (a case added, a dependency set).
            why = f"the suite refused the order: {error.message}"
            found.refuse(reason=why[:2000], **common)
        else:
            found.proposed(proposal_number=number, **common)
        self._llm.save_and_locate(found)

    def _find(self, request_id: UUID) -> AiOrderRequest | None:
        try:
            found = self._llm.load_version(request_id)
        except NotFoundError:
            return None
        return found if isinstance(found, AiOrderRequest) else None
