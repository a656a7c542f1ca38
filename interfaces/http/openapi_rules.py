"""Rules of the server stated on the schemas of the OpenAPI document: what text may hold,
what a parameter or form field can be. interfaces.http.openapi applies them."""

from typing import Any

# No NUL in a string: PostgreSQL's text and jsonb refuse it, so the server refuses it first
# (text_guard in bodies, nul_guard in paths and query strings).
NO_NUL = "^[^\\x00]*$"

# Any JSON value, as free-form data (a data set's row values, a request body's schema) is: no
# text in it, value or key, holds NUL, however deep.
JSON_VALUE_REF = "#/components/schemas/JsonValue"
JSON_VALUE: dict[str, Any] = {
    "description": "Any JSON value; no string in it, nor any key, holds NUL",
    "anyOf": [
        {"type": "string", "pattern": NO_NUL},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "null"},
        {"type": "array", "items": {"$ref": JSON_VALUE_REF}},
        {
            "type": "object",
            "propertyNames": {"pattern": NO_NUL},
            "additionalProperties": {"$ref": JSON_VALUE_REF},
        },
    ],
}
_ANNOTATIONS = frozenset({"title", "description", "default", "examples", "deprecated"})


def _any_value(schema: Any) -> bool:
    return schema is True or (isinstance(schema, dict) and not set(schema) - _ANNOTATIONS)


def _state_free_values(schema: dict[str, Any]) -> None:
    """This function will say, of every place a schema leaves free (`{}`, or any further
    property), that it holds JSON without NUL."""
    for key in ("items", "additionalProperties"):
        if _any_value(schema.get(key)) and (key == "items" or schema.get("type") == "object"):
            sub = schema[key]
            schema[key] = {**(sub if isinstance(sub, dict) else {}), "$ref": JSON_VALUE_REF}
    for sub_key in ("properties",):
        for name, sub in (schema.get(sub_key) or {}).items():
            if _any_value(sub) and isinstance(sub, dict):
                schema[sub_key][name] = {**sub, "$ref": JSON_VALUE_REF}


def state_text_rules(schema: dict[str, Any]) -> None:
    """This function will state, on every string of a schema, that it holds no NUL, and move a
    pattern Pydantic writes beside `anyOf` (the json_schema_extra of an optional string) into
    the string branch, where generators of test data look for it."""
    pattern = schema.get("pattern")
    if pattern is not None and "anyOf" in schema:
        del schema["pattern"]
        for branch in schema["anyOf"]:
            if branch.get("type") == "string":
                branch["pattern"] = pattern
    if schema.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(schema):
        schema["pattern"] = NO_NUL
    keys = schema.get("patternProperties") or {}
    if len(keys) == 1 and "properties" not in schema and "additionalProperties" not in schema:
        # Pydantic writes dict[Key, V], Key with a pattern, as patternProperties, which leaves
        # every other key free: the server refuses them, so say the names must match.
        ((key_pattern, value_schema),) = keys.items()
        del schema["patternProperties"]
        schema["additionalProperties"] = value_schema
        schema.setdefault("propertyNames", {})["pattern"] = key_pattern
    if schema.get("type") == "object" and schema.get("additionalProperties", True) is not False:
        schema.setdefault("propertyNames", {"pattern": NO_NUL})
    _state_free_values(schema)
    for key in ("items", "additionalProperties", "not"):
        if isinstance(schema.get(key), dict):
            state_text_rules(schema[key])
    for key in ("properties", "patternProperties", "$defs"):
        for sub in (schema.get(key) or {}).values():
            if isinstance(sub, dict):
                state_text_rules(sub)
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for sub in schema.get(key) or ():
            if isinstance(sub, dict):
                state_text_rules(sub)


def _without_null(schema: dict[str, Any]) -> None:
    """This function will take null out of a schema that text carries (a parameter, a form
    field): an optional one is left out, and `x=null` is the text "null"."""
    branches = schema.get("anyOf")
    if branches:
        kept = [b for b in branches if b.get("type") != "null"]
        if len(kept) == 1:
            del schema["anyOf"]
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept


def state_parameter_rules(parameter: dict[str, Any]) -> None:
    """This function will say what a path, query or header parameter can be: never null, and
    text without NUL."""
    schema = parameter.get("schema", {})
    _without_null(schema)
    state_text_rules(schema)


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def state_form_rules(operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    """This function will say what a form's fields can be: never null, and, when required
    text, not empty (FastAPI reads an empty form field as a missing one)."""
    content = operation.get("requestBody", {}).get("content", {})
    for media in _FORMS:
        form = content.get(media, {}).get("schema", {})
        model = schemas.get(form.get("$ref", "").rsplit("/", 1)[-1], {})
        required = set(model.get("required", ()))
        for name, field in model.get("properties", {}).items():
            _without_null(field)
            if name in required and field.get("type") == "string":
                field["minLength"] = max(1, field.get("minLength", 0))
