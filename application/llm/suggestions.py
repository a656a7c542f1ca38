"""Scenario suggestions (FE-06): the model proposes cases for chosen endpoints; a person
accepts, edits or rejects each; the accepted ones become an LLMAssisted suite of ordinary
cases. Nothing the model says becomes a case without that review."""

import json
from typing import Any
from uuid import UUID

from application.llm.app import LlmApplication, Question
from application.llm.errors import LlmInvalidAnswerError
from application.llm.ports import EndpointSource, SuiteWriter
from application.llm.prompts import untrusted
from application.shared.base import Written
from domain.llm.model import InteractionType
from domain.llm.suggestions import Decision, SuggestionList, SuggestionStatus
from domain.shared.errors import InvalidValueError, NotFoundError
from domain.shared.meta import Meta
from domain.subscriptions.limits import LimitExceededError

MAX_ENDPOINTS = 10
MAX_SUGGESTIONS = 12
ENDPOINT_CHARS = 6000

INSTRUCTIONS = (
    "You design API test cases that rule-based generators miss: business scenarios, "
    "realistic data, edge cases suggested by the descriptions. For the endpoints given, "
    f"propose at most {MAX_SUGGESTIONS} cases. Each names one of the given endpoints, a "
    "concrete request path (path parameters filled with realistic values), query and "
    "headers as name/value pairs, a JSON body as text (empty for none), and the expected "
    "status codes. Never include credentials: the environment adds them."
)

_PAIR = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "value"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "value": {"type": "string", "maxLength": 1000},
    },
}


def suggestion_schema(endpoint_keys: list[str]) -> dict[str, Any]:
    """This function will give the answer's schema: only the chosen endpoints may be named."""
    item = {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "name",
            "description",
            "endpoint",
            "test_type",
            "priority",
            "rationale",
            "path",
            "query",
            "headers",
            "json_body",
            "expected_status",
        ],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "description": {"type": "string", "maxLength": 1000},
            "endpoint": {"type": "string", "enum": endpoint_keys},
            "test_type": {"type": "string", "enum": ["HappyPath", "Boundary", "Negative"]},
            "priority": {"type": "string", "enum": ["Critical", "High", "Medium", "Low"]},
            "rationale": {"type": "string", "maxLength": 500},
            "path": {"type": "string", "pattern": "^/", "maxLength": 2000},
            "query": {"type": "array", "maxItems": 20, "items": _PAIR},
            "headers": {"type": "array", "maxItems": 20, "items": _PAIR},
            "json_body": {"type": "string", "maxLength": 20000},
            "expected_status": {
                "type": "array",
                "minItems": 1,
                "maxItems": 5,
                "items": {"type": "integer", "minimum": 100, "maximum": 599},
            },
        },
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["suggestions"],
        "properties": {
            "suggestions": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_SUGGESTIONS,
                "items": item,
            }
        },
    }


def _matches(template: str, path: str) -> bool:
    """This function will tell whether a concrete path fills an endpoint's path template."""
    want = template.strip("/").split("/")
    got = path.split("?")[0].strip("/").split("/")
    if len(want) != len(got):
        return False
    return all(
        (w.startswith("{") and w.endswith("}") and g) or w == g
        for w, g in zip(want, got, strict=True)
    )


def case_fields(suggestion: dict[str, Any]) -> dict[str, Any]:
    """This function will turn a suggestion into the fields of an ordinary case.

    Raises ValueError when its body is not JSON."""
    body_text = suggestion["json_body"].strip()
    body = json.loads(body_text, parse_constant=_refuse) if body_text else None
    method, _, _ = suggestion["endpoint"].partition(" ")
    return {
        "name": suggestion["name"],
        "description": suggestion["description"],
        "test_type": suggestion["test_type"],
        "priority": suggestion["priority"],
        "tags": ["llm-suggested"],
        "endpoint_key": suggestion["endpoint"],
        "request": {
            "method": method,
            "url": suggestion["path"],
            "headers": {p["name"]: p["value"] for p in suggestion["headers"]},
            "query_params": {p["name"]: p["value"] for p in suggestion["query"]},
            "body_type": "JSON" if body_text else "None",
            "body": body,
        },
        "expectations": {"expected_status": sorted(set(suggestion["expected_status"]))},
    }


