"""The expressions of Postman scripts: what a value reads from the response, and the
``pm.expect`` chains and legacy comparisons that become conditions."""

import re
from dataclasses import dataclass, field
from typing import Any

from domain.testing.assertions import Condition, Operator, Subject
from infrastructure.specs.postman_js import NotLiteral, literal, matching, split_top


class Untranslatable(ValueError):
    """A script statement the translator cannot express as conditions."""


@dataclass(frozen=True)
class Read:
    """What an expression reads: a subject (status, header, body, json, time), a target
    (header name or JSONPath), and whether it measures the length of what it reads."""

    subject: Subject
    target: str = ""
    length: bool = False


_JSON_ROOTS = re.compile(
    r"^(?:pm\.response\.json\s*\(\s*\)|JSON\.parse\s*\(\s*(?:responseBody|pm\.response\.text\s*\(\s*\))\s*\))"
)
_HEADER = re.compile(
    r"""^(?:pm\.response\.headers\.get|postman\.getResponseHeader)\s*\(\s*(["'])(.+?)\1\s*\)$"""
)
_LEGACY_HEADER = re.compile(r"""^responseHeaders\s*\[\s*(["'])(.+?)\1\s*\]$""")
_GETTER = re.compile(
    r"""^(?:pm\.(?:environment|globals|collectionVariables|variables)\.get"""
    r"""|postman\.get(?:Environment|Global)Variable)\s*\(\s*(["'])(.+?)\1\s*\)$"""
)
_LEGACY_VARIABLE = re.compile(
    r"""^(?:environment|globals|data)(?:\.([\w$]+)|\[\s*(["'])(.+?)\2\s*\])$"""
)
_ACCESSOR = re.compile(r"""\.([A-Za-z_$][\w$]*)|\[\s*(-?\d+)\s*\]|\[\s*(["'])(.*?)\3\s*\]""")
_SIMPLE = {
    "pm.response.code": Read(Subject.Status),
    "responseCode.code": Read(Subject.Status),
    "pm.response.responseTime": Read(Subject.Time),
    "responseTime": Read(Subject.Time),
    "pm.response.text()": Read(Subject.Body),
    "responseBody": Read(Subject.Body),
}


@dataclass
class Aliases:
    """The variables a script declared: what each reads, or the literal it holds."""

    reads: dict[str, Read] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def child(self) -> "Aliases":
        return Aliases(dict(self.reads), dict(self.values))

    def declare(self, name: str, expression: str) -> None:
        """This function will remember what a ``var`` reads or holds (Untranslatable)."""
        self.reads.pop(name, None)
        self.values.pop(name, None)
        try:
            self.reads[name] = read(expression, self)
            return
        except Untranslatable:
            pass
        self.values[name] = value(expression, self)


def _path(base: str, accessors: str) -> tuple[str, bool]:
    """This function will append a JavaScript accessor chain to a JSONPath; True when the
    chain ends in ``.length``."""
    position, path = 0, base
    parts = list(_ACCESSOR.finditer(accessors))
    if not parts and accessors.strip():
        raise Untranslatable(accessors)
    length = False
    for index, part in enumerate(parts):
        if part.start() != position:
            raise Untranslatable(accessors)
        position = part.end()
        name, number, key = part.group(1), part.group(2), part.group(4)
        if name == "length" and index == len(parts) - 1:
            length = True
        elif name is not None:
            path += f".{name}"
        elif number is not None:
            path += f"[{number}]"
        else:
            path += "['" + key.replace("'", "\\'") + "']"
    if position != len(accessors):
        raise Untranslatable(accessors)
    return path, length


