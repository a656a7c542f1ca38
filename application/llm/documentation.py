"""Documentation parsing: free-text API documentation (Markdown, HTML, plain text) read by a
model into a draft Manual specification the user reviews (edit, accept, reject) before it
becomes a specification version through the manual-endpoint path.

The document is untrusted: credentials in it are masked before it is kept or sent, it is
bounded and quoted, and what the model reads is data checked like a typed-in endpoint. No
URL in the document or the answer is ever fetched: only paths are read (a server or base URL
the document names is not taken; a project's environments say where requests go, under the
outbound policy)."""

import json
import re
from typing import Any
from uuid import UUID

from application.llm.app import LlmApplication, Question
from application.llm.errors import LlmInvalidAnswerError
from application.llm.ports import ManualSpecifications
from application.llm.prompts import masked_credentials, untrusted
from application.shared.base import Written
from domain.llm.documentation import DocumentationDraft, DocumentFormat, DraftStatus
from domain.llm.model import InteractionType
from domain.shared.errors import InvalidValueError, NotFoundError
from domain.shared.meta import Meta
from domain.specifications.errors import SpecParseError
from domain.specifications.manual import manual_endpoint_from_fields
from domain.subscriptions.limits import LimitExceededError

MAX_DOCUMENT_CHARS = 60_000
MAX_ENDPOINTS = 50
MAX_ANSWER_TOKENS = 12_000  # about 50 endpoints with their parameters and schemas

INSTRUCTIONS = (
    "You read API documentation written for people and extract its HTTP endpoints: for "
    "each, the method, the path template starting with '/' (path parameters as {name}, no "
    "host, no query string), a summary, its parameters (path, query, header or cookie, with "
    "a JSON type), the JSON schema of its request body as text (empty when it has none) and "
    "its responses (status code, description, JSON schema as text or empty). Only what the "
    f"document states; at most {MAX_ENDPOINTS} endpoints. Say in `notes` what you could not "
    "read. Never copy credentials."
)

_TYPES = ["string", "integer", "number", "boolean", "array", "object"]
_PARAMETER = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "location", "required", "type", "description"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "location": {"type": "string", "enum": ["path", "query", "header", "cookie"]},
        "required": {"type": "boolean"},
        "type": {"type": "string", "enum": _TYPES},
        "description": {"type": "string", "maxLength": 500},
    },
}
_RESPONSE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["status_code", "description", "schema_json"],
    "properties": {
        "status_code": {"type": "string", "pattern": "^([1-5][0-9][0-9]|default)$"},
        "description": {"type": "string", "maxLength": 500},
        "schema_json": {"type": "string", "maxLength": 10000},
    },
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["endpoints", "notes"],
    "properties": {
        "endpoints": {
            "type": "array",
            "maxItems": MAX_ENDPOINTS,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "method",
                    "path",
                    "summary",
                    "parameters",
                    "request_body_schema_json",
                    "responses",
                ],
                "properties": {
                    "method": {
                        "type": "string",
                        "enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
                    },
                    "path": {"type": "string", "pattern": "^/", "maxLength": 500},
                    "summary": {"type": "string", "maxLength": 500},
                    "parameters": {"type": "array", "maxItems": 50, "items": _PARAMETER},
                    "request_body_schema_json": {"type": "string", "maxLength": 10000},
                    "responses": {"type": "array", "maxItems": 20, "items": _RESPONSE},
                },
            },
        },
        "notes": {"type": "string", "maxLength": 2000},
    },
}

_SCRIPT = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>|<!--.*?-->")


def readable(document: str, document_format: DocumentFormat) -> str:
    """This function will drop what a model need not read: scripts, styles, comments."""
    return _SCRIPT.sub(" ", document) if document_format == DocumentFormat.HTML else document


def _json_object(text: str, where: str) -> dict[str, Any] | None:
    """Raises ValueError."""
    if not text.strip():
        return None
    value = json.loads(text, parse_constant=_refuse)
    if not isinstance(value, dict):
        raise ValueError(f"{where}: must be a JSON object (a JSON schema)")
    return value


