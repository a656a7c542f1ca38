"""Resolution of ``$ref`` pointers inside one document, never outside it.

Strategy:

* Only internal references (``#/components/...``, ``#/definitions/...``, ``#/$defs/...``
  and any nested JSON pointer) are followed. External ones (``other.yaml#/x``,
  ``https://...``) are never fetched: each becomes an issue and stays as written.
* Each referenced schema is expanded once and cached, so a schema shared by a thousand
  operations costs one expansion.
* A schema taking part in a reference cycle (a tree whose children are trees) is
  expanded once where it is used; inside it, references to schemas of the same cycle
  stay as ``{"$ref": ...}``. So do references whose expansion would be too deep or too
  large to inline. Every reference left in place is listed by ``kept_schemas`` with its
  expansion, so it can still be resolved from the parsed model.
* A reference that merely points to another reference, round and round, is a cyclic
  chain: an issue, and the empty schema.
"""

from dataclasses import dataclass
from typing import Any

from domain.specifications.parsed import ParseIssue
from domain.specifications.types import JSON_TYPES, real_type
from infrastructure.specs.common import InvalidNode, child
from infrastructure.specs.refgraph import (
    SCHEMA_LISTS,
    SCHEMA_MAPS,
    SCHEMA_VALUES,
    lookup,
    references_in,
    strongly_connected,
)

MAX_INLINE_DEPTH = 64
MAX_INLINE_NODES = 1_000
MAX_TOTAL_INLINED = 200_000

_Expansion = tuple[Any, int, int]  # value, schema nodes, nesting depth


@dataclass
class _Walk:
    """The state of one expansion: the cycle group it belongs to and its node budget."""

    group: int | None
    budget: int


EXTERNAL = "external reference"
_HOW = (
    "what it names is missing; import the specification by URL, or upload its folder as a "
    "zip or tar.gz archive naming the entry file"
)


def external_reference(ref: str) -> str:
    """This function will say that a reference to another file was not resolved, and how
    it would be."""
    return f"{EXTERNAL} '{ref}' is not resolved: {_HOW}"


