"""JSON Schema validators for response bodies, built once per distinct schema.

A schema is read as Draft 2020-12 unless it looks like OpenAPI 3.0 (it uses ``nullable``,
or the run's OpenAPI document is a 3.0 one): then the OAS 3.0 dialect applies, where
``nullable: true`` admits null. ``$ref``s into ``#/components`` resolve against the run's
OpenAPI document, since generated expectations point at its shared schemas.
"""

import json
from collections import OrderedDict
from typing import Any, Protocol

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker

_MAX_ERRORS = 5
_MAX_MESSAGE = 200


class SchemaValidator(Protocol):
    """What a jsonschema validator offers that the checks use."""

    def iter_errors(self, instance: Any) -> Any:
        """This function will give each error of an instance."""
        ...


class InvalidSchemaError(ValueError):
    """A response schema that is not a valid schema; the message says why."""


def _mentions_nullable(schema: Any) -> bool:
    """This function will tell whether a schema uses OpenAPI 3.0's nullable anywhere."""
    if isinstance(schema, dict):
        return "nullable" in schema or any(_mentions_nullable(v) for v in schema.values())
    if isinstance(schema, list):
        return any(_mentions_nullable(item) for item in schema)
    return False


class SchemaCache:
    """Validators by schema text, so identical schemas across cases share one validator."""

    def __init__(self, openapi_document: dict[str, Any] | None, size: int = 512) -> None:
        document = openapi_document or {}
        self._oas30_document = str(document.get("openapi", "")).startswith("3.0")
        components = document.get("components")
        self._components = components if isinstance(components, dict) else None
        self._size = size
        self._validators: OrderedDict[str, SchemaValidator] = OrderedDict()

    def validator(self, schema: dict[str, Any]) -> SchemaValidator:
        """This function will give the (cached) validator of a schema, or raise InvalidSchemaError."""
        key = json.dumps(schema, sort_keys=True)
        cached = self._validators.get(key)
        if cached is not None:
            self._validators.move_to_end(key)
            return cached
        built = self._build(schema)
        self._validators[key] = built
        if len(self._validators) > self._size:
            self._validators.popitem(last=False)
        return built

    def _build(self, schema: dict[str, Any]) -> SchemaValidator:
        """This function will build the validator of a schema, in its dialect."""
        if (
            self._components is not None
            and "components" not in schema
            and "$ref" in json.dumps(schema)
        ):
            # A "#/components/..." reference resolves from the schema's own root.
            schema = {**schema, "components": self._components}
        oas30 = self._oas30_document or _mentions_nullable(schema)
        kind: Any = OAS30ReadValidator if oas30 else Draft202012Validator
        try:
            kind.check_schema(schema)
        except SchemaError as error:
            raise InvalidSchemaError(f"the response schema is invalid: {error.message}") from None
        checker = oas30_format_checker if oas30 else Draft202012Validator.FORMAT_CHECKER
        validator: SchemaValidator = kind(schema, format_checker=checker)
        return validator


# OpenAPI 3.0: a writeOnly property "SHOULD NOT be sent as part of the response" (3.1: an
# annotation): a response carrying one departs from a recommendation, not from its
# document, so it fails no check (oas-examples' schema-visibility; Prism agrees).
WRITE_ONLY = "writeOnly"


def schema_errors(validator: SchemaValidator, instance: Any) -> list[str]:
    """This function will describe (at most five of) the ways an instance breaks a schema."""
    errors: list[str] = []
    for error in validator.iter_errors(instance):
        if error.validator == WRITE_ONLY:
            continue  # a recommendation, not a constraint (see WRITE_ONLY)
        message = str(error.message)
        if len(message) > _MAX_MESSAGE:
            # The value comes first and the reason last ("{...} is not of type 'array'"):
            # the middle of a long value goes, so the reason stays readable.
            keep = _MAX_MESSAGE // 2
            message = message[:keep] + "…" + message[-keep:]
        errors.append(f"{error.json_path}: {message}")
        if len(errors) == _MAX_ERRORS:
            break
    return errors
