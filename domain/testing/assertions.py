"""Named assertions: one per test of a script (a Postman ``pm.test``), checked as a whole.

A case's plain expectations are anonymous and all must hold. A script names its tests and
lets each pass or fail on its own, and a test the importer could not translate is kept
with its source, so that a run can say it was not evaluated instead of dropping it.
"""

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Self

from domain.shared.errors import InvalidValueError
from domain.shared.json_fields import (
    JsonObject,
    JsonValue,
    read_bool,
    read_enum,
    read_objects,
    read_str,
    require_json,
)

MAX_ASSERTION_NAME = 300
MAX_SOURCE = 10_000


class Subject(StrEnum):
    """What part of a response a condition reads."""

    Status = "status"  # the status code, a number
    Header = "header"  # the value of the header named by ``target``
    Body = "body"  # the body as text
    Json = "json"  # the value the JSONPath ``target`` selects in the JSON body
    Time = "time"  # the response time in milliseconds
    Schema = "schema"  # the JSON body, checked against the schema in ``expected``


class Operator(StrEnum):
    """A comparison a condition applies (``negate`` turns it around)."""

    Exists = "exists"
    NotNull = "not_null"
    Equals = "equals"
    OneOf = "one_of"
    Contains = "contains"
    Matches = "matches"
    Gt = "gt"
    Gte = "gte"
    Lt = "lt"
    Lte = "lte"
    Type = "type"
    Length = "length"
    HasKey = "has_key"
    Valid = "valid"  # Schema only


@dataclass(frozen=True, kw_only=True, slots=True)
class Condition:
    """One comparison on one part of a response."""

    subject: Subject
    operator: Operator
    target: str = ""
    expected: JsonValue = None
    negate: bool = False

    def __post_init__(self) -> None:
        subject, operator = Subject(self.subject), Operator(self.operator)
        if subject == Subject.Json and not self.target.startswith("$"):
            raise InvalidValueError("target", "must be a JSONPath starting with $")
        if subject == Subject.Header and not self.target:
            raise InvalidValueError("target", "must name the header")
        if (subject == Subject.Schema) != (operator == Operator.Valid):
            raise InvalidValueError("operator", "'valid' goes with the schema, and only with it")
        if subject == Subject.Schema and not isinstance(self.expected, dict):
            raise InvalidValueError("expected", "must be a JSON Schema object")
        require_json("expected", self.expected)

    def to_json(self) -> JsonObject:
        """This function will give the condition as plain data."""
        return {
            "subject": self.subject.value,
            "operator": self.operator.value,
            "target": self.target,
            "expected": copy.deepcopy(self.expected),
            "negate": self.negate,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild a condition from ``to_json`` output."""
        return cls(
            subject=read_enum(Subject, data, "subject"),
            operator=read_enum(Operator, data, "operator"),
            target=read_str(data, "target") if "target" in data else "",
            expected=copy.deepcopy(data.get("expected")),
            negate=read_bool(data, "negate") if "negate" in data else False,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class NamedAssertion:
    """A named test: it passes when every condition holds, and counts only when every
    guard holds (a test inside ``if (...) { }`` that does not run is no test at all).

    ``translated`` false keeps a test that could not be turned into conditions: a run
    shows it as not evaluated, with its ``source``.
    """

    name: str
    conditions: list[Condition] = field(default_factory=list)
    guards: list[Condition] = field(default_factory=list)
    translated: bool = True
    source: str = ""

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > MAX_ASSERTION_NAME:
            raise InvalidValueError("name", f"must be 1 to {MAX_ASSERTION_NAME} characters")
        if self.translated and not self.conditions:
            raise InvalidValueError("conditions", "a translated assertion needs a condition")
        if len(self.source) > MAX_SOURCE:
            raise InvalidValueError("source", f"must be at most {MAX_SOURCE} characters")

    def to_json(self) -> JsonObject:
        """This function will give the assertion as plain data."""
        return {
            "name": self.name,
            "conditions": [c.to_json() for c in self.conditions],
            "guards": [c.to_json() for c in self.guards],
            "translated": self.translated,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild an assertion from ``to_json`` output."""
        return cls(
            name=read_str(data, "name"),
            conditions=[Condition.from_json(c) for c in read_objects(data, "conditions")],
            guards=[Condition.from_json(c) for c in read_objects(data, "guards")]
            if "guards" in data
            else [],
            translated=read_bool(data, "translated") if "translated" in data else True,
            source=read_str(data, "source") if "source" in data else "",
        )
