"""Strict JSON: the values every reader of the event log can take back.

Python's json module writes NaN and Infinity, and reads 1e999 as Infinity; PostgreSQL's
jsonb refuses all three, and NUL in a string, so one such value in an event stopped a read
model for every tenant. Python cannot encode a lone UTF-16 surrogate as UTF-8, and replaying
a structure nested hundreds of levels deep ran out of recursion (every later command on the
aggregate failed). What passes `json_problem` is RFC 8259 JSON that jsonb stores and that
every reader of the log walks without recursing too deep.
"""

import math
import re
from typing import Any

from domain.shared.errors import InvalidValueError

# Deeper than any API description or test case needs (real specs stay under 30), and far
# under what replay, history and the response serialiser recurse through (about 250).
MAX_DEPTH = 100

_SURROGATE = re.compile("[\ud800-\udfff]")


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "holds a NUL character (\\u0000), which PostgreSQL cannot store"
    if _SURROGATE.search(text):
        return "holds a lone UTF-16 surrogate, which is not text"
    return None


def _path(parts: tuple[str | int, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def json_problem(value: Any, *, max_depth: int = MAX_DEPTH) -> tuple[str, str] | None:
    """This function will find the first part of a value that is not strict JSON, and say where
    (".a[2].b", relative to the value) and why; None when all of it is. Values of other types
    (ids, times, enums) are leaves: the event transcoder writes them as strings.

    Iterative, so a value nested deeper than the interpreter can recurse is measured too. A
    first walk only looks (most values pass); a second one, on failure, finds the place.
    """
    if _is_strict(value, max_depth):
        return None
    stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(value, 0, ())]
    while stack:
        item, depth, path = stack.pop()
        if isinstance(item, str):
            problem = _text_problem(item)
            if problem:
                return _path(path), problem
        elif isinstance(item, float):
            if not math.isfinite(item):
                return _path(path), f"is {item!r}, which JSON cannot hold (RFC 8259)"
        elif isinstance(item, dict | list | tuple):
            if depth >= max_depth:
                return _path(path), f"nests deeper than {max_depth} levels"
            if isinstance(item, dict):
                for key, child in item.items():
                    if isinstance(key, str) and _text_problem(key):
                        # Named by its object, as schema validators name a bad key.
                        return _path(path), f"has a name that {_text_problem(key)}"
                    stack.append((child, depth + 1, (*path, str(key))))
            else:
                stack.extend((child, depth + 1, (*path, i)) for i, child in enumerate(item))
    return None


def _is_strict(value: Any, max_depth: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 0)]
    isfinite, text_problem = math.isfinite, _text_problem
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if text_problem(item):
                return False
        elif isinstance(item, float):
            if not isfinite(item):
                return False
        elif isinstance(item, dict | list | tuple):
            if depth >= max_depth:
                return False
            if isinstance(item, dict):
                if any(isinstance(key, str) and text_problem(key) for key in item):
                    return False
                stack.extend((child, depth + 1) for child in item.values())
            else:
                stack.extend((child, depth + 1) for child in item)
    return True


def require_strict_json(field: str, value: Any, *, max_depth: int = MAX_DEPTH) -> None:
    """This function will refuse a value that is not strict JSON, naming where it is not.

    Raises InvalidValueError (its field is `field` followed by the path inside the value).
    """
    found = json_problem(value, max_depth=max_depth)
    if found is not None:
        where, why = found
        raise InvalidValueError(f"{field}{where}", why)
