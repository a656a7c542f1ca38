"""A generated case before it gets its key, dependencies and place in the suite."""

import json
from dataclasses import dataclass

from domain.generation.expectations import refusal_expectations
from domain.shared.json_fields import JsonValue
from domain.testing.values import Expectations, Priority, RequestSpec, TestType

_PREVIEW = 40


@dataclass(frozen=True, kw_only=True, slots=True)
class CaseDraft:
    """A case of one operation: what it sends, what it expects, and why it exists.

    ``suffix`` follows the operation key after "#" ("boundary:name:maxLength+1").
    """

    suffix: str
    title: str
    description: str
    test_type: TestType
    priority: Priority
    tags: list[str]
    request: RequestSpec
    expectations: Expectations
    value: str = ""  # the value it probes, shown briefly (boundaries), for the report


def negative_draft(
    suffix: str,
    title: str,
    what: str,
    request: RequestSpec,
    statuses: list[int],
    *,
    tags: list[str],
    priority: Priority = Priority.Medium,
) -> CaseDraft:
    """This function will draft a negative case: a request that must get one of ``statuses``."""
    return CaseDraft(
        suffix=f"negative:{suffix}",
        title=title,
        description=f"{what}; expects {statuses_text(statuses)}.",
        test_type=TestType.Negative,
        priority=priority,
        tags=["negative", *tags],
        request=request,
        expectations=refusal_expectations(statuses),
    )


def preview(value: JsonValue) -> str:
    """This function will show a value briefly, for case descriptions."""
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= _PREVIEW else f"{text[: _PREVIEW - 3]}..."


def statuses_text(statuses: list[int]) -> str:
    """This function will write expected statuses for a sentence: "400 or 422"."""
    names = [str(status) for status in statuses]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" or {names[-1]}"