def read(expression: str, aliases: Aliases) -> Read:
    """This function will tell what part of the response an expression reads."""
    text = expression.strip()
    while text.startswith("(") and matching(text, 0) == len(text):
        text = text[1:-1].strip()
    simple = _SIMPLE.get(re.sub(r"\s+", "", text))
    if simple is not None:
        return simple
    if (header := _HEADER.match(text) or _LEGACY_HEADER.match(text)) is not None:
        return Read(Subject.Header, header.group(2))
    root = _JSON_ROOTS.match(text)
    if root is not None:
        path, length = _path("$", text[root.end() :])
        return Read(Subject.Json, path, length)
    name = re.match(r"^[A-Za-z_$][\w$]*", text)
    if name is not None and name.group() in aliases.reads:
        known = aliases.reads[name.group()]
        rest = text[name.end() :]
        if known.subject == Subject.Json and not known.length:
            path, length = _path(known.target, rest)
            return Read(Subject.Json, path, length)
        if known.subject == Subject.Body and rest.strip() == ".length":
            return Read(Subject.Body, "", True)
        if not rest.strip():
            return known
    raise Untranslatable(text)


def value(expression: str, aliases: Aliases) -> Any:
    """This function will read a literal, a variable getter (as ``{{name}}``) or an alias."""
    text = expression.strip()
    getter = _GETTER.match(text)
    if getter is not None:
        return "{{" + getter.group(2) + "}}"
    legacy = _LEGACY_VARIABLE.match(text)
    if legacy is not None:
        return "{{" + (legacy.group(1) or legacy.group(3)) + "}}"
    if text in aliases.values:
        return aliases.values[text]
    if re.fullmatch(r"(?:parseInt|Number|String)\s*\(.+\)", text, re.DOTALL):
        inner = text[text.index("(") + 1 : -1].split(",")[0]
        found = value(inner, aliases)
        return found
    try:
        return literal(text)
    except NotLiteral:
        raise Untranslatable(text) from None


def source_of_value(expression: str, aliases: Aliases) -> tuple[str, str]:
    """This function will tell where a setter's value comes from: (body|header|status, expr)."""
    text = expression.strip()
    wrapped = re.fullmatch(r"(?:String|Number|parseInt)\s*\((.+)\)", text, re.DOTALL)
    if wrapped is not None:
        text = wrapped.group(1).split(",")[0]
    found = read(text, aliases)
    if found.length:
        raise Untranslatable(expression)
    if found.subject == Subject.Json:
        return "body", found.target
    if found.subject == Subject.Header:
        return "header", found.target
    if found.subject == Subject.Status:
        return "status", ""
    raise Untranslatable(expression)


def _on_length(target: str, operator: str, expected: Any, negate: bool) -> list[Condition]:
    """This function will check the length of an array by the items that must (not) exist."""
    if isinstance(expected, bool) or not isinstance(expected, int):
        raise Untranslatable(f"length {operator} {expected!r}")
    if operator == "equals":
        return [
            Condition(
                subject=Subject.Json,
                operator=Operator.Length,
                target=target,
                expected=expected,
                negate=negate,
            )
        ]
    # length > n: item n exists; >= n: item n-1; < n: item n-1 absent; <= n: item n absent.
    index = {"gt": expected, "gte": expected - 1, "lt": expected - 1, "lte": expected}[operator]
    absent = operator in ("lt", "lte")
    if index < 0:
        return [
            Condition(subject=Subject.Json, operator=Operator.Exists, target=target, negate=negate)
        ]
    return [
        Condition(
            subject=Subject.Json,
            operator=Operator.Exists,
            target=f"{target}[{index}]",
            negate=absent != negate,
        )
    ]


def condition(found: Read, operator: str, expected: Any, negate: bool = False) -> list[Condition]:
    """This function will build the conditions for what an expression reads."""
    if found.length:
        if found.subject != Subject.Json:
            raise Untranslatable("the length of text")
        return _on_length(found.target, operator, expected, negate)
    return [
        Condition(
            subject=found.subject,
            operator=Operator(operator),
            target=found.target,
            expected=expected,
            negate=negate,
        )
    ]


_COMPARISONS = (
    ("===", "equals", False),
    ("!==", "equals", True),
    ("==", "equals", False),
    ("!=", "equals", True),
    (">=", "gte", False),
    ("<=", "lte", False),
    (">", "gt", False),
    ("<", "lt", False),
)
_FLIPPED = {"gt": "lt", "lt": "gt", "gte": "lte", "lte": "gte", "equals": "equals"}
_TYPES = {"string", "number", "boolean", "object", "undefined"}


