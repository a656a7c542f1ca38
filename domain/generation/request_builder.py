"""Building the valid request of an operation: its happy path.

Every value comes from the specification first (examples, defaults), then from the
schema. Path parameters another operation produces are ``{{variable}}`` placeholders;
credentials are placeholders too (``{{authToken}}``, ``{{apiKey}}``).
"""

import copy
import json
import random
from dataclasses import dataclass
from typing import Any

from domain.generation.constraints import SchemaReader
from domain.generation.credentials import Credential
from domain.generation.dependencies import DependencyPlan
from domain.generation.mutations import as_text, build_url, with_credential
from domain.generation.resources import endpoint_key, is_id_like, path_parameters
from domain.generation.responses import success_response
from domain.generation.values_from_schema import ValueSynthesiser
from domain.shared.json_fields import JsonValue
from domain.specifications.parsed import (
    ParameterLocation,
    ParsedEndpoint,
    ParsedParameter,
    ParsedRequestBody,
)
from domain.testing.values import BodyType, RequestSpec

_IGNORED_HEADERS = ("accept", "content-type", "authorization")
_SIMPLE_TYPES = ("string", "integer", "number", "boolean", "array", "object")
_SEGMENT_ATTEMPTS = 8


@dataclass(frozen=True, kw_only=True, slots=True)
class HappyRequest:
    """The valid request of an operation, with its resolved body schema and credentials."""

    request: RequestSpec
    body_schema: dict[str, Any]
    credentials: list[Credential]