def _refuse(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class ScenarioSuggestions:
    """Requests, produces, reviews and commits suggestion lists (the llm log holds them)."""

    def __init__(self, llm: LlmApplication, endpoints: EndpointSource, suites: SuiteWriter) -> None:
        self._llm, self._endpoints, self._suites = llm, endpoints, suites

    def request(
        self, *, owner_id: UUID, project_id: UUID, endpoint_keys: list[str], meta: Meta
    ) -> Written:
        """This function will record a request for suggestions; the llm outbox hands it to a
        worker. Raises LlmNotConfiguredError, LimitExceededError, InvalidValueError,
        NotFoundError, ConflictError (unknown endpoints, no parsed active specification)."""
        self._llm.require_calls_left(owner_id)
        keys = list(dict.fromkeys(k.strip() for k in endpoint_keys))
        if not 1 <= len(keys) <= MAX_ENDPOINTS:
            raise InvalidValueError("endpoints", f"must name 1 to {MAX_ENDPOINTS} endpoints")
        self._endpoints.endpoints(project_id, owner_id, keys)
        return self._llm.written(
            SuggestionList(owner_id=owner_id, project_id=project_id, endpoint_keys=keys, meta=meta)
        )

    def suggestions(self, list_id: UUID, owner_id: UUID) -> SuggestionList:
        """This function will give one of the caller's lists. Raises NotFoundError."""
        found = self._find(list_id)
        if found is None or found.owner_id != owner_id:
            raise NotFoundError("suggestion list not found")
        return found

    def produce(self, list_id: UUID) -> None:
        """This function will ask the model for a Pending list's suggestions and hold them
        for review, or record why none came. A list past Pending is left alone (redelivery).
        Raises LlmUnavailableError (worth retrying)."""
        found = self._find(list_id)
        if found is None or found.status != SuggestionStatus.PENDING:
            return
        meta = Meta(
            user_id=str(found.owner_id),
            ip=None,
            user_agent="testament",
            correlation_id=None,
            reason=None,
        )
        endpoints = self._endpoints.endpoints(found.project_id, found.owner_id, found.endpoint_keys)
        templates = {f"{e['method'].upper()} {e['path']}": e["path"] for e in endpoints}

        def problems(answer: dict[str, Any]) -> list[str]:
            """Rules a schema cannot state: the path fills its endpoint, the case is valid."""
            found_problems = []
            for n, suggestion in enumerate(answer["suggestions"]):
                if not _matches(templates[suggestion["endpoint"]], suggestion["path"]):
                    found_problems.append(
                        f"suggestions/{n}/path: {suggestion['path']!r} is not a path of "
                        f"{suggestion['endpoint']}"
                    )
                    continue
                try:
                    fields = case_fields(suggestion)
                except ValueError as error:
                    found_problems.append(f"suggestions/{n}/json_body: {error}")
                    continue
                found_problems += [
                    f"suggestions/{n}/{p}" for p in self._suites.case_problems(fields)
                ]
            return found_problems

        context = "Endpoints (from the user's specification):\n" + untrusted(
            "endpoints", endpoints, ENDPOINT_CHARS * len(endpoints)
        )
        try:
            answer = self._llm.ask(
                Question(
                    user_id=found.owner_id,
                    kind=InteractionType.SCENARIO_SUGGESTION,
                    instructions=INSTRUCTIONS,
                    context=context,
                    schema_name="scenario_suggestions",
                    schema=suggestion_schema(list(templates)),
                    secrets=[],
                    meta=meta,
                    check=problems,
                )
            )
        except (LlmInvalidAnswerError, LimitExceededError) as error:
            found.give_up(reason=error.message[:1000], meta=meta)
            self._llm.save_and_locate(found)
            return
        items = answer.content["suggestions"]
        found.propose(
            cases=[case_fields(s) for s in items],
            rationales=[s["rationale"] for s in items],
            model=answer.model,
            tokens_used=answer.tokens,
            meta=meta,
        )
        self._llm.save_and_locate(found)

    def give_up(self, list_id: UUID, reason: str) -> None:
        """This function will record that a Pending list got no suggestion (retries ran out)."""
        found = self._find(list_id)
        if found is not None and found.status == SuggestionStatus.PENDING:
            meta = Meta(
                user_id=None, ip=None, user_agent="testament", correlation_id=None, reason=None
            )
            found.give_up(reason=reason, meta=meta)
            self._llm.save_and_locate(found)

    def review(
        self,
        *,
        list_id: UUID,
        owner_id: UUID,
        index: int,
        decision: Decision,
        case: dict[str, Any] | None,
        meta: Meta,
    ) -> Written:
        """This function will accept (as proposed, or edited), or reject one suggestion.
        Raises NotFoundError, InvalidValueError, SuggestionStateError."""
        found = self.suggestions(list_id, owner_id)
        if case is not None:
            refused = self._suites.case_problems(case)
            if refused:
                raise InvalidValueError("case", "; ".join(refused)[:1000])
        found.review(index=index, decision=decision, case=case, meta=meta)
        return self._llm.written(found)

    def commit(self, *, list_id: UUID, owner_id: UUID, name: str, meta: Meta) -> tuple[UUID, int]:
        """This function will make the accepted suggestions an LLMAssisted suite waiting for
        review, and record it on the list. Raises NotFoundError, SuggestionStateError,
        InvalidValueError."""
        found = self.suggestions(list_id, owner_id)
        found.require_committable()  # every check, before anything is written
        suite_id, position = self._suites.create_suite(
            project_id=found.project_id,
            owner_id=owner_id,
            name=name,
            cases=found.accepted_cases(),
            meta=meta,
        )
        found.commit(suite_id=str(suite_id), meta=meta)
        self._llm.save_and_locate(found)
        return suite_id, position

    def _find(self, list_id: UUID) -> SuggestionList | None:
        try:
            found = self._llm.load_version(list_id)
        except NotFoundError:
            return None
        return found if isinstance(found, SuggestionList) else None
