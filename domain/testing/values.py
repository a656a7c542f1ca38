"""The value objects a test case is made of: its request, expectations, variables, data.

Each is a frozen keyword-only dataclass that checks itself when built and travels inside
domain events as plain JSON: ``from_json(x.to_json()) == x``, also after ``json.dumps``
and ``json.loads``. Enumerations are stored by value. The expectations and the
enumerations live in their own modules and are re-exported here, so this module stays
the one place to import the values of a test case from.
"""

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from domain.shared.errors import InvalidValueError
from domain.shared.json_fields import (
    JsonObject,
    JsonValue,
    read_bool,
    read_enum,
    read_int,
    read_objects,
    read_optional_str,
    read_str,
    read_str_map,
    require_json,
    require_str_map,
)
from domain.testing.checks import Expectations, HeaderCheck, JsonPathCheck
from domain.testing.enums import (
    JSON_TYPE_NAMES,
    BodyType,
    CheckOperator,
    ExtractionSource,
    HeaderOperator,
    Priority,
    TestType,
)
from domain.testing.rules import (
    HTTP_METHODS,
    MAX_TIMEOUT_MS,
    VARIABLE_NAME,
    require_duration,
    require_header_name,
    require_regex,
    require_status,
    require_variable_name,
)

__all__ = [
    "HTTP_METHODS",
    "JSON_TYPE_NAMES",
    "MAX_TIMEOUT_MS",
    "VARIABLE_NAME",
    "BodyType",
    "CheckOperator",
    "DataSet",
    "Expectations",
    "ExtractionSource",
    "HeaderCheck",
    "HeaderOperator",
    "JsonPathCheck",
    "Priority",
    "RequestSpec",
    "TestType",
    "VariableExtraction",
    "require_header_name",
    "require_regex",
    "require_status",
    "require_variable_name",
]

