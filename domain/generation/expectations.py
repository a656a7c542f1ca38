"""The expectations of generated cases: a documented success, or a refusal."""

from domain.generation.constraints import SchemaReader
from domain.generation.responses import expected_response, expected_statuses, standalone_schema
from domain.specifications.parsed import ParsedEndpoint
from domain.testing.values import (
    CheckOperator,
    Expectations,
    ExtractionSource,
    HeaderCheck,
    HeaderOperator,
    JsonPathCheck,
    VariableExtraction,
)


def success_expectations(
    endpoint: ParsedEndpoint, reader: SchemaReader, extractions: list[VariableExtraction]
) -> Expectations:
    """This function will expect the documented success: status, JSON schema and headers.

    Declared response headers must be present unless marked ``required: false``; a body
    value the case extracts for later cases must not be null, so a broken chain shows
    where it breaks.
    """
    response = expected_response(endpoint)
    schema = None
    headers: list[HeaderCheck] = []
    if response is not None:
        if not response.content_type or "json" in response.content_type.lower():
            schema = standalone_schema(response.schema, reader)
        for name, declared in response.headers.items():
            optional = isinstance(declared, dict) and declared.get("required") is False
            if not optional:
                headers.append(HeaderCheck(name=name, operator=HeaderOperator.Present))
    checks = [
        JsonPathCheck(path=item.expression, operator=CheckOperator.NotNull)
        for item in extractions
        if item.source == ExtractionSource.Body
    ]
    return Expectations(
        expected_status=expected_statuses(endpoint)[0],
        response_schema=schema,
        header_checks=headers,
        jsonpath_checks=checks,
    )


def refusal_expectations(statuses: list[int]) -> Expectations:
    """This function will expect one of the given error statuses, and nothing more."""
    return Expectations(expected_status=list(statuses))