def legacy_conditions(expression: str, aliases: Aliases) -> list[Condition]:
    """This function will translate a boolean expression (``a && b``) into conditions."""
    parts = split_top(expression.strip(), "&&")
    if any("||" in split_top(part, "||")[0] or len(split_top(part, "||")) > 1 for part in parts):
        raise Untranslatable(expression)
    found: list[Condition] = []
    for part in parts:
        found.extend(_one(part, aliases))
    return found


def _one(text: str, aliases: Aliases) -> list[Condition]:
    text = text.strip()
    while text.startswith("(") and matching(text, 0) == len(text):
        text = text[1:-1].strip()
    if text.startswith("!") and not text.startswith("!="):
        inner = _one(text[1:], aliases)
        if len(inner) != 1:
            raise Untranslatable(text)
        only = inner[0]
        return [
            Condition(
                subject=only.subject,
                operator=only.operator,
                target=only.target,
                expected=only.expected,
                negate=not only.negate,
            )
        ]
    for token, operator, negate in _COMPARISONS:
        sides = split_top(text, token)
        if len(sides) == 2:
            return _comparison(sides[0], operator, negate, sides[1], aliases)
    call = _call(text, aliases)
    if call is not None:
        return call
    found = read(text, aliases)
    if found.subject == Subject.Header:
        return [Condition(subject=Subject.Header, operator=Operator.Exists, target=found.target)]
    raise Untranslatable(text)


def _comparison(
    left: str, operator: str, negate: bool, right: str, aliases: Aliases
) -> list[Condition]:
    typeof = re.match(r"^typeof\s+(.+)$", left.strip(), re.DOTALL)
    if typeof is not None and operator == "equals":
        kind = value(right, aliases)
        if kind not in _TYPES:
            raise Untranslatable(left)
        found = read(typeof.group(1), aliases)
        if kind == "undefined":
            return condition(found, "exists", None, not negate)
        return condition(found, "type", kind, negate)
    index_of = re.match(r"^(.+)\.indexOf\s*\((.+)\)$", left.strip(), re.DOTALL)
    if index_of is not None:
        wanted, limit = value(index_of.group(2), aliases), value(right, aliases)
        present = {("gt", -1), ("gte", 0), ("equals", -1)}
        if (operator, limit) not in present:
            raise Untranslatable(left)
        absent = operator == "equals"
        return condition(read(index_of.group(1), aliases), "contains", wanted, absent != negate)
    try:
        found = read(left, aliases)
        expected = value(right, aliases)
    except Untranslatable:
        found = read(right, aliases)
        expected = value(left, aliases)
        operator = _FLIPPED[operator]
    return condition(found, operator, expected, negate)


def _call(text: str, aliases: Aliases) -> list[Condition] | None:
    """This function will translate the boolean calls of legacy tests, or give None."""
    method = re.match(r"^(.+)\.(has|includes|hasOwnProperty)\s*\((.+)\)$", text, re.DOTALL)
    if method is not None:
        found = read(method.group(1), aliases)
        argument = value(method.group(3), aliases)
        operator = "has_key" if method.group(2) == "hasOwnProperty" else "contains"
        return condition(found, operator, argument)
    array = re.match(r"^Array\.isArray\s*\((.+)\)$", text, re.DOTALL)
    if array is not None:
        return condition(read(array.group(1), aliases), "type", "array")
    tv4 = re.match(r"^tv4\.validate(?:Result)?\s*\((.+)\)$", text, re.DOTALL)
    if tv4 is not None:
        return [_schema(split_top(tv4.group(1), ","), aliases)]
    return None


def _schema(arguments: list[str], aliases: Aliases) -> Condition:
    if len(arguments) < 2:
        raise Untranslatable("tv4.validate needs data and a schema")
    found = read(arguments[0], aliases)
    schema = value(arguments[1], aliases)
    if found.subject != Subject.Json or found.target != "$" or not isinstance(schema, dict):
        raise Untranslatable(arguments[0])
    return Condition(subject=Subject.Schema, operator=Operator.Valid, expected=schema)
