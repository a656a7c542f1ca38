"""Chai chains of Postman tests: ``pm.expect(x).to.eql(y)`` and ``pm.response.to.be.ok``."""

import re
from typing import Any

from domain.testing.assertions import Condition, Operator, Subject
from infrastructure.specs.postman_expressions import (
    Aliases,
    Read,
    Untranslatable,
    condition,
    read,
    value,
)
from infrastructure.specs.postman_js import matching, split_top

_NOISE = {
    "to",
    "be",
    "been",
    "is",
    "that",
    "which",
    "and",
    "has",
    "have",
    "with",
    "at",
    "of",
    "same",
    "deep",
    "does",
    "still",
    "own",
    "an_",
    "itself",
    "but",
    "also",
    "nested",
}
_WORDS = {
    "eql": "equals",
    "equal": "equals",
    "equals": "equals",
    "eq": "equals",
    "eqls": "equals",
    "oneOf": "one_of",
    "include": "contains",
    "includes": "contains",
    "contain": "contains",
    "contains": "contains",
    "above": "gt",
    "gt": "gt",
    "greaterThan": "gt",
    "below": "lt",
    "lt": "lt",
    "lessThan": "lt",
    "least": "gte",
    "gte": "gte",
    "most": "lte",
    "lte": "lte",
    "match": "matches",
    "matches": "matches",
    "lengthOf": "length",
    "length": "length",
    "a": "type",
    "an": "type",
    "property": "property",
}
_STATUS_CLASSES = {
    "ok": (200, 200),
    "success": (200, 299),
    "info": (100, 199),
    "redirection": (300, 399),
    "clientError": (400, 499),
    "serverError": (500, 599),
    "error": (400, 599),
    "accepted": (202, 202),
    "badRequest": (400, 400),
    "unauthorized": (401, 401),
    "unauthorised": (401, 401),
    "forbidden": (403, 403),
    "notFound": (404, 404),
    "rateLimited": (429, 429),
    "created": (201, 201),
    "withoutBody": (204, 204),
}
_CHAI_TYPES = {"string", "number", "boolean", "object", "array", "null", "undefined"}
_LINK = re.compile(r"\s*\.\s*([A-Za-z_$][\w$]*)")


def _links(chain: str) -> list[tuple[str, str | None]]:
    """This function will split ``.to.have.property("a")`` into (word, arguments) links."""
    links: list[tuple[str, str | None]] = []
    position = 0
    while position < len(chain.rstrip()):
        link = _LINK.match(chain, position)
        if link is None:
            raise Untranslatable(chain)
        position = link.end()
        arguments = None
        rest = chain[position:]
        stripped = rest.lstrip()
        if stripped.startswith("("):
            start = position + len(rest) - len(stripped)
            end = matching(chain, start)
            arguments = chain[start + 1 : end - 1]
            position = end
        links.append((link.group(1), arguments))
    return links


def expectation(text: str, aliases: Aliases) -> list[Condition]:
    """This function will translate one ``pm.expect`` or ``pm.response.to`` statement."""
    text = text.strip()
    if text.startswith("pm.expect"):
        opening = text.index("(")
        closing = matching(text, opening)
        arguments = split_top(text[opening + 1 : closing - 1], ",")
        if re.fullmatch(r"pm\.response", arguments[0].strip()):
            return _chain(None, _links(text[closing:]), aliases)  # pm.expect(pm.response)
        return _chain(_subject(arguments[0], aliases), _links(text[closing:]), aliases)
    response = re.match(r"^pm\.response((?:\s*\.\s*(?:to|be|have|not|and)\b)+)", text)
    if response is not None:
        return _chain(None, _links(text[len("pm.response") :]), aliases)
    raise Untranslatable(text)


def _subject(argument: str, aliases: Aliases) -> Read | Condition:
    """This function will read what ``pm.expect`` looks at; a tv4 call is already a check."""
    tv4 = re.match(r"^tv4\.validate\s*\((.+)\)$", argument.strip(), re.DOTALL)
    if tv4 is not None:
        parts = split_top(tv4.group(1), ",")
        schema = value(parts[1], aliases) if len(parts) > 1 else None
        found = read(parts[0], aliases)
        if found.subject != Subject.Json or found.target != "$" or not isinstance(schema, dict):
            raise Untranslatable(argument)
        return Condition(subject=Subject.Schema, operator=Operator.Valid, expected=schema)
    return read(argument, aliases)


def _range(low: int, high: int, negate: bool) -> list[Condition]:
    if low == high:
        return [
            Condition(subject=Subject.Status, operator=Operator.Equals, expected=low, negate=negate)
        ]
    if negate:
        return [
            Condition(
                subject=Subject.Status,
                operator=Operator.OneOf,
                expected=list(range(low, high + 1)),
                negate=True,
            )
        ]
    return [
        Condition(subject=Subject.Status, operator=Operator.Gte, expected=low),
        Condition(subject=Subject.Status, operator=Operator.Lte, expected=high),
    ]


