"""Boundary cases of an operation: its body properties and parameters at their edges.

Values just inside a constraint expect the documented success; values just outside
expect the operation's validation statuses (400 and/or 422).
"""

import random
from dataclasses import dataclass

from domain.generation.boundaries import BoundaryValue, boundary_values
from domain.generation.drafts import CaseDraft, preview, statuses_text
from domain.generation.expectations import refusal_expectations, success_expectations
from domain.generation.fields import RequestField, request_fields
from domain.generation.mutations import as_text
from domain.generation.report import ReportedValue
from domain.generation.request_builder import HappyRequest, RequestBuilder
from domain.generation.resources import endpoint_key
from domain.generation.responses import validation_statuses
from domain.shared.json_fields import JsonValue
from domain.specifications.parsed import ParameterLocation, ParsedEndpoint
from domain.testing.values import Priority, TestType


@dataclass(frozen=True, kw_only=True, slots=True)
class BoundaryCases:
    """An operation's boundary drafts, in the order a budget should take them, with the
    rules applied per field and the values set aside (and why)."""

    drafts: list[CaseDraft]
    rules: list[str]
    dropped: list[ReportedValue]


def boundary_cases(
    endpoint: ParsedEndpoint, happy: HappyRequest, builder: RequestBuilder, *, per_field: int
) -> BoundaryCases:
    """This function will give at most ``per_field`` boundary cases of each field, every
    field's values outside its constraints first, then those inside, taking the fields in
    turn (each field's first value before any field's second), so a budget cut after them
    leaves no field without its boundaries and cuts what is accepted before what is not."""
    key = endpoint_key(endpoint)
    per_field_drafts: list[list[CaseDraft]] = []
    rules: list[str] = []
    dropped: list[ReportedValue] = []
    for field in request_fields(endpoint, happy, builder):
        rng = random.Random(f"{builder.seed}:{key}:boundary:{field.name}")
        items = field.schema.get("items", {})
        salt = f"{key}:boundary:{field.name}:item"

        def make_item(index: int, items: object = items, salt: str = salt) -> JsonValue:
            return builder.synthesise(items, f"{salt}{index}")

        found = boundary_values(
            field.schema,
            base=field.value,
            limit=per_field,
            rng=rng,
            make_item=make_item,
            non_ascii=field.location in (ParameterLocation.Body, ParameterLocation.Query),
        )
        rules += [f"{field.name}: {rule}" for rule in found.rules]
        dropped += [
            ReportedValue(
                case=f"boundary:{field.name}:{value.label}",
                value=preview(value.value),
                reason=reason,
            )
            for value, reason in found.dropped
        ]
        drafts = []
        for value in found.values:
            if field.location == ParameterLocation.Path and as_text(value.value) == "":
                dropped.append(
                    ReportedValue(
                        case=f"boundary:{field.name}:{value.label}",
                        value=preview(value.value),
                        reason="an empty path segment would address another route",
                    )
                )
                continue
            drafts.append(_draft(endpoint, builder, field, value))
        per_field_drafts.append(drafts)
    # Every field's values outside its constraints before any field's values inside.
    ordered = _in_turn([[d for d in drafts if "outside" in d.tags] for drafts in per_field_drafts])
    ordered += _in_turn([[d for d in drafts if "inside" in d.tags] for drafts in per_field_drafts])
    return BoundaryCases(drafts=ordered, rules=rules, dropped=dropped)


def _in_turn(lists: list[list[CaseDraft]]) -> list[CaseDraft]:
    """This function will take one draft of each list in turn, until all are taken."""
    found: list[CaseDraft] = []
    for index in range(max((len(drafts) for drafts in lists), default=0)):
        found += [drafts[index] for drafts in lists if index < len(drafts)]
    return found


def _draft(
    endpoint: ParsedEndpoint, builder: RequestBuilder, field: RequestField, value: BoundaryValue
) -> CaseDraft:
    if value.inside:
        expectations = success_expectations(endpoint, builder.reader, [])
    else:
        expectations = refusal_expectations(validation_statuses(endpoint))
    side = "accepted" if value.inside else "refused"
    return CaseDraft(
        suffix=f"boundary:{field.name}:{value.label}",
        title=f"{field.name} at {value.label} is {side}",
        description=(
            f"Sends {field.name} = {preview(value.value)} ({value.description}); expects "
            f"{statuses_text(expectations.expected_status)}."
        ),
        test_type=TestType.Boundary,
        priority=Priority.Medium,
        tags=["boundary", "inside" if value.inside else "outside"],
        request=field.with_value(value.value),
        expectations=expectations,
        value=preview(value.value),
    )