MAX_URL_LENGTH = 1000
_UNSAFE_TEXT = re.compile(r"[\r\n\x00]")
_URL_START = ("/", "{{", "http://", "https://")


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestSpec:
    """An HTTP request to send, its URL a path template under the environment's base URL.

    ``url`` carries path parameters either as ``{{variable}}`` placeholders or as literal
    values; ``path_params`` keeps the raw value of each. A JSON body is any JSON value,
    form bodies are objects, a raw body is text. ``without_credentials`` sends the request
    without the environment's authentication (a case about missing credentials).
    """

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    path_params: dict[str, str] = field(default_factory=dict)
    query_params: dict[str, str] = field(default_factory=dict)
    body_type: BodyType = BodyType.None_
    body: JsonValue = None
    timeout_ms: int = 30_000
    without_credentials: bool = False

    def __post_init__(self) -> None:
        if self.method not in HTTP_METHODS:
            raise InvalidValueError("method", f"'{self.method}' is not an HTTP method")
        if not self.url.startswith(_URL_START) or len(self.url) > MAX_URL_LENGTH:
            raise InvalidValueError(
                "url",
                f"must start with '/', '{{{{' or http(s):// and be at most {MAX_URL_LENGTH} characters",
            )
        if any(character.isspace() for character in self.url):
            raise InvalidValueError("url", "must not contain whitespace")
        require_str_map("headers", self.headers)
        for name, value in self.headers.items():
            require_header_name("headers", name)
            if _UNSAFE_TEXT.search(value):
                raise InvalidValueError("headers", f"the value of '{name}' has a line break")
        require_str_map("path_params", self.path_params)
        require_str_map("query_params", self.query_params)
        self._check_body()
        require_duration("timeout_ms", self.timeout_ms)
        if not isinstance(self.without_credentials, bool):
            raise InvalidValueError("without_credentials", "must be true or false")

    def _check_body(self) -> None:
        body_type = BodyType(self.body_type)
        if body_type == BodyType.None_ and self.body is not None:
            raise InvalidValueError("body", "must be null when the body type is None")
        if body_type in (BodyType.FormData, BodyType.UrlEncoded) and not isinstance(
            self.body, dict
        ):
            raise InvalidValueError("body", f"must be an object for a {body_type} body")
        if body_type == BodyType.Raw and not isinstance(self.body, str):
            raise InvalidValueError("body", "must be text for a Raw body")
        require_json("body", self.body)

    def to_json(self) -> JsonObject:
        """This function will give the request as plain data."""
        return {
            "method": self.method,
            "url": self.url,
            "headers": dict(self.headers),
            "path_params": dict(self.path_params),
            "query_params": dict(self.query_params),
            "body_type": self.body_type.value,
            "body": copy.deepcopy(self.body),
            "timeout_ms": self.timeout_ms,
            # Only when set: the requests of every case written before it stay as they were.
            **({"without_credentials": True} if self.without_credentials else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild a request from ``to_json`` output."""
        return cls(
            method=read_str(data, "method"),
            url=read_str(data, "url"),
            headers=read_str_map(data, "headers"),
            path_params=read_str_map(data, "path_params"),
            query_params=read_str_map(data, "query_params"),
            body_type=read_enum(BodyType, data, "body_type"),
            body=copy.deepcopy(data.get("body")),
            timeout_ms=read_int(data, "timeout_ms"),
            without_credentials=data.get("without_credentials", False),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class VariableExtraction:
    """A value read from a response into a ``{{variable}}`` for later requests.

    ``expression`` is a JSONPath (``$.id``) for the body, a header name for a header, a
    regex with one capturing group for a regex, and empty for the status code. A regex
    reads the body text, or the value of ``header_name`` when one is given (a ``Location``
    header, say). ``default`` is used when nothing matches.
    """

    name: str
    source: ExtractionSource
    expression: str
    default: str | None = None
    header_name: str | None = None

    def __post_init__(self) -> None:
        require_variable_name("name", self.name)
        source = ExtractionSource(self.source)
        if source == ExtractionSource.Body and not self.expression.startswith("$"):
            raise InvalidValueError("expression", "must be a JSONPath starting with $")
        if source == ExtractionSource.Header:
            require_header_name("expression", self.expression)
        if source == ExtractionSource.Regex:
            require_regex("expression", self.expression, min_groups=1)
        if source == ExtractionSource.Status and self.expression:
            raise InvalidValueError("expression", "must be empty for the status code")
        if self.header_name is not None:
            if source != ExtractionSource.Regex:
                raise InvalidValueError("header_name", "only a regex extraction reads a header")
            require_header_name("header_name", self.header_name)

    def to_json(self) -> JsonObject:
        """This function will give the extraction as plain data."""
        return {
            "name": self.name,
            "source": self.source.value,
            "expression": self.expression,
            "default": self.default,
            "header_name": self.header_name,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild an extraction from ``to_json`` output."""
        return cls(
            name=read_str(data, "name"),
            source=read_enum(ExtractionSource, data, "source"),
            expression=read_str(data, "expression"),
            default=read_optional_str(data, "default"),
            header_name=read_optional_str(data, "header_name"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class DataSet:
    """Rows of variable values a data-driven test case runs once per row."""

    name: str
    rows: list[dict[str, JsonValue]]
    enabled: bool = True

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > 100:
            raise InvalidValueError("name", "must be 1 to 100 characters")
        for row in self.rows:
            if not isinstance(row, dict):
                raise InvalidValueError("rows", "every row must be an object")
            for key in row:
                require_variable_name("rows", key)
        require_json("rows", self.rows)

    def to_json(self) -> JsonObject:
        """This function will give the data set as plain data."""
        return {"name": self.name, "rows": copy.deepcopy(self.rows), "enabled": self.enabled}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild a data set from ``to_json`` output."""
        return cls(
            name=read_str(data, "name"),
            rows=[dict(row) for row in read_objects(data, "rows")],
            enabled=read_bool(data, "enabled"),
        )
