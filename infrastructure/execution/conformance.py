"""Conformance of a response to its operation in the run's OpenAPI document (openapi-core).

The document's servers rarely match the environment under test (a spec names production,
the run targets staging), so the document is read with a single relative server ``/``
and the operation is found by the path template of the case's endpoint key
(``GET /pets/{petId}``) instead of by the URL that was called.
"""

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.validation.response.exceptions import MissingData

from infrastructure.execution.response import is_json_type
from infrastructure.execution.schemas import WRITE_ONLY

_HOST = "http://testament.invalid"
_MAX_ERRORS = 5


@dataclass
class _OperationRequest:
    """The request side openapi-core needs to find an operation: its method and path template."""

    path_pattern: str
    method: str
    host_url: str = _HOST
    parameters: RequestParameters = field(default_factory=RequestParameters)
    body: bytes | None = None
    content_type: str = ""

    @property
    def path(self) -> str:
        """This function will give the request path, which is the operation's template."""
        return self.path_pattern


@dataclass(frozen=True)
class _Response:
    """A received response as openapi-core reads it."""

    status_code: int
    content_type: str
    headers: Mapping[str, str]
    data: bytes


def _without_servers(document: dict[str, Any]) -> dict[str, Any]:
    """This function will give the document with one relative server and no others."""
    paths: dict[str, Any] = {}
    for template, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            paths[template] = item
            continue
        item = {key: value for key, value in item.items() if key != "servers"}
        for method, operation in list(item.items()):
            if isinstance(operation, dict) and "servers" in operation:
                item[method] = {k: v for k, v in operation.items() if k != "servers"}
        paths[template] = item
    return {**document, "servers": [{"url": "/"}], "paths": paths}


