"""The pieces of ``$ref`` resolution that do not depend on a document's state.

JSON pointer lookup, the schema keywords whose values are schemas, and the strongly
connected components of the reference graph (iterative Tarjan, so long chains of
references cannot exhaust the Python stack).
"""

from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import unquote

# Keywords whose value is an object of schemas, a schema, or a list of schemas.
SCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
SCHEMA_VALUES = frozenset(
    {
        "items",
        "additionalItems",
        "additionalProperties",
        "not",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
    }
)
SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems", "items"})


def lookup(document: Any, ref: str) -> tuple[Any, str] | str:
    """This function will find what an internal reference points at.

    It gives ``(node, json_pointer)``, or a message saying why the reference fails.
    """
    fragment = unquote(ref[1:])
    if fragment == "":
        return document, ""
    if not fragment.startswith("/"):
        return f"reference '{ref}' is not a JSON pointer (anchors are not resolved)"
    node = document
    for raw in fragment[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return f"reference '{ref}' points at nothing"
    return node, fragment


def subschemas(node: dict[str, Any]) -> Iterator[Any]:
    """This function will yield the direct subschemas of a schema object."""
    for key, value in node.items():
        if key in SCHEMA_MAPS and isinstance(value, dict):
            yield from value.values()
        elif key in SCHEMA_VALUES and isinstance(value, dict):
            yield value
        elif key in SCHEMA_LISTS and isinstance(value, list):
            yield from value


def references_in(schema: Any) -> list[str]:
    """This function will list the ``$ref`` strings a schema uses, nested ones included."""
    found: list[str] = []
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.append(ref)
        stack.extend(subschemas(node))
    return found


def strongly_connected(
    start: str, successors: Callable[[str], Iterable[str]], done: Callable[[str], bool]
) -> list[list[str]]:
    """This function will give the cycles-as-groups reachable from ``start``, leaves first.

    Nodes for which ``done`` is true are treated as already handled and not entered.
    """
    index: dict[str, int] = {start: 0}
    low: dict[str, int] = {start: 0}
    stack = [start]
    on_stack = {start}
    work: list[tuple[str, Iterator[str]]] = [(start, iter(successors(start)))]
    groups: list[list[str]] = []
    while work:
        node, pending = work[-1]
        for successor in pending:
            if done(successor):
                continue
            if successor not in index:
                index[successor] = low[successor] = len(index)
                stack.append(successor)
                on_stack.add(successor)
                work.append((successor, iter(successors(successor))))
                break
            if successor in on_stack:
                low[node] = min(low[node], index[successor])
        else:
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(group)
    return groups
