"""The types a schema may declare, and the misspellings of them that specifications use."""

from domain.shared.json_types import JSON_TYPES as JSON_TYPES

# What a `type` that is not a type most likely means (Swagger 2.0 files written by hand or
# by generators name language types: "int", "long", "bool", "str"...).
TYPE_ALIASES = {
    "int": "integer", "int32": "integer", "int64": "integer", "integer32": "integer",
    "integer64": "integer", "long": "integer", "short": "integer", "byte": "integer",
    "uint": "integer", "bigint": "integer",
    "float": "number", "double": "number", "decimal": "number", "numeric": "number",
    "real": "number",
    "bool": "boolean", "boolen": "boolean",
    "str": "string", "text": "string", "char": "string", "varchar": "string",
    "date": "string", "datetime": "string", "date-time": "string", "uuid": "string",
    "list": "array", "set": "array",
    "dict": "object", "map": "object", "hash": "object", "json": "object",
}  # fmt: skip


def real_type(declared: str) -> str | None:
    """This function will give the JSON type a declared type means: itself when it is one,
    its meaning when it is a known alias (any case), None when it cannot tell."""
    if declared in JSON_TYPES:
        return declared
    lowered = declared.strip().lower()
    return lowered if lowered in JSON_TYPES else TYPE_ALIASES.get(lowered)