def _media_types(node: Any, depth: int = 0) -> Iterator[str]:
    """This function will list the media types named under every `content` of the document."""
    if depth > 12:
        return
    if isinstance(node, dict):
        content = node.get("content")
        if isinstance(content, dict):
            yield from (str(media) for media in content)
        for value in node.values():
            yield from _media_types(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            yield from _media_types(value, depth + 1)


def _json_loads(data: bytes | str, **_: Any) -> Any:
    return json.loads(data)


def _json_deserializers(document: dict[str, Any]) -> dict[str, Any]:
    """This function will read every JSON media type of the document as JSON.

    openapi-core parses `application/json` only: a documented `application/problem+json`
    error was checked as raw bytes ("b'{...}' is not of type 'object'") and failed a case
    whose response conformed, while other `+json` types went unchecked.
    """
    return {
        media.split(";", 1)[0].strip().lower(): _json_loads
        for media in set(_media_types(document.get("paths")))
        | set(_media_types(document.get("components")))
        if is_json_type(media) and media.split(";", 1)[0].strip().lower() != "application/json"
    }


def _follow(document: dict[str, Any], node: Any, hops: int = 10) -> dict[str, Any]:
    """This function will follow local `$ref`s (a bounded chain) to the object they name."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops > 0:
        ref: str = node["$ref"]
        if not ref.startswith("#/"):
            return {}
        target: Any = document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        node, hops = target, hops - 1
    return node if isinstance(node, dict) else {}


def _describe(error: Exception) -> list[str]:
    """This function will spell out an openapi-core error, schema errors one by one."""
    cause = error.__cause__
    schema_errors = getattr(cause, "schema_errors", None)
    if schema_errors:
        kept = [e for e in schema_errors if e.validator != WRITE_ONLY]
        return [f"{e.json_path}: {e.message}" for e in kept]
    text = str(error)
    prefix = f"{type(error).__name__}: "
    return [text.removeprefix(prefix) or type(error).__name__]


class OpenApiConformance:
    """The run's OpenAPI document, ready to judge responses against their operations."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._api: OpenAPI | None = None
        self._problem = ""
        self._document = document
        try:
            # The document was validated when it was uploaded; validating it per run is slow.
            config = Config(
                spec_validator_cls=None,
                extra_media_type_deserializers=_json_deserializers(document),
            )
            self._api = OpenAPI.from_dict(_without_servers(document), config=config)
        except Exception as error:  # any defect of the document shows in each check instead
            self._problem = f"the OpenAPI document cannot be used ({type(error).__name__}: {error})"

    def documents_status(self, endpoint_key: str, status: int) -> bool:
        """This function will tell whether the operation documents a status (exactly, by its
        range such as 4XX, or by `default`); an operation it cannot find documents nothing."""
        method, _, template = endpoint_key.partition(" ")
        operation = ((self._document.get("paths") or {}).get(template) or {}).get(method.lower())
        if not isinstance(operation, dict):
            return False
        documented = {str(code).upper() for code in (operation.get("responses") or {})}
        return bool({str(status), f"{str(status)[0]}XX", "DEFAULT"} & documented)

    def _response(self, method: str, template: str, status: int) -> dict[str, Any] | None:
        """This function will find the response an operation documents for a status: exact,
        then its range (2XX), then `default`; a local `$ref` is followed."""
        operation = ((self._document.get("paths") or {}).get(template) or {}).get(method)
        if not isinstance(operation, dict) or not isinstance(operation.get("responses"), dict):
            return None
        responses = {str(code).upper(): value for code, value in operation["responses"].items()}
        for code in (str(status), f"{str(status)[0]}XX", "DEFAULT"):
            if code in responses:
                return _follow(self._document, responses[code])
        return None

    def _documented_spelling(
        self, method: str, template: str, status: int, content_type: str
    ) -> str:
        """This function will give the media type as the document spells it when the two
        differ only in case or spaces: types and charset values are case-insensitive
        (RFC 9110 8.3.1), so `charset=utf-8` answers `charset=UTF-8` (xtrf.eu)."""

        def canonical(text: str) -> str:
            return "".join(text.split()).lower()

        wanted = canonical(content_type)
        content = (self._response(method, template, status) or {}).get("content")
        for documented in content if isinstance(content, dict) else {}:
            if canonical(str(documented)) == wanted:
                return str(documented)
        return content_type.lower()

    def _documents_no_response(self, method: str, template: str) -> bool:
        operation = ((self._document.get("paths") or {}).get(template) or {}).get(method)
        return isinstance(operation, dict) and not operation.get("responses")

    def _requires_body(self, method: str, template: str, status: int) -> bool:
        """This function will tell whether a documented response asks for a body: one of its
        media types has a schema."""
        documented = self._response(method, template, status)
        content = (documented or {}).get("content")
        if not isinstance(content, dict):
            return False
        return any(
            isinstance(media, dict) and _follow(self._document, media).get("schema") is not None
            for media in content.values()
        )

    def errors(
        self,
        endpoint_key: str,
        status: int,
        content_type: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> list[str]:
        """This function will list how a response departs from its operation (empty: conforms)."""
        if self._api is None:
            return [self._problem]
        method, _, template = endpoint_key.partition(" ")
        if not template.startswith("/"):
            return [f"the endpoint key {endpoint_key!r} does not name an operation"]
        if self._documents_no_response(method.lower(), template):
            # OpenAPI 3.1 lets an operation leave `responses` out: it promises nothing a
            # response could break (openapi-core would raise KeyError: 'responses').
            return []
        request = _OperationRequest(path_pattern=template, method=method.lower())
        spelled = self._documented_spelling(method.lower(), template, status, content_type)
        response = _Response(status, spelled, headers, body)
        found: list[str] = []
        # An empty body is what a response documented without a schema (`content: {}`, a
        # 204, a bare 401) promises; only a documented media type with a schema asks for data.
        empty_allowed = not body and not self._requires_body(method.lower(), template, status)
        try:
            for error in self._api.iter_response_errors(request, response):
                if empty_allowed and isinstance(error, MissingData):
                    continue
                found.extend(_describe(error))
                if len(found) >= _MAX_ERRORS:
                    break
        except Exception as error:  # openapi-core raises for documents it cannot follow
            found.append(f"{type(error).__name__}: {error}")
        return found[:_MAX_ERRORS]
