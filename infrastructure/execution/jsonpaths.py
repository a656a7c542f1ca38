"""JSONPath queries, compiled once per case.

Queries follow RFC 9535 through ``python-jsonpath`` (maintained, standard-conforming,
with filters, wildcards and descendants). The paths tests use most, a plain chain of
names and indexes such as ``$.data.items[0].id``, skip that library and walk the
document directly: it is some thirty times faster, and a run evaluates them per response.
"""

import re
from typing import Any

import jsonpath

_SEGMENT = re.compile(
    r"""\.(?P<name>[A-Za-z_][A-Za-z0-9_]*)"""
    r"""|\[(?P<index>-?\d+)\]"""
    r"""|\[(?P<quote>['"])(?P<quoted>[^'"\\]*)(?P=quote)\]"""
)


class InvalidJsonPathError(ValueError):
    """A JSONPath that does not parse; the message says why."""


class CompiledPath:
    """A JSONPath ready to run: ``find`` gives every value it selects, in document order.

    ``singular`` says the path names at most one value (no wildcard, slice, filter or
    descendant), so that checks compare that value rather than a list of matches.
    """

    __slots__ = ("_keys", "_query", "singular", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._keys = _simple_keys(text)
        self._query: Any = None
        if self._keys is not None:
            self.singular = True
            return
        try:
            self._query = jsonpath.compile(text)
        except jsonpath.JSONPathError as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise InvalidJsonPathError(f"{text} is not a valid JSONPath: {reason}") from None
        singular = getattr(self._query, "singular_query", None)
        self.singular = bool(singular()) if callable(singular) else False

    def find(self, document: Any) -> list[Any]:
        """This function will give the values the path selects in a parsed JSON document."""
        if self._keys is None:
            return list(self._query.findall(document))
        current = document
        for key in self._keys:
            if isinstance(key, str):
                if not isinstance(current, dict) or key not in current:
                    return []
                current = current[key]
            else:
                if not isinstance(current, list) or not -len(current) <= key < len(current):
                    return []
                current = current[key]
        return [current]


def _simple_keys(text: str) -> list[str | int] | None:
    """This function will split a plain path into names and indexes (None: not plain)."""
    if not text.startswith("$"):
        raise InvalidJsonPathError(f"{text} is not a JSONPath (it must start with $)")
    keys: list[str | int] = []
    position = 1
    while position < len(text):
        match = _SEGMENT.match(text, position)
        if match is None:
            return None
        if match.group("name") is not None:
            keys.append(match.group("name"))
        elif match.group("index") is not None:
            keys.append(int(match.group("index")))
        else:
            keys.append(match.group("quoted"))
        position = match.end()
    return keys
