"""What a response must satisfy: statuses, schema, header and JSONPath checks."""

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from domain.shared.errors import InvalidValueError
from domain.shared.json_fields import (
    JsonObject,
    JsonValue,
    read_enum,
    read_int,
    read_list,
    read_object,
    read_objects,
    read_optional_int,
    read_optional_str,
    read_str,
    read_str_list,
    require_json,
)
from domain.testing.assertions import MAX_SOURCE, NamedAssertion
from domain.testing.enums import JSON_TYPE_NAMES, CheckOperator, HeaderOperator
from domain.testing.rules import (
    require_duration,
    require_header_name,
    require_regex,
    require_status,
)

MAX_SCRIPTS = 20 * MAX_SOURCE  # characters, all the sandbox scripts of a case together
_ORDERING = (CheckOperator.Gt, CheckOperator.Gte, CheckOperator.Lt, CheckOperator.Lte)


@dataclass(frozen=True, kw_only=True, slots=True)
class JsonPathCheck:
    """A check on the part of a JSON response body a JSONPath selects."""

    path: str
    operator: CheckOperator
    expected: JsonValue = None

    def __post_init__(self) -> None:
        if not self.path.startswith("$"):
            raise InvalidValueError("path", f"'{self.path}' is not a JSONPath (must start with $)")
        operator = CheckOperator(self.operator)
        require_json("expected", self.expected)
        if operator == CheckOperator.Matches:
            require_regex("expected", self.expected)
        elif operator in _ORDERING and (
            isinstance(self.expected, bool) or not isinstance(self.expected, int | float)
        ):
            raise InvalidValueError("expected", f"must be a number for '{operator}'")
        elif operator == CheckOperator.Type and self.expected not in JSON_TYPE_NAMES:
            raise InvalidValueError("expected", f"must be one of {', '.join(JSON_TYPE_NAMES)}")
        elif operator == CheckOperator.Length and (
            isinstance(self.expected, bool)
            or not isinstance(self.expected, int)
            or self.expected < 0
        ):
            raise InvalidValueError("expected", "must be a non-negative integer for 'length'")

    def to_json(self) -> JsonObject:
        """This function will give the check as plain data."""
        return {
            "path": self.path,
            "operator": self.operator.value,
            "expected": copy.deepcopy(self.expected),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild a check from ``to_json`` output."""
        return cls(
            path=read_str(data, "path"),
            operator=read_enum(CheckOperator, data, "operator"),
            expected=copy.deepcopy(data.get("expected")),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class HeaderCheck:
    """A check on one response header: present, equal to a value, or matching a regex."""

    name: str
    operator: HeaderOperator
    expected: str | None = None

    def __post_init__(self) -> None:
        require_header_name("name", self.name)
        operator = HeaderOperator(self.operator)
        if operator == HeaderOperator.Present and self.expected is not None:
            raise InvalidValueError("expected", "must be null for a presence check")
        if operator == HeaderOperator.Equals and not isinstance(self.expected, str):
            raise InvalidValueError("expected", "must be the text the header should equal")
        if operator == HeaderOperator.Matches:
            require_regex("expected", self.expected)

    def to_json(self) -> JsonObject:
        """This function will give the check as plain data."""
        return {"name": self.name, "operator": self.operator.value, "expected": self.expected}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild a check from ``to_json`` output."""
        return cls(
            name=read_str(data, "name"),
            operator=read_enum(HeaderOperator, data, "operator"),
            expected=read_optional_str(data, "expected"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class Expectations:
    """What a response must satisfy for a test case to pass.

    ``any_status`` accepts every status (an imported Postman request checks its status only
    in its named ``assertions``, if at all); ``expected_status`` is then empty.

    ``scripts`` are the parts of Postman test scripts the importer could not translate:
    a run executes them in a JavaScript sandbox, and their tests judge the case too.
    """

    expected_status: list[int]
    response_schema: JsonObject | None = None
    header_checks: list[HeaderCheck] = field(default_factory=list)
    body_contains: list[str] = field(default_factory=list)
    body_not_contains: list[str] = field(default_factory=list)
    jsonpath_checks: list[JsonPathCheck] = field(default_factory=list)
    max_response_time_ms: int | None = None
    any_status: bool = False
    assertions: list[NamedAssertion] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not all(isinstance(script, str) and script.strip() for script in self.scripts):
            raise InvalidValueError("scripts", "must be a list of non-empty scripts")
        if sum(len(script) for script in self.scripts) > MAX_SCRIPTS:
            raise InvalidValueError("scripts", f"must be at most {MAX_SCRIPTS} characters")
        if self.any_status and self.expected_status:
            raise InvalidValueError("expected_status", "must be empty when any status is accepted")
        if not self.expected_status and not self.any_status:
            raise InvalidValueError("expected_status", "must name at least one status code")
        for status in self.expected_status:
            require_status("expected_status", status)
        if len(set(self.expected_status)) != len(self.expected_status):
            raise InvalidValueError("expected_status", "must not repeat a status code")
        if self.response_schema is not None:
            if not isinstance(self.response_schema, dict):
                raise InvalidValueError("response_schema", "must be a JSON Schema object")
            require_json("response_schema", self.response_schema)
        for field_name in ("body_contains", "body_not_contains"):
            texts = getattr(self, field_name)
            if not all(isinstance(text, str) and text for text in texts):
                raise InvalidValueError(field_name, "must be a list of non-empty strings")
        if self.max_response_time_ms is not None:
            require_duration("max_response_time_ms", self.max_response_time_ms)

    def to_json(self) -> JsonObject:
        """This function will give the expectations as plain data."""
        data: JsonObject = {
            "expected_status": list(self.expected_status),
            "response_schema": copy.deepcopy(self.response_schema),
            "header_checks": [check.to_json() for check in self.header_checks],
            "body_contains": list(self.body_contains),
            "body_not_contains": list(self.body_not_contains),
            "jsonpath_checks": [check.to_json() for check in self.jsonpath_checks],
            "max_response_time_ms": self.max_response_time_ms,
        }
        # Only when used: cases written before them keep the same JSON.
        if self.any_status:
            data["any_status"] = True
        if self.assertions:
            data["assertions"] = [assertion.to_json() for assertion in self.assertions]
        if self.scripts:
            data["scripts"] = list(self.scripts)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild expectations from ``to_json`` output."""
        schema = data.get("response_schema")
        statuses = read_list(data, "expected_status")
        return cls(
            expected_status=[
                read_int({"expected_status": item}, "expected_status") for item in statuses
            ],
            response_schema=None
            if schema is None
            else copy.deepcopy(read_object(data, "response_schema")),
            header_checks=[
                HeaderCheck.from_json(item) for item in read_objects(data, "header_checks")
            ],
            body_contains=read_str_list(data, "body_contains"),
            body_not_contains=read_str_list(data, "body_not_contains"),
            jsonpath_checks=[
                JsonPathCheck.from_json(item) for item in read_objects(data, "jsonpath_checks")
            ],
            max_response_time_ms=read_optional_int(data, "max_response_time_ms"),
            any_status=data.get("any_status") is True,
            assertions=[
                NamedAssertion.from_json(item) for item in read_objects(data, "assertions")
            ],
            scripts=read_str_list(data, "scripts"),
        )
