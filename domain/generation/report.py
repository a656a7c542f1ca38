"""The generation report of a suite: per operation, the rules applied, the values kept, the
values dropped and why, and the notes (statuses assumed, login chosen, types read).

It is stored with the suite, so it is bounded: at most ``MAX_VALUES`` kept and dropped
values per operation, value previews of ``preview`` length, and at most ``MAX_BYTES`` of
JSON in all (operations past that keep their counts, not their values, and the report
says it was cut).
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from domain.shared.json_fields import read_list, read_str, read_str_list

MAX_VALUES = 40
MAX_NOTES = 40
MAX_BYTES = 200_000


@dataclass(frozen=True, kw_only=True, slots=True)
class ReportedValue:
    """One generated value: the case it makes (`boundary:nights:maximum+1`), the value
    shown briefly, and for a dropped one, why."""

    case: str
    value: str = ""
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"case": self.case, "value": self.value, "reason": self.reason}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ReportedValue":
        return cls(
            case=read_str(data, "case"),
            value=read_str(data, "value"),
            reason=read_str(data, "reason"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class OperationReport:
    """What generation did for one operation."""

    endpoint_key: str
    rules: list[str] = field(default_factory=list)
    kept: list[ReportedValue] = field(default_factory=list)
    dropped: list[ReportedValue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kept_count: int = 0
    dropped_count: int = 0

    def bounded(self) -> "OperationReport":
        """This function will cut the lists to their bounds, keeping the full counts."""
        return replace(
            self,
            kept=self.kept[:MAX_VALUES],
            dropped=self.dropped[:MAX_VALUES],
            notes=self.notes[:MAX_NOTES],
            kept_count=max(self.kept_count, len(self.kept)),
            dropped_count=max(self.dropped_count, len(self.dropped)),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "endpoint_key": self.endpoint_key,
            "rules": list(self.rules),
            "kept": [item.to_json() for item in self.kept],
            "dropped": [item.to_json() for item in self.dropped],
            "notes": list(self.notes),
            "kept_count": self.kept_count,
            "dropped_count": self.dropped_count,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "OperationReport":
        return cls(
            endpoint_key=read_str(data, "endpoint_key"),
            rules=read_str_list(data, "rules"),
            kept=[ReportedValue.from_json(item) for item in read_list(data, "kept")],
            dropped=[ReportedValue.from_json(item) for item in read_list(data, "dropped")],
            notes=read_str_list(data, "notes"),
            kept_count=_count(data, "kept_count"),
            dropped_count=_count(data, "dropped_count"),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class GenerationReport:
    """What generation did for each operation, and the notes about the whole suite."""

    operations: list[OperationReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    truncated: bool = False

    def bounded(self) -> "GenerationReport":
        """This function will bound the report to what may be stored with the suite."""
        operations = [operation.bounded() for operation in self.operations]
        notes = self.notes[:MAX_NOTES]
        truncated = self.truncated or len(self.notes) > MAX_NOTES
        size = len(json.dumps({"notes": notes}))
        kept: list[OperationReport] = []
        for operation in operations:
            size += len(json.dumps(operation.to_json()))
            if size > MAX_BYTES:
                operation = replace(operation, kept=[], dropped=[], notes=operation.notes[:3])
                truncated = True
            kept.append(operation)
        return GenerationReport(operations=kept, notes=notes, truncated=truncated)

    def to_json(self) -> dict[str, Any]:
        return {
            "operations": [item.to_json() for item in self.operations],
            "notes": list(self.notes),
            "truncated": self.truncated,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "GenerationReport":
        return cls(
            operations=[OperationReport.from_json(item) for item in read_list(data, "operations")],
            notes=read_str_list(data, "notes"),
            truncated=data.get("truncated") is True,
        )


def _count(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
