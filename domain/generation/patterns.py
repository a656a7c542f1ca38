"""A small generator of strings that match simple regular expressions.

It understands literals, escapes (``\\d \\w \\s`` and escaped punctuation), ``.``,
bracket classes with ranges and negation, groups (capturing or ``(?:``), alternation
and the quantifiers ``? * + {n} {n,} {n,m}``. Anything else (back-references,
look-arounds, flags) is refused, and callers fall back to a plain value.
"""

import random
import re
import string
from dataclasses import dataclass

_PRINTABLE = string.ascii_letters + string.digits + "-_.~"
_ESCAPES = {
    "d": string.digits,
    "w": string.ascii_letters + string.digits + "_",
    "s": " ",
    "D": string.ascii_letters,
    "W": "-.~",
    "S": string.ascii_letters + string.digits,
}
_ATTEMPTS = 24


class UnsupportedPatternError(ValueError):
    """A regular expression beyond what the generator understands."""


@dataclass(frozen=True, slots=True)
class _Chars:
    """One character, drawn from a set of choices."""

    choices: str


@dataclass(frozen=True, slots=True)
class _Repeat:
    """A node repeated between ``least`` and ``most`` times (None: unbounded)."""

    node: "_Node"
    least: int
    most: int | None


@dataclass(frozen=True, slots=True)
class _Sequence:
    """Nodes one after the other."""

    items: list["_Node"]


@dataclass(frozen=True, slots=True)
class _Alternatives:
    """Sequences of which exactly one is taken."""

    options: list[_Sequence]


_Node = _Chars | _Repeat | _Sequence | _Alternatives


def string_matching(
    pattern: str, rng: random.Random, *, min_length: int = 0, max_length: int | None = None
) -> str | None:
    """This function will give a string ``re.search`` finds the pattern in, or None.

    Quantifiers are stretched a little more on each attempt, so a length constraint
    has a fair chance to be met; None means no attempt fitted the length or the pattern
    was too complex to generate from.
    """
    try:
        tree = _Parser(pattern).parse()
        compiled = re.compile(pattern)
    except (UnsupportedPatternError, re.error):
        return None
    for attempt in range(_ATTEMPTS):
        stretch = 0 if attempt == 0 else min(2**attempt, 64)
        candidate = _emit(tree, rng, stretch)
        fits = len(candidate) >= min_length and (max_length is None or len(candidate) <= max_length)
        if fits and compiled.search(candidate):
            return candidate
    return None


def _emit(node: _Node, rng: random.Random, stretch: int) -> str:
    if isinstance(node, _Chars):
        return rng.choice(node.choices)
    if isinstance(node, _Sequence):
        return "".join(_emit(item, rng, stretch) for item in node.items)
    if isinstance(node, _Alternatives):
        return _emit(rng.choice(node.options), rng, stretch)
    highest = node.least + stretch if node.most is None else min(node.most, node.least + stretch)
    count = rng.randint(node.least, highest)
    return "".join(_emit(node.node, rng, stretch) for _ in range(count))


class _Parser:
    """A recursive-descent reader of the supported regular-expression subset."""

    def __init__(self, pattern: str) -> None:
        self._text = pattern
        self._at = 0

    def parse(self) -> _Node:
        """This function will read the whole pattern into a tree, or raise if unsupported."""
        tree = self._alternatives()
        if self._at != len(self._text):
            raise UnsupportedPatternError(f"unexpected '{self._text[self._at]}'")
        return tree

    def _peek(self) -> str:
        return self._text[self._at] if self._at < len(self._text) else ""

    def _take(self) -> str:
        character = self._peek()
        if not character:
            raise UnsupportedPatternError("the pattern ends too early")
        self._at += 1
        return character

    def _alternatives(self) -> _Node:
        options = [self._sequence()]
        while self._peek() == "|":
            self._take()
            options.append(self._sequence())
        return options[0] if len(options) == 1 else _Alternatives(options)

    def _sequence(self) -> _Sequence:
        items: list[_Node] = []
        while self._peek() not in ("", "|", ")"):
            atom = self._atom()
            if atom is not None:
                items.append(self._quantified(atom))
        return _Sequence(items)

    def _atom(self) -> _Node | None:
        character = self._take()
        if character in "^$":
            return None
        if character == "(":
            if self._text.startswith("?:", self._at):
                self._at += 2
            elif self._peek() == "?":
                raise UnsupportedPatternError("look-arounds and named groups are not supported")
            inner = self._alternatives()
            if self._take() != ")":
                raise UnsupportedPatternError("unbalanced parenthesis")
            return inner
        if character == "[":
            return self._bracket()
        if character == ".":
            return _Chars(_PRINTABLE)
        if character == "\\":
            return _Chars(self._escape())
        if character in "*+?{":
            raise UnsupportedPatternError(f"nothing to repeat before '{character}'")
        return _Chars(character)

    def _escape(self) -> str:
        character = self._take()
        if character in _ESCAPES:
            return _ESCAPES[character]
        if character.isalnum():
            raise UnsupportedPatternError(f"escape \\{character} is not supported")
        return character

    def _bracket(self) -> _Chars:
        negated = self._peek() == "^"
        if negated:
            self._take()
        members = ""
        first = True
        while first or self._peek() != "]":
            first = False
            character = self._take()
            low = self._escape() if character == "\\" else character
            if self._peek() == "-" and self._text[self._at + 1 : self._at + 2] not in ("]", ""):
                self._take()
                high = self._take()
                if high == "\\":
                    high = self._escape()
                if len(low) != 1 or len(high) != 1 or ord(high) < ord(low):
                    raise UnsupportedPatternError("invalid range in a bracket class")
                low = "".join(chr(code) for code in range(ord(low), ord(high) + 1))
            members += low
        self._take()
        if negated:
            members = "".join(character for character in _PRINTABLE if character not in members)
        if not members:
            raise UnsupportedPatternError("an empty bracket class")
        return _Chars(members)

    def _quantified(self, atom: _Node) -> _Node:
        character = self._peek()
        if character == "?":
            least, most = 0, 1
        elif character == "*":
            least, most = 0, None
        elif character == "+":
            least, most = 1, None
        elif character == "{" and re.match(r"\{\d+(,\d*)?\}", self._text[self._at :]):
            least, most = self._braces()
            return self._lazy(_Repeat(atom, least, most))
        else:
            return atom
        self._take()
        return self._lazy(_Repeat(atom, least, most))

    def _braces(self) -> tuple[int, int | None]:
        closing = self._text.index("}", self._at)
        body = self._text[self._at + 1 : closing]
        self._at = closing + 1
        low, comma, high = body.partition(",")
        least = int(low)
        if not comma:
            return least, least
        most = int(high) if high else None
        if most is not None and most < least:
            raise UnsupportedPatternError("a quantifier whose maximum is below its minimum")
        return least, most

    def _lazy(self, node: _Repeat) -> _Node:
        # A lazy or possessive marker changes matching, not the strings that match.
        if self._peek() in ("?", "+"):
            self._take()
        return node