class RequestBuilder:
    """A maker of valid requests and values, deterministic for a seed and an operation."""

    def __init__(self, *, plan: DependencyPlan, reader: SchemaReader, seed: int) -> None:
        self.plan = plan
        self.reader = reader
        self.seed = seed
        self._notes: list[str] = []

    def synthesise(self, schema: Any, salt: str) -> JsonValue:
        """This function will make a valid value, seeded by the seed and a stable salt."""
        synthesiser = ValueSynthesiser(self.reader, random.Random(f"{self.seed}:{salt}"))
        value = synthesiser.value(schema)
        self._notes.extend(note for note in synthesiser.notes if note not in self._notes)
        return value

    def take_notes(self) -> list[str]:
        """This function will hand over the notes on constraints missed so far, and forget them."""
        notes, self._notes = self._notes, []
        return notes

    def parameter_value(self, endpoint: ParsedEndpoint, parameter: ParsedParameter) -> JsonValue:
        """This function will give a valid value for a parameter, its own example first."""
        if parameter.examples:
            chosen: JsonValue = copy.deepcopy(parameter.examples[0])
            return chosen
        if parameter.default is not None:
            return parameter.default
        salt = f"{endpoint_key(endpoint)}:{parameter.location}:{parameter.name}"
        return self.synthesise(parameter_schema(parameter), salt)

    def happy(self, endpoint: ParsedEndpoint) -> HappyRequest:
        """This function will build the valid request of an operation."""
        key = endpoint_key(endpoint)
        credentials = self._credentials(key)
        headers: dict[str, str] = {}
        query: dict[str, str] = {}
        cookies: list[str] = []
        for parameter in endpoint.parameters:
            if parameter.location in (ParameterLocation.Path, ParameterLocation.Body):
                continue
            if not parameter.required and not _has_explicit_value(parameter):
                continue
            text = as_text(self.parameter_value(endpoint, parameter))
            if parameter.location == ParameterLocation.Query:
                query[parameter.name] = text
            elif parameter.location == ParameterLocation.Cookie:
                cookies.append(f"{parameter.name}={text}")
            elif parameter.name.lower() not in _IGNORED_HEADERS or (
                # An Authorization header declared as a plain parameter, with no security
                # scheme to fill it, is still required: left out, the valid request is refused.
                parameter.name.lower() == "authorization" and not credentials
            ):
                headers[parameter.name] = text
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        response = success_response(endpoint)
        if response is not None and response.content_type:
            headers["Accept"] = response.content_type
        body_type, body = self._body(endpoint, headers)
        path_params = self._path_params(endpoint)
        request = RequestSpec(
            method=endpoint.method.upper(),
            url=build_url(endpoint.path, path_params),
            headers=headers,
            path_params=path_params,
            query_params=query,
            body_type=body_type,
            body=body,
        )
        for credential in credentials:
            request = with_credential(request, credential, credential.value)
        body_schema = (
            self.reader.resolve(endpoint.request_body.schema) if endpoint.request_body else {}
        )
        return HappyRequest(request=request, body_schema=body_schema, credentials=credentials)

    def _credentials(self, key: str) -> list[Credential]:
        found = self.plan.credentials.get(key, [])
        if self.plan.auth is not None and key == self.plan.auth.endpoint_key:
            # The login cannot send the token it is about to obtain.
            return [credential for credential in found if not credential.uses_auth_token]
        return list(found)

    def _path_params(self, endpoint: ParsedEndpoint) -> dict[str, str]:
        key = endpoint_key(endpoint)
        declared = {
            item.name: item
            for item in endpoint.parameters
            if item.location == ParameterLocation.Path
        }
        values: dict[str, str] = {}
        for name in path_parameters(endpoint.path):
            binding = self.plan.binding(key, name)
            if binding is not None:
                values[name] = f"{{{{{binding.variable}}}}}"
                continue
            parameter = declared.get(name)
            text = self._segment(endpoint, parameter) if parameter else ""
            values[name] = text or ("1" if is_id_like(name) else name)
        return values

    def _segment(self, endpoint: ParsedEndpoint, parameter: ParsedParameter) -> str:
        """This function will give a path parameter's value that stays a path segment: "."
        and ".." are dot-segments every HTTP client removes (RFC 3986 5.2.4), so
        "/pages/." would address "/pages/"; another value of the schema is taken."""
        text = as_text(self.parameter_value(endpoint, parameter))
        if not _dot_segment(text):
            return text
        schema = parameter_schema(parameter)
        members = schema.get("enum")
        for member in members if isinstance(members, list) else []:
            if not _dot_segment(as_text(member)):
                return as_text(member)
        salt = f"{endpoint_key(endpoint)}:path:{parameter.name}"
        for attempt in range(1, _SEGMENT_ATTEMPTS + 1):
            text = as_text(self.synthesise(schema, f"{salt}:{attempt}"))
            if not _dot_segment(text):
                return text
        return ""

    def _body(
        self, endpoint: ParsedEndpoint, headers: dict[str, str]
    ) -> tuple[BodyType, JsonValue]:
        body = endpoint.request_body
        if body is None:
            return BodyType.None_, None
        value = self._body_value(endpoint, body)
        media = body.content_type.lower()
        if "json" in media or (not media and isinstance(value, dict | list)):
            headers["Content-Type"] = body.content_type or "application/json"
            return BodyType.JSON, value
        if "x-www-form-urlencoded" in media and isinstance(value, dict):
            headers["Content-Type"] = body.content_type
            return BodyType.UrlEncoded, value
        if "multipart/form-data" in media and isinstance(value, dict):
            # The executor writes Content-Type itself, with the multipart boundary it picks.
            return BodyType.FormData, value
        if body.content_type:
            headers["Content-Type"] = body.content_type
        return BodyType.Raw, value if isinstance(value, str) else json.dumps(value)

    def _body_value(self, endpoint: ParsedEndpoint, body: ParsedRequestBody) -> JsonValue:
        if body.examples:
            chosen = self._example(body)
            problems = self._breaks(body.schema, chosen) if body.schema else []
            if not problems:
                return chosen
            # xtrf.eu's examples are the text of an external file's address: sent as the
            # body they make a valid request invalid (and hang Prism 5's proxy).
            note = (
                f"the request body example {json.dumps(chosen)[:60]} breaks the body schema "
                f"({', '.join(problems)}); a valid body was generated"
            )
            if note not in self._notes:
                self._notes.append(note)
        if not body.schema:
            return {}
        return self.synthesise(body.schema, f"{endpoint_key(endpoint)}:body")

    def _breaks(self, schema: Any, value: JsonValue) -> list[str]:
        checker = ValueSynthesiser(self.reader, random.Random(self.seed))
        return checker.breaks(schema, value)

    @staticmethod
    def _example(body: ParsedRequestBody) -> JsonValue:
        chosen: JsonValue = copy.deepcopy(body.examples[0])
        if isinstance(chosen, str) and "json" in body.content_type.lower():
            # Postman and HAR keep raw bodies as text; a JSON body is sent as JSON.
            try:
                parsed: JsonValue = json.loads(chosen)
            except ValueError:
                return chosen
            return parsed
        return chosen


def _dot_segment(text: str) -> bool:
    return text in (".", "..")


def parameter_schema(parameter: ParsedParameter) -> dict[str, Any]:
    """This function will give a parameter's schema, or one made from its declared type."""
    if parameter.schema:
        return parameter.schema
    kind = parameter.data_type.split("|")[0]
    schema: dict[str, Any] = {"type": kind} if kind in _SIMPLE_TYPES else {}
    if parameter.format:
        schema["format"] = parameter.format
    return schema


def _has_explicit_value(parameter: ParsedParameter) -> bool:
    schema = parameter.schema
    explicit = parameter.default is not None or bool(parameter.examples)
    return explicit or any(key in schema for key in ("example", "examples", "default"))
