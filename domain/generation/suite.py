"""What rule-based generation produces: cases, and a proposed order to run them in.

All of it is plain data with exact JSON round trips, ready to travel in domain events.
A suite checks that its case keys are unique, that every dependency names a case of
the suite, and that its proposal places each case once, after its dependencies.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from domain.generation.report import GenerationReport
from domain.shared.errors import InvalidValueError
from domain.shared.json_fields import (
    JsonObject,
    read_enum,
    read_int,
    read_list,
    read_str,
    read_str_list,
)
from domain.testing.values import (
    DataSet,
    Expectations,
    Priority,
    RequestSpec,
    TestType,
    VariableExtraction,
)

MAX_NAME_LENGTH = 200


@dataclass(frozen=True, kw_only=True, slots=True)
class GeneratedCase:
    """A test case generated from a specification, keyed stably ("GET /pets#happy")."""

    key: str
    name: str
    description: str
    endpoint_key: str
    test_type: TestType
    priority: Priority
    tags: list[str]
    request: RequestSpec
    expectations: Expectations
    variables: list[VariableExtraction] = field(default_factory=list)
    data_sets: list[DataSet] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.key or not self.key.startswith(f"{self.endpoint_key}#"):
            raise InvalidValueError("key", "must be the endpoint key, '#', and a suffix")
        if not self.name.strip() or len(self.name) > MAX_NAME_LENGTH:
            raise InvalidValueError("name", f"must be 1 to {MAX_NAME_LENGTH} characters")
        if self.key in self.depends_on:
            raise InvalidValueError("depends_on", "a case cannot depend on itself")
        TestType(self.test_type)
        Priority(self.priority)

    def to_json(self) -> JsonObject:
        """This function will give the case as plain data."""
        return {
            "key": self.key,
            "name": self.name,
            "description": self.description,
            "endpoint_key": self.endpoint_key,
            "test_type": self.test_type.value,
            "priority": self.priority.value,
            "tags": list(self.tags),
            "request": self.request.to_json(),
            "expectations": self.expectations.to_json(),
            "variables": [variable.to_json() for variable in self.variables],
            "data_sets": [data_set.to_json() for data_set in self.data_sets],
            "depends_on": list(self.depends_on),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild a case from ``to_json`` output."""
        return cls(
            key=read_str(data, "key"),
            name=read_str(data, "name"),
            description=read_str(data, "description"),
            endpoint_key=read_str(data, "endpoint_key"),
            test_type=read_enum(TestType, data, "test_type"),
            priority=read_enum(Priority, data, "priority"),
            tags=read_str_list(data, "tags"),
            request=RequestSpec.from_json(_object(data, "request")),
            expectations=Expectations.from_json(_object(data, "expectations")),
            variables=[VariableExtraction.from_json(item) for item in read_list(data, "variables")],
            data_sets=[DataSet.from_json(item) for item in read_list(data, "data_sets")],
            depends_on=read_str_list(data, "depends_on"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class ProposedPosition:
    """One case's place in a proposed order (1-based), and why it sits there."""

    case_key: str
    position: int
    reason: str

    def __post_init__(self) -> None:
        if isinstance(self.position, bool) or self.position < 1:
            raise InvalidValueError("position", "must be 1 or more")

    def to_json(self) -> JsonObject:
        """This function will give the position as plain data."""
        return {"case_key": self.case_key, "position": self.position, "reason": self.reason}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild a position from ``to_json`` output."""
        return cls(
            case_key=read_str(data, "case_key"),
            position=read_int(data, "position"),
            reason=read_str(data, "reason"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class GeneratedProposal:
    """A System proposal of the order to run cases in, with what it took into account."""

    order: list[ProposedPosition]
    considered_factors: list[str]
    summary: str = ""

    def __post_init__(self) -> None:
        positions = [item.position for item in self.order]
        if sorted(positions) != list(range(1, len(positions) + 1)):
            raise InvalidValueError("order", "positions must run 1, 2, 3... without gaps")
        keys = [item.case_key for item in self.order]
        if len(set(keys)) != len(keys):
            raise InvalidValueError("order", "a case may only be placed once")

    def keys_in_order(self) -> list[str]:
        """This function will list the case keys by position."""
        return [item.case_key for item in sorted(self.order, key=lambda item: item.position)]

    def to_json(self) -> JsonObject:
        """This function will give the proposal as plain data."""
        return {
            "order": [item.to_json() for item in self.order],
            "considered_factors": list(self.considered_factors),
            "summary": self.summary,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild a proposal from ``to_json`` output."""
        return cls(
            order=[ProposedPosition.from_json(item) for item in read_list(data, "order")],
            considered_factors=read_str_list(data, "considered_factors"),
            summary=read_str(data, "summary"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class GeneratedSuite:
    """The cases generated for a specification, listed in their proposed order."""

    cases: list[GeneratedCase]
    proposal: GeneratedProposal
    notes: list[str] = field(default_factory=list)
    report: GenerationReport = field(default_factory=GenerationReport)

    def __post_init__(self) -> None:
        keys = [case.key for case in self.cases]
        if len(set(keys)) != len(keys):
            raise InvalidValueError("cases", "case keys must be unique")
        ordered = self.proposal.keys_in_order()
        if sorted(ordered) != sorted(keys):
            raise InvalidValueError("proposal", "must place every case of the suite exactly once")
        place = {key: index for index, key in enumerate(ordered)}
        for case in self.cases:
            for needed in case.depends_on:
                if needed not in place:
                    raise InvalidValueError("depends_on", f"'{needed}' is not a case of the suite")
                if place[needed] > place[case.key]:
                    raise InvalidValueError("proposal", f"'{case.key}' is placed before '{needed}'")

    def case(self, key: str) -> GeneratedCase:
        """This function will find a case by key, raising ``KeyError`` if there is none."""
        for case in self.cases:
            if case.key == key:
                return case
        raise KeyError(key)

    def to_json(self) -> JsonObject:
        """This function will give the suite as plain data."""
        return {
            "cases": [case.to_json() for case in self.cases],
            "proposal": self.proposal.to_json(),
            "notes": list(self.notes),
            "report": self.report.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild a suite from ``to_json`` output."""
        return cls(
            cases=[GeneratedCase.from_json(item) for item in read_list(data, "cases")],
            proposal=GeneratedProposal.from_json(_object(data, "proposal")),
            notes=read_str_list(data, "notes"),
            report=GenerationReport.from_json(data.get("report") or {}),
        )


def _object(data: Mapping[str, Any], key: str) -> JsonObject:
    value = data.get(key)
    if not isinstance(value, dict):
        raise InvalidValueError(key, "must be an object")
    return value
