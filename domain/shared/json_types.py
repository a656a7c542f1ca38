"""The JSON type of a parsed value, named as JSON Schema names it, in the one place.

Whether `1.0` is an integer depends on the JSON Schema draft. Draft 4 (Swagger 2.0, and
OpenAPI 3.0, whose schema object keeps draft 4's definition) says an integer is "a JSON
number without a fraction or exponent part": `1.0` is a number. Draft 6 onwards (OpenAPI
3.1 uses 2020-12) says any number whose fractional part is zero: `1.0` is an integer.
Parsed JSON keeps `1.0` as a float, so a float with no fraction is where they part.
"""

from enum import StrEnum
from typing import Any

JSON_TYPES = ("string", "number", "integer", "boolean", "array", "object", "null")


class SchemaDialect(StrEnum):
    """The JSON Schema drafts that disagree about the integer type."""

    DRAFT_04 = "draft-04"
    DRAFT_2020_12 = "2020-12"


def json_type(value: Any, *, dialect: SchemaDialect = SchemaDialect.DRAFT_2020_12) -> str:
    """This function will name the JSON type of a parsed value (the most specific one:
    an integer is a number too)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        integral = dialect is SchemaDialect.DRAFT_2020_12 and value.is_integer()
        return "integer" if integral else "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def is_json_type(
    value: Any, name: str, *, dialect: SchemaDialect = SchemaDialect.DRAFT_2020_12
) -> bool:
    """This function will tell whether a value is of a named JSON type (an integer is a
    number too; a name that is no JSON type matches nothing)."""
    found = json_type(value, dialect=dialect)
    return found == name or (name == "number" and found == "integer")
