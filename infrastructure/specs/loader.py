"""Safe reading of uploaded text as JSON or YAML into plain data.

Every refusal is a ``SpecParseError`` whose issue says what is wrong, with the line and
column for syntax errors. Loaded documents hold only JSON values: YAML keys become
strings, and non-finite numbers become the strings "NaN", "Infinity" and "-Infinity".
"""

import base64
import datetime
import json
import math
from typing import Any

import yaml

from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import ParseIssue
from infrastructure.specs.safe_yaml import load_yaml

MAX_DEPTH = 200


def load_document(text: str, *, prefer_json: bool = False) -> Any:
    """This function will read a JSON or YAML document into plain data, or refuse it.

    Text starting with "{" or "[", or said to be JSON (``prefer_json``), is read as JSON
    first. YAML, a superset of JSON, is the fallback; when both fail the JSON error is
    the one reported.
    """
    if text.lstrip()[:1] in ("{", "[") or prefer_json:
        try:
            return load_json(text)
        except _JsonSyntaxError as exc:
            try:
                return load_yaml_document(text)
            except SpecParseError:
                raise SpecParseError(exc.issues) from None
    return load_yaml_document(text)


class _JsonSyntaxError(SpecParseError):
    """JSON text that breaks the grammar, as opposed to JSON refused for its shape."""


def load_json(text: str) -> Any:
    """This function will read JSON text, refusing bad syntax and excessive nesting."""
    try:
        value = json.loads(text, parse_constant=str, parse_float=_finite_or_text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        issue = ParseIssue(where, f"invalid JSON: {exc.msg} at {where}")
        raise _JsonSyntaxError([issue]) from None
    except RecursionError:
        raise SpecParseError.single("/", _too_deep("JSON")) from None
    except ValueError as exc:
        raise SpecParseError.single("/", f"invalid JSON: {exc}") from None
    if _deeper_than(value, MAX_DEPTH):
        raise SpecParseError.single("/", _too_deep("JSON"))
    return value


def load_embedded_json(text: str) -> tuple[bool, Any]:
    """This function will read a JSON payload found inside a request or response.

    It gives ``(False, None)`` instead of raising when the payload is not usable JSON.
    """
    try:
        return True, load_json(text)
    except SpecParseError:
        return False, None


def load_yaml_document(text: str) -> Any:
    """This function will read YAML text into plain data, or refuse it with its position."""
    try:
        value = load_yaml(text, max_depth=MAX_DEPTH)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = ", ".join(part for part in (exc.context, exc.problem) if part) or "unreadable"
        if mark is None:
            raise SpecParseError.single("/", f"invalid YAML: {problem}") from None
        where = f"line {mark.line + 1}, column {mark.column + 1}"
        raise SpecParseError.single(where, f"invalid YAML: {problem} at {where}") from None
    except yaml.reader.ReaderError as exc:
        where = _position(text, exc.position)
        raise SpecParseError.single(where, f"invalid YAML: {exc.reason} at {where}") from None
    except yaml.YAMLError as exc:
        raise SpecParseError.single("/", f"invalid YAML: {exc}") from None
    except RecursionError:
        raise SpecParseError.single("/", _too_deep("YAML")) from None
    return to_plain(value)


def to_plain(value: Any) -> Any:
    """This function will turn what the YAML loader built into JSON values only."""
    if isinstance(value, dict):
        return {_plain_key(key): to_plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    if isinstance(value, str | bool | int) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else _finite_or_text(str(value))
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(_plain_key(item) for item in value)
    return str(value)


def _plain_key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    plain = to_plain(key)
    return plain if isinstance(plain, str) else json.dumps(plain)


def _finite_or_text(literal: str) -> float | str:
    number = float(literal)
    if math.isfinite(number):
        return number
    if math.isnan(number):
        return "NaN"
    return "Infinity" if number > 0 else "-Infinity"


def _deeper_than(value: Any, limit: int) -> bool:
    """This function will tell, without recursion, whether containers nest past a limit."""
    if not isinstance(value, dict | list):
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _position(text: str, offset: int) -> str:
    before = text[:offset]
    line = before.count("\n") + 1
    column = offset - (before.rfind("\n") + 1) + 1
    return f"line {line}, column {column}"


def _too_deep(kind: str) -> str:
    return f"invalid {kind}: the document is nested deeper than {MAX_DEPTH} levels"