def _refuse(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def draft_endpoint(item: dict[str, Any]) -> dict[str, Any]:
    """This function will turn one endpoint of the answer into the fields a person types in
    for a manual endpoint (POST /projects/{id}/specs/{spec}/endpoints). Raises ValueError."""
    return {
        "method": item["method"],
        "path": item["path"],
        "operation_id": "",
        "summary": item["summary"],
        "description": "",
        "tags": [],
        "parameters": [
            {
                "name": p["name"],
                "location": p["location"],
                "required": p["required"],
                "schema": {"type": p["type"]},
                "description": p["description"],
            }
            for p in item["parameters"]
        ],
        "request_body_schema": _json_object(item["request_body_schema_json"], "request body"),
        "responses": [
            {
                "status_code": r["status_code"],
                "description": r["description"],
                "schema": _json_object(r["schema_json"], f"response {r['status_code']}") or {},
            }
            for r in item["responses"]
        ],
    }


def endpoint_problems(endpoints: list[dict[str, Any]], where: str = "endpoints") -> list[str]:
    """This function will say why drafted endpoints are not a valid Manual specification:
    each checked as a typed-in one, no method and path twice."""
    problems: list[str] = []
    seen: set[str] = set()
    for n, fields in enumerate(endpoints):
        try:
            endpoint = manual_endpoint_from_fields(fields)
        except SpecParseError as error:
            problems += [f"{where}/{n}/{i.location}: {i.message}" for i in error.issues]
            continue
        except (KeyError, TypeError, ValueError) as error:
            problems.append(f"{where}/{n}: {error}")
            continue
        key = f"{endpoint.method} {endpoint.path}"
        if key in seen:
            problems.append(f"{where}/{n}: {key} is given twice")
        seen.add(key)
    return problems


class DocumentationParsing:
    """Requests, produces and reviews documentation drafts (the llm log holds them)."""

    def __init__(self, llm: LlmApplication, specifications: ManualSpecifications) -> None:
        self._llm, self._specifications = llm, specifications

    def request(
        self,
        *,
        owner_id: UUID,
        project_id: UUID,
        name: str,
        document_format: DocumentFormat,
        document: str,
        meta: Meta,
    ) -> Written:
        """This function will keep a document (credentials masked) for a worker to read.
        Raises LlmNotConfiguredError, LimitExceededError, InvalidValueError, NotFoundError,
        ProjectArchivedError."""
        self._llm.require_calls_left(owner_id)
        if not document.strip():
            raise InvalidValueError("content", "the document is empty")
        if len(document) > MAX_DOCUMENT_CHARS:
            raise InvalidValueError(
                "content", f"the document is over {MAX_DOCUMENT_CHARS} characters"
            )
        self._specifications.require_project(project_id, owner_id)
        return self._llm.written(
            DocumentationDraft(
                owner_id=owner_id,
                project_id=project_id,
                name=name,
                document_format=document_format.value,
                document=masked_credentials(document),
                meta=meta,
            )
        )

    def draft(self, draft_id: UUID, owner_id: UUID) -> DocumentationDraft:
        """This function will give one of the caller's drafts. Raises NotFoundError."""
        found = self._find(draft_id)
        if found is None or found.owner_id != owner_id:
            raise NotFoundError("documentation draft not found")
        return found

    def produce(self, draft_id: UUID) -> None:
        """This function will ask the model to read a Pending draft's document and hold the
        endpoints for review, or record why none came. Raises LlmUnavailableError."""
        found = self._find(draft_id)
        if found is None or found.status != DraftStatus.PENDING:
            return
        meta = Meta(
            user_id=str(found.owner_id),
            ip=None,
            user_agent="testament",
            correlation_id=None,
            reason="documentation parsing",
        )

        def problems(answer: dict[str, Any]) -> list[str]:
            drafted: list[dict[str, Any]] = []
            found_problems: list[str] = []
            for n, item in enumerate(answer["endpoints"]):
                try:
                    drafted.append(draft_endpoint(item))
                except ValueError as error:
                    found_problems.append(f"endpoints/{n}: {error}")
            return found_problems or endpoint_problems(drafted)

        document_format = DocumentFormat(found.document_format)
        context = f"API documentation ({document_format.value}):\n" + untrusted(
            "documentation", readable(found.document, document_format), MAX_DOCUMENT_CHARS
        )
        try:
            answer = self._llm.ask(
                Question(
                    user_id=found.owner_id,
                    kind=InteractionType.DOCUMENTATION_PARSING,
                    instructions=INSTRUCTIONS,
                    context=context,
                    schema_name="api_documentation",
                    schema=SCHEMA,
                    secrets=[],
                    meta=meta,
                    check=problems,
                    max_tokens=MAX_ANSWER_TOKENS,
                )
            )
        except (LlmInvalidAnswerError, LimitExceededError) as error:
            found.give_up(reason=error.message[:1000], meta=meta)
            self._llm.save_and_locate(found)
            return
        found.extract(
            endpoints=[draft_endpoint(item) for item in answer.content["endpoints"]],
            notes=answer.content["notes"],
            model=answer.model[:100],
            tokens_used=answer.tokens,
            meta=meta,
        )
        self._llm.save_and_locate(found)

    def give_up(self, draft_id: UUID, reason: str) -> None:
        """This function will record that a Pending draft got no answer (retries ran out)."""
        found = self._find(draft_id)
        if found is not None and found.status == DraftStatus.PENDING:
            meta = Meta(
                user_id=None, ip=None, user_agent="testament", correlation_id=None, reason=None
            )
            found.give_up(reason=reason[:1000], meta=meta)
            self._llm.save_and_locate(found)

    def edit(
        self, *, draft_id: UUID, owner_id: UUID, endpoints: list[dict[str, Any]], meta: Meta
    ) -> Written:
        """This function will replace a Ready draft's endpoints with the reviewer's. Raises
        NotFoundError, DraftStateError, InvalidValueError."""
        found = self.draft(draft_id, owner_id)
        refused = endpoint_problems(endpoints)
        if refused:
            raise InvalidValueError("endpoints", "; ".join(refused)[:2000])
        found.edit(endpoints=endpoints, meta=meta)
        return self._llm.written(found)

    def accept(
        self, *, draft_id: UUID, owner_id: UUID, name: str | None, meta: Meta
    ) -> tuple[UUID, int]:
        """This function will make a Ready draft a Manual specification of its project, its
        endpoints added in the same save, and record it on the draft. Raises NotFoundError,
        DraftStateError, and what creating a manual specification raises."""
        found = self.draft(draft_id, owner_id)
        found.require_acceptable()  # every check, before anything is written
        spec_id, position = self._specifications.create(
            project_id=found.project_id,
            owner_id=owner_id,
            name=name or found.name,
            endpoints=found.endpoints,
            meta=meta,
        )
        found.accept(spec_id=str(spec_id), meta=meta)
        self._llm.save_and_locate(found)
        return spec_id, position

    def reject(self, *, draft_id: UUID, owner_id: UUID, meta: Meta) -> Written:
        """This function will drop a Ready draft; nothing becomes a specification."""
        found = self.draft(draft_id, owner_id)
        found.reject(meta=meta)
        return self._llm.written(found)

    def _find(self, draft_id: UUID) -> DocumentationDraft | None:
        try:
            found = self._llm.load_version(draft_id)
        except NotFoundError:
            return None
        return found if isinstance(found, DocumentationDraft) else None