class RefResolver:
    """The reference resolver of one document, with its caches."""

    def __init__(self, document: Any, issues: list[ParseIssue]) -> None:
        self._document = document
        self._issues = issues
        self._reported: set[tuple[str, str]] = set()
        self._targets: dict[str, tuple[Any, str] | str] = {}
        self._expanded: dict[str, _Expansion] = {}
        self._group_of: dict[str, int] = {}
        self._kept: dict[str, str] = {}
        self._inlined = 0

    def deref(self, node: Any, pointer: str) -> tuple[Any, str]:
        """This function will follow the ``$ref`` of a non-schema object, if it has one.

        It gives the object and its pointer, or raises ``InvalidNode`` when the reference
        is external, broken or cyclic.
        """
        if not isinstance(node, dict) or "$ref" not in node:
            return node, pointer
        ref = node["$ref"]
        if not isinstance(ref, str):
            raise InvalidNode(child(pointer, "$ref"), "$ref must be a string")
        if not ref.startswith("#"):
            raise InvalidNode(pointer, external_reference(ref))
        target = self._target(ref)
        if isinstance(target, str):
            raise InvalidNode(pointer, target)
        return target

    def schema(self, node: Any, pointer: str) -> dict[str, Any]:
        """This function will give a schema with its internal references inlined."""
        if node is None or node is True:
            return {}
        if node is False:
            return {"not": {}}
        if not isinstance(node, dict):
            self._report(pointer, "a schema must be an object")
            return {}
        walk = _Walk(None, max(0, min(MAX_INLINE_NODES, MAX_TOTAL_INLINED - self._inlined)))
        value, size, _ = self._walk(node, pointer, 0, walk)
        self._inlined += size
        return value if isinstance(value, dict) else {}

    def kept_schemas(self) -> dict[str, Any]:
        """This function will give the expansion of every reference left in the model."""
        resolved: dict[str, Any] = {}
        while len(resolved) < len(self._kept):
            for ref, canonical in list(self._kept.items()):
                if ref not in resolved:
                    resolved[ref] = self._expand(canonical)[0]
        return dict(sorted(resolved.items()))

    def _report(self, location: str, message: str) -> None:
        if (location, message) not in self._reported:
            self._reported.add((location, message))
            self._issues.append(ParseIssue(location or "/", message))

    def _target(self, ref: str) -> tuple[Any, str] | str:
        """This function will follow a chain of pure references to the node it ends at."""
        cached = self._targets.get(ref)
        if cached is not None:
            return cached
        chain = [ref]
        seen = {ref}
        while True:
            found = lookup(self._document, chain[-1])
            if isinstance(found, str):
                break
            node = found[0]
            following = node.get("$ref") if isinstance(node, dict) and len(node) == 1 else None
            if not isinstance(following, str) or not following.startswith("#"):
                break
            if following in seen:
                found = f"cyclic $ref chain: {' -> '.join([*chain, following])}"
                break
            chain.append(following)
            seen.add(following)
        self._targets[ref] = found
        return found

    def _canonical(self, ref: str) -> str | None:
        target = self._target(ref)
        return None if isinstance(target, str) else "#" + target[1]

    def _successors(self, canonical: str) -> list[str]:
        node = self._target(canonical)
        if isinstance(node, str) or not isinstance(node[0], dict):
            return []
        refs = (self._canonical(ref) for ref in references_in(node[0]) if ref.startswith("#"))
        return [ref for ref in refs if ref is not None]

    def _expand(self, canonical: str) -> _Expansion:
        """This function will expand a referenced schema, its dependencies first."""
        if canonical not in self._expanded:
            groups = strongly_connected(canonical, self._successors, self._expanded.__contains__)
            for group in groups:
                number = len(self._group_of)
                self._group_of.update((member, number) for member in group)
                for member in group:
                    target = self._target(member)
                    node, pointer = ({}, "") if isinstance(target, str) else target
                    walk = _Walk(number, MAX_INLINE_NODES)
                    self._expanded[member] = self._walk(node, pointer, 0, walk)
        return self._expanded[canonical]

    def _walk(self, node: Any, pointer: str, level: int, walk: _Walk) -> _Expansion:
        if not isinstance(node, dict):
            return node, 1, 0
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self._walk_ref(node, ref, pointer, level, walk)
        value: dict[str, Any] = {}
        size, depth = 1, 0
        for key, item in node.items():
            if key in SCHEMA_MAPS and isinstance(item, dict):
                mapped: dict[str, Any] = {}
                for name, sub in item.items():
                    sub_value, sub_size, sub_depth = self._walk(
                        sub, child(pointer, key, name), level + 2, walk
                    )
                    mapped[name] = sub_value
                    size, depth = size + sub_size, max(depth, sub_depth + 2)
                value[key] = mapped
            elif key in SCHEMA_VALUES and isinstance(item, dict):
                value[key], sub_size, sub_depth = self._walk(
                    item, child(pointer, key), level + 1, walk
                )
                size, depth = size + sub_size, max(depth, sub_depth + 1)
            elif key in SCHEMA_LISTS and isinstance(item, list):
                listed: list[Any] = []
                for index, sub in enumerate(item):
                    sub_value, sub_size, sub_depth = self._walk(
                        sub, child(pointer, key, index), level + 2, walk
                    )
                    listed.append(sub_value)
                    size, depth = size + sub_size, max(depth, sub_depth + 2)
                value[key] = listed
            else:
                if key == "type":
                    self._check_type(item, child(pointer, "type"))
                value[key] = item
        return value, size, depth + 1

    def _check_type(self, declared: Any, pointer: str) -> None:
        """This function will report a `type` that is not a JSON Schema type, and what it is
        taken for (generation reads a known alias as its real type)."""
        for name in declared if isinstance(declared, list) else [declared]:
            if isinstance(name, str) and name in JSON_TYPES:
                continue
            meant = real_type(name) if isinstance(name, str) else None
            shown = repr(name) if not isinstance(name, str) else f"'{name}'"
            self._report(
                pointer,
                f"type {shown} is not a type ({', '.join(JSON_TYPES)}); "
                + (f"it is read as '{meant}'" if meant else "the value is left untyped"),
            )

    def _walk_ref(
        self, node: dict[str, Any], ref: str, pointer: str, level: int, walk: _Walk
    ) -> _Expansion:
        """This function will inline one reference, or leave it in place and say why."""
        siblings = {key: item for key, item in node.items() if key != "$ref"}
        if not ref.startswith("#"):
            self._report(pointer, external_reference(ref))
            return node, 1, 1
        canonical = self._canonical(ref)
        if canonical is None:
            self._report(pointer, str(self._target(ref)))
            return ({}, 1, 1) if not siblings else self._walk(siblings, pointer, level, walk)
        if walk.group is not None and self._group_of.get(canonical) == walk.group:
            return self._keep(ref, canonical, siblings, pointer, level, walk)
        value, size, depth = self._expand(canonical)
        if level + depth > MAX_INLINE_DEPTH or size > walk.budget:
            return self._keep(ref, canonical, siblings, pointer, level, walk)
        walk.budget -= size
        if not siblings:
            return value, size, depth
        extra, extra_size, extra_depth = self._walk(siblings, pointer, level, walk)
        return {**value, **extra}, size + extra_size, max(depth, extra_depth)

    def _keep(
        self,
        ref: str,
        canonical: str,
        siblings: dict[str, Any],
        pointer: str,
        level: int,
        walk: _Walk,
    ) -> _Expansion:
        self._kept.setdefault(ref, canonical)
        if not siblings:
            return {"$ref": ref}, 1, 1
        extra, size, depth = self._walk(siblings, pointer, level, walk)
        return {"$ref": ref, **extra}, size, depth
