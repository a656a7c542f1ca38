"""Boundary cases of an operation: its body properties and parameters at their edges.

Values just inside a constraint expect the documented success; values just outside
expect the operation's validation statuses (400 and/or 422).
"""

import random

from domain.generation.boundaries import BoundaryValue, boundary_values
from domain.generation.drafts import CaseDraft, preview, statuses_text
from domain.generation.expectations import refusal_expectations, success_expectations
from domain.generation.fields import RequestField, request_fields
from domain.generation.mutations import as_text
from domain.generation.request_builder import HappyRequest, RequestBuilder
from domain.generation.resources import endpoint_key
from domain.generation.responses import validation_statuses
from domain.specifications.parsed import ParameterLocation, ParsedEndpoint
from domain.testing.json_fields import JsonValue
from domain.testing.values import Priority, TestType


def boundary_cases(
    endpoint: ParsedEndpoint, happy: HappyRequest, builder: RequestBuilder, *, per_field: int
) -> list[CaseDraft]:
    """This function will give at most ``per_field`` boundary cases of each field, in turn."""
    key = endpoint_key(endpoint)
    drafts: list[CaseDraft] = []
    for field in request_fields(endpoint, happy, builder):
        rng = random.Random(f"{builder.seed}:{key}:boundary:{field.name}")
        items = field.schema.get("items", {})
        salt = f"{key}:boundary:{field.name}:item"

        def make_item(index: int, items: object = items, salt: str = salt) -> JsonValue:
            return builder.synthesise(items, f"{salt}{index}")

        values = boundary_values(
            field.schema, base=field.value, limit=per_field, rng=rng, make_item=make_item
        )
        for value in values:
            if field.location == ParameterLocation.Path and as_text(value.value) == "":
                continue  # an empty path segment would address another route, not this one
            drafts.append(_draft(endpoint, builder, field, value))
    return drafts


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
    )