def _response(word: str, arguments: str | None, negate: bool, aliases: Aliases) -> list[Condition]:
    """This function will translate the terminal word of a ``pm.response.to`` chain."""
    if word in _STATUS_CLASSES and arguments is None:
        return _range(*_STATUS_CLASSES[word], negate)
    parts = split_top(arguments, ",") if arguments else []
    if word == "status" and len(parts) == 1:
        status = value(parts[0], aliases)
        if isinstance(status, int) and not isinstance(status, bool):
            return _range(status, status, negate)
    if word == "header" and parts:
        name = value(parts[0], aliases)
        if not isinstance(name, str):
            raise Untranslatable(word)
        if len(parts) == 1:
            return [
                Condition(
                    subject=Subject.Header, operator=Operator.Exists, target=name, negate=negate
                )
            ]
        return [
            Condition(
                subject=Subject.Header,
                operator=Operator.Equals,
                target=name,
                expected=value(parts[1], aliases),
                negate=negate,
            )
        ]
    if word == "jsonSchema" and parts:
        schema = value(parts[0], aliases)
        if isinstance(schema, dict):
            return [
                Condition(
                    subject=Subject.Schema, operator=Operator.Valid, expected=schema, negate=negate
                )
            ]
    if word == "body" and len(parts) == 1:
        return [
            Condition(
                subject=Subject.Body,
                operator=Operator.Equals,
                expected=value(parts[0], aliases),
                negate=negate,
            )
        ]
    if word == "json" and arguments is None:
        return [
            Condition(
                subject=Subject.Header,
                operator=Operator.Matches,
                target="Content-Type",
                expected="json",
                negate=negate,
            )
        ]
    if word == "jsonBody" and parts:
        path = value(parts[0], aliases)
        if not isinstance(path, str):
            raise Untranslatable(word)
        target = "$" + "".join(
            f"[{key}]" if key.isdigit() else f".{key}" for key in path.split(".") if key
        )
        if len(parts) == 1:
            return [
                Condition(
                    subject=Subject.Json, operator=Operator.Exists, target=target, negate=negate
                )
            ]
        return [
            Condition(
                subject=Subject.Json,
                operator=Operator.Equals,
                target=target,
                expected=value(parts[1], aliases),
                negate=negate,
            )
        ]
    if word == "withBody" and arguments is None:
        return [
            Condition(subject=Subject.Body, operator=Operator.Length, expected=0, negate=not negate)
        ]
    raise Untranslatable(word)


def _chain(
    subject: Read | Condition | None, links: list[tuple[str, str | None]], aliases: Aliases
) -> list[Condition]:
    """This function will translate a chain; ``.and`` may join several assertions, and a
    ``.not`` holds for the rest of the chain, as in chai."""
    negate = False
    pending: str | None = None  # "length" after .to.have.length(...)/.lengthOf.above
    found: list[Condition] = []
    for index, (word, arguments) in enumerate(links):
        last = index == len(links) - 1
        if word == "not":
            negate = not negate
            continue
        if word in _NOISE and arguments is None:
            continue
        if subject is None:
            found.extend(_response(word, arguments, negate, aliases))
            continue
        if isinstance(subject, Condition):
            if word != "true" or arguments is not None:
                raise Untranslatable(word)
            found.append(
                Condition(
                    subject=subject.subject,
                    operator=subject.operator,
                    expected=subject.expected,
                    negate=negate,
                )
            )
            continue
        if word in ("lengthOf", "length") and arguments is None and not last:
            pending = "length"
            continue
        found.extend(_terminal(subject, word, arguments, negate, pending, aliases))
        pending = None
    if not found:
        raise Untranslatable("an expectation without an assertion")
    return found


def _terminal(
    subject: Read,
    word: str,
    arguments: str | None,
    negate: bool,
    pending: str | None,
    aliases: Aliases,
) -> list[Condition]:
    if arguments is None:
        constants: dict[str, Any] = {"true": True, "false": False, "null": None}
        if word in constants:
            return condition(subject, "equals", constants[word], negate)
        if word == "ok" and not negate:
            # Truthy: there, and neither null, false, 0 nor "" (a falsy test is an "or").
            return [
                *condition(subject, "not_null", None),
                *condition(subject, "equals", False, True),
                *condition(subject, "equals", 0, True),
                *condition(subject, "equals", "", True),
            ]
        if word == "exist":
            return condition(subject, "not_null" if not negate else "exists", None, negate)
        if word == "empty":
            return condition(Read(subject.subject, subject.target, False), "length", 0, negate)
        if word == "undefined":
            return condition(subject, "exists", None, not negate)
        if word == "jsonSchema":
            raise Untranslatable(word)
        raise Untranslatable(word)
    parts = split_top(arguments, ",")
    if word == "jsonSchema" and subject.subject == Subject.Json and subject.target == "$":
        schema = value(parts[0], aliases)
        if isinstance(schema, dict):
            return [
                Condition(
                    subject=Subject.Schema, operator=Operator.Valid, expected=schema, negate=negate
                )
            ]
    operator = _WORDS.get(word)
    if operator is None:
        raise Untranslatable(word)
    if operator == "property":
        key = value(parts[0], aliases)
        if not isinstance(key, str) or subject.subject != Subject.Json or subject.length:
            raise Untranslatable(word)
        if len(parts) == 1:
            return condition(subject, "has_key", key, negate)
        child = Read(Subject.Json, subject.target + "['" + key.replace("'", "\\'") + "']")
        return condition(child, "equals", value(parts[1], aliases), negate)
    if operator == "type":
        kind = value(parts[0], aliases)
        if kind not in _CHAI_TYPES:
            raise Untranslatable(word)
        if kind == "undefined":
            return condition(subject, "exists", None, not negate)
        return condition(subject, "type", kind, negate)
    expected: Any = parts[0] if operator == "matches" else value(parts[0], aliases)
    if operator == "matches" and not re.fullmatch(r"/.*/[gimsuy]*", expected, re.DOTALL):
        expected = value(parts[0], aliases)
    if pending == "length" or operator == "length":
        measured = Read(subject.subject, subject.target, True)
        return condition(measured, "equals" if operator == "length" else operator, expected, negate)
    if operator == "one_of" and not isinstance(expected, list):
        raise Untranslatable(word)
    return condition(subject, operator, expected, negate)
