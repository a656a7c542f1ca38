"""A YAML loader for untrusted uploads.

It builds only plain data (SafeConstructor) and reads scalars the YAML 1.2 way: ``on``,
``no``, dates and numbers with leading zeros stay strings. It refuses, before building
anything, documents nested too deeply or whose aliases would expand into a huge or
endless structure (the "billion laughs" attack). libyaml parses when it is installed;
the composer that counts depth and aliases is always PyYAML's Python one, so those
limits hold either way.
"""

import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import Node
from yaml.resolver import BaseResolver

try:
    from yaml._yaml import CParser as _EventParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _EventParser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


MAX_ALIASES = 10_000
MAX_ALIAS_EXPANSION = 1_000_000


class YamlRefused(yaml.MarkedYAMLError):
    """A YAML document refused because of its shape, not its syntax."""


class _Resolver(BaseResolver):
    """The implicit scalar types of YAML 1.2's core schema."""

    yaml_implicit_resolvers: dict[Any, Any] = {}


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Resolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])


class _BoundedComposer(Composer):
    """A composer that measures, as it goes, what the document would expand to.

    Each anchored node's expanded size and height are recorded when it is complete, so
    an alias costs O(1) to account for, and the first alias that would make the document
    too big or too deep stops the load before anything is built.
    """

    max_depth = 200

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.deepest = 0
        self.composed = 0
        self.expanded = 0
        self.alias_count = 0
        self.anchor_sizes: dict[str, tuple[int, int]] = {}

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        events: Any = self  # the event methods come from the parser mixed in beside
        event = events.peek_event()
        if isinstance(event, AliasEvent):
            self._account_alias(event)
            return super().compose_node(parent, index)
        depth = self.depth + 1
        if depth > self.max_depth:
            raise YamlRefused(
                problem=f"nested deeper than {self.max_depth} levels", problem_mark=_mark(event)
            )
        anchor, start, outer_deepest = event.anchor, self.expanded, self.deepest
        self.depth, self.composed, self.expanded = depth, self.composed + 1, self.expanded + 1
        self.deepest = depth if anchor is not None else max(self.deepest, depth)
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth = depth - 1
        if anchor is not None:
            self.anchor_sizes[anchor] = (self.expanded - start, self.deepest - depth + 1)
            self.deepest = max(outer_deepest, self.deepest)
        return node

    def _account_alias(self, event: AliasEvent) -> None:
        self.alias_count += 1
        if self.alias_count > MAX_ALIASES:
            raise YamlRefused(problem=f"more than {MAX_ALIASES} aliases", problem_mark=_mark(event))
        measured = self.anchor_sizes.get(event.anchor or "")
        if measured is None:
            if event.anchor in self.anchors:
                raise YamlRefused(
                    problem="an alias refers to a node that contains it",
                    problem_mark=_mark(event),
                )
            return  # an undefined alias: the composer reports it
        size, height = measured
        self.expanded += size
        self.deepest = max(self.deepest, self.depth + height)
        if self.depth + height > self.max_depth:
            raise YamlRefused(
                problem=f"aliases nest deeper than {self.max_depth} levels",
                problem_mark=_mark(event),
            )
        if self.expanded - self.composed > MAX_ALIAS_EXPANSION:
            raise YamlRefused(
                problem=f"aliases expand to more than {MAX_ALIAS_EXPANSION} extra nodes",
                problem_mark=_mark(event),
            )


class _Loader(_BoundedComposer, _EventParser, SafeConstructor, _Resolver):
    """The event parser, bounded composer, safe constructor and 1.2 resolver together."""

    def __init__(self, stream: str, max_depth: int) -> None:
        _EventParser.__init__(self, stream)
        _BoundedComposer.__init__(self)
        SafeConstructor.__init__(self)
        _Resolver.__init__(self)
        self.max_depth = max_depth


def load_yaml(text: str, *, max_depth: int) -> Any:
    """This function will build the plain data of one YAML document, within the limits.

    It raises ``yaml.YAMLError`` (``YamlRefused`` for refused shapes) on failure.
    """
    loader = _Loader(text, max_depth)
    root = loader.get_single_node()
    return None if root is None else loader.construct_document(root)


def _mark(event: Any) -> Any:
    """This function will give an event's position, a Python or libyaml mark alike."""
    return event.start_mark
