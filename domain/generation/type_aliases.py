"""Types that are not types (`"type": "int"`), read as the type they stand for.

The import reports them as issues; generation reads a recognisable alias as its real type
(int -> integer, bool -> boolean, str -> string...) and drops a type it cannot recognise,
so a value is never generated for a type that does not exist (a word for an "int"). The
notes say which were read how.
"""

import dataclasses
from typing import Any

from domain.specifications.parsed import ParsedEndpoint, ParsedSpecification, json_schema_type
from domain.specifications.types import JSON_TYPES, real_type

# Keywords whose value is data, not a schema: a "type" key inside them is not a keyword.
_DATA = frozenset({"example", "examples", "default", "enum", "const", "x-example"})
_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
_MAX_DEPTH = 64


def with_real_types(spec: ParsedSpecification) -> tuple[ParsedSpecification, list[str]]:
    """This function will give the specification with every alias type read as its real
    type, and the notes saying so (the same specification when there is none)."""
    notes: list[str] = []
    endpoints = [_endpoint(endpoint, notes) for endpoint in spec.endpoints]
    schemas = {
        ref: _schema(schema, f"schema {ref}", notes, 0) for ref, schema in spec.schemas.items()
    }
    if not notes:
        return spec, []
    return dataclasses.replace(spec, endpoints=endpoints, schemas=schemas), notes


def _endpoint(endpoint: ParsedEndpoint, notes: list[str]) -> ParsedEndpoint:
    key = f"{endpoint.method.upper()} {endpoint.path}"
    before = len(notes)
    parameters = []
    for parameter in endpoint.parameters:
        schema = _schema(parameter.schema, f"{key}: parameter '{parameter.name}'", notes, 0)
        parameters.append(
            dataclasses.replace(parameter, schema=schema, data_type=json_schema_type(schema))
            if schema is not parameter.schema
            else parameter
        )
    body = endpoint.request_body
    if body is not None:
        schema = _schema(body.schema, f"{key}: request body", notes, 0)
        body = dataclasses.replace(body, schema=schema) if schema is not body.schema else body
    responses = [
        dataclasses.replace(response, schema=schema)
        if (schema := _schema(response.schema, f"{key}: response {response.status_code}", notes, 0))
        is not response.schema
        else response
        for response in endpoint.responses
    ]
    if len(notes) == before:
        return endpoint
    return dataclasses.replace(
        endpoint, parameters=parameters, request_body=body, responses=responses
    )


def _schema(node: Any, where: str, notes: list[str], depth: int) -> Any:
    """This function will rewrite alias types in a schema; an unchanged schema is returned
    as the same object, so callers can tell nothing changed."""
    if depth > _MAX_DEPTH:
        return node
    if isinstance(node, list):
        items = [_schema(item, where, notes, depth + 1) for item in node]
        return node if all(a is b for a, b in zip(items, node, strict=True)) else items
    if not isinstance(node, dict):
        return node
    changed: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DATA:
            continue
        if key == "type":
            fixed = _type(value, where, notes)
            if fixed != value:
                changed[key] = fixed
        elif key in _MAPS and isinstance(value, dict):
            mapped = {name: _schema(sub, where, notes, depth + 1) for name, sub in value.items()}
            if any(mapped[name] is not value[name] for name in value):
                changed[key] = mapped
        elif isinstance(value, dict | list):
            fixed = _schema(value, where, notes, depth + 1)
            if fixed is not value:
                changed[key] = fixed
    if not changed:
        return node
    result = {**node, **changed}
    if result.get("type") is None:
        result.pop("type", None)
    return result


def _type(declared: Any, where: str, notes: list[str]) -> Any:
    names = declared if isinstance(declared, list) else [declared]
    fixed: list[str] = []
    for name in names:
        if isinstance(name, str) and name in JSON_TYPES:
            fixed.append(name)
            continue
        meant = real_type(name) if isinstance(name, str) else None
        note = (
            f"{where}: type {name!r} is not a type; it is read as '{meant}'"
            if meant
            else f"{where}: type {name!r} is not a type; values are generated without one"
        )
        if note not in notes:
            notes.append(note)
        if meant and meant not in fixed:
            fixed.append(meant)
    if isinstance(declared, list):
        return fixed
    return fixed[0] if fixed else None
