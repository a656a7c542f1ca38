"""Reading resources out of path templates: names, identifiers and variable names."""

import re
from collections.abc import Mapping
from typing import Any

from domain.generation.constraints import SchemaReader, property_schemas
from domain.specifications.parsed import ParsedEndpoint

_PARAMETER = re.compile(r"^\{([^{}]*)\}$")
TEMPLATE = re.compile(r"\{([^{}/]*)\}")
_ID_NAME = re.compile(r"(^id$|^uuid$|Id$|ID$|Uuid$|[_-]id$|[_-]uuid$)")
_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman"}
_KEEP = ("status", "address", "news", "series", "species", "access")
_WRAPPERS = ("data", "result", "item")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def endpoint_key(endpoint: ParsedEndpoint) -> str:
    """This function will give the key naming an operation: "GET /pets/{petId}"."""
    return f"{endpoint.method.upper()} {endpoint.path}"


def segments(path: str) -> list[str]:
    """This function will split a path template into its non-empty segments."""
    return [segment for segment in path.split("/") if segment]


def parameter_of(segment: str) -> str | None:
    """This function will give the parameter a segment such as "{petId}" stands for."""
    found = _PARAMETER.match(segment)
    return found.group(1) if found else None


def is_parameter(segment: str) -> bool:
    """This function will tell whether a segment is a parameter, named or blanked ("{}")."""
    return parameter_of(segment) is not None


def path_parameters(path: str) -> list[str]:
    """This function will list the names of a path template's parameters, in order: whole
    segments (`/pets/{petId}`) and parts of one (`/files/{name}.{ext}`, `/jobs/{id}:run`)."""
    return list(dict.fromkeys(name for name in TEMPLATE.findall(path) if name))


def shape(path: str) -> str:
    """This function will give a path with every parameter blanked: "/pets/{}" ."""
    return "/" + "/".join("{}" if is_parameter(part) else part for part in segments(path))


def collection_path(path: str) -> str:
    """This function will strip trailing parameter segments: "/pets/{petId}" -> "/pets"."""
    parts = segments(path)
    while parts and is_parameter(parts[-1]):
        parts.pop()
    return "/" + "/".join(parts)


def prefix_before(path: str, parameter: str) -> str:
    """This function will give the path shape up to the segment of a parameter."""
    parts = segments(path)
    for index, part in enumerate(parts):
        if parameter_of(part) == parameter:
            return shape("/" + "/".join(parts[:index]))
    return ""


def resource_name(path: str) -> str:
    """This function will name, singular and camelCase, the resource a path addresses."""
    static = [part for part in segments(path) if not is_parameter(part)]
    return camel(singular(static[-1])) if static else "resource"


def singular(word: str) -> str:
    """This function will make a plural English noun singular, for the common cases."""
    lowered = word.lower()
    if lowered in _IRREGULAR:
        return _IRREGULAR[lowered]
    if lowered.endswith(_KEEP):
        return word
    if lowered.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if lowered.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if lowered.endswith("s") and not lowered.endswith("ss"):
        return word[:-1]
    return word


def camel(text: str) -> str:
    """This function will turn "pet-owner" or "pet_owner" into "petOwner"."""
    words = [part for part in re.split(r"[^A-Za-z0-9]+", text) if part]
    if not words:
        return "resource"
    joined = words[0][:1].lower() + words[0][1:] + "".join(w[:1].upper() + w[1:] for w in words[1:])
    return joined if not joined[0].isdigit() else f"r{joined}"


def normalised(name: str) -> str:
    """This function will compare names loosely: "pet_id", "petId" and "PetID" agree."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def is_id_like(name: str) -> bool:
    """This function will tell whether a parameter name designates a resource identifier."""
    return bool(_ID_NAME.search(name))


def names_resource_id(parameter: str, resource: str) -> bool:
    """This function will tell whether a parameter names the identifier of ``resource``."""
    loose = normalised(parameter)
    base = normalised(resource)
    return loose in ("id", "uuid", f"{base}id", f"{base}uuid", f"{base}sid", f"{base}key")


def id_property_path(schema: Any, resource: str, reader: SchemaReader) -> str | None:
    """This function will give the JSONPath of the identifier in a response, if any.

    It looks for ``id``-like properties at the top level, then inside a ``data`` /
    ``result`` / ``item`` wrapper, as many APIs return ``{"data": {"id": ...}}``.
    """
    resolved = reader.resolve(schema)
    found = _id_property(resolved, resource)
    if found:
        return json_path([found])
    properties = property_schemas(resolved)
    for wrapper in _WRAPPERS:
        if wrapper in properties:
            inner = _id_property(reader.resolve(properties[wrapper]), resource)
            if inner:
                return json_path([wrapper, inner])
    return None


def json_path(keys: list[str | int]) -> str:
    """This function will write a JSONPath from object keys and array indexes: $.data[0].id."""
    path = "$"
    for key in keys:
        if isinstance(key, int):
            path += f"[{key}]"
        elif _IDENTIFIER.match(key):
            path += f".{key}"
        else:
            escaped = key.replace("\\", "\\\\").replace("'", "\\'")
            path += f"['{escaped}']"
    return path


def _id_property(schema: Mapping[str, Any], resource: str) -> str | None:
    properties = property_schemas(schema)
    # A plain "id" wins over "petId" when both are present: it is the resource's own.
    ranked = sorted(properties, key=lambda name: normalised(name) != "id")
    for name in ranked:
        if names_resource_id(name, resource) or name == "_id":
            return name
    return None
