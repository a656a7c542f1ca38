"""Postman test and pre-request scripts translated into named assertions and extractions.

What is translated (see docs/spec-formats.md): ``pm.test`` blocks of ``pm.response.to...``
and ``pm.expect(...)`` forms, the legacy ``tests["name"] = <expression>`` form with its
``if`` guards, ``tv4.validate`` and ``jsonSchema``, and the variable setters. Each
``pm.test`` or ``tests[...]`` is one assertion; one with a statement that cannot be
translated is kept untranslated, whole, with its source, and every line that was not
translated is listed. No JavaScript is ever run.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from domain.testing.assertions import Condition, NamedAssertion, Operator, Subject
from infrastructure.specs.postman_chains import expectation
from infrastructure.specs.postman_expressions import (
    Aliases,
    Untranslatable,
    legacy_conditions,
    source_of_value,
)
from infrastructure.specs.postman_js import (
    NotLiteral,
    Statement,
    literal,
    matching,
    split_top,
    statements,
    strip_comments,
)

_TEST = re.compile(r"^pm\.test\s*\(")
_LEGACY = re.compile(r"""^tests\s*\[\s*(["'`])(.*?)\1\s*\]\s*=\s*(.+)$""", re.DOTALL)
_DECLARATION = re.compile(r"^(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*(.+)$", re.DOTALL)
_IF = re.compile(r"^if\s*\(")
_SETTER = re.compile(
    r"^(pm\.(?:environment|globals|collectionVariables|variables)\.set"
    r"|postman\.set(?:Environment|Global)Variable)\s*\(",
)
_BENIGN = re.compile(
    r"^(console\.\w+\s*\(|pm\.(?:environment|globals|collectionVariables|variables)\.unset\s*\(|postman\.clear\w*Variable\s*\()"
)
_FUNCTION = re.compile(r"^(?:function\s*\([^)]*\)|\([^)]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)\s*\{")

_ARROW_EXPRESSION = re.compile(r"^(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>\s*([^{\s].*)$", re.DOTALL)


@dataclass
class Extraction:
    """A variable a script sets from the response (``source`` body, header or status)."""

    name: str
    source: str
    expression: str


@dataclass
class Translation:
    """What one request's scripts became."""

    assertions: list[NamedAssertion] = field(default_factory=list)
    extractions: list[Extraction] = field(default_factory=list)
    constants: dict[str, Any] = field(default_factory=dict)  # pre-request variable values
    untranslated: list[tuple[int, str]] = field(default_factory=list)  # (line, text)

    @property
    def translated_count(self) -> int:
        return sum(1 for assertion in self.assertions if assertion.translated)


def translate_tests(source: str) -> Translation:
    """This function will translate a test script."""
    result = Translation()
    _Walker(result).walk(statements(strip_comments(source)), [], Aliases())
    return result


def translate_prerequest(source: str) -> Translation:
    """This function will translate a pre-request script that sets variables from constants
    or dynamic variables; anything else is listed untranslated."""
    result = Translation()
    for statement in statements(strip_comments(source)):
        setter = _SETTER.match(statement.text)
        if setter and statement.text.endswith(")"):
            arguments = split_top(statement.text[setter.end() : -1], ",")
            if len(arguments) == 2:
                try:
                    name = literal(arguments[0])
                    value = _constant(arguments[1])
                except NotLiteral:
                    pass
                else:
                    if isinstance(name, str):
                        result.constants[name] = value
                        continue
        if not _BENIGN.match(statement.text):
            result.untranslated.append((statement.line, statement.text))
    return result


def _constant(text: str) -> Any:
    """This function will read a constant, a dynamic variable, or replaceIn of one."""
    text = text.strip()
    match = re.fullmatch(r"pm\.variables\.replaceIn\s*\((.+)\)", text, re.DOTALL)
    if match:
        text = match.group(1)
    value = literal(text)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    raise NotLiteral(text)


class _Walker:
    """The walk over a test script's statements, with the guards and aliases in force."""

    def __init__(self, result: Translation) -> None:
        self.result = result

    def walk(self, found: list[Statement], guards: list[Condition], aliases: Aliases) -> None:
        for statement in found:
            try:
                self._statement(statement, guards, aliases)
            except Untranslatable:
                self.result.untranslated.append((statement.line, statement.text))

    def _statement(self, statement: Statement, guards: list[Condition], aliases: Aliases) -> None:
        text = statement.text
        if _TEST.match(text):
            self._test(statement, guards, aliases)
        elif (legacy := _LEGACY.match(text)) is not None:
            self._legacy(legacy.group(2), legacy.group(3), statement, guards, aliases)
        elif _IF.match(text):
            self._if(statement, guards, aliases)
        elif (declaration := _DECLARATION.match(text)) is not None:
            aliases.declare(declaration.group(1), declaration.group(2))
        elif _SETTER.match(text):
            self._setter(text, aliases)
        elif not _BENIGN.match(text):
            raise Untranslatable(text)

    def _setter(self, text: str, aliases: Aliases) -> None:
        setter = _SETTER.match(text)
        if setter is None or not text.endswith(")"):
            raise Untranslatable(text)
        arguments = split_top(text[setter.end() : -1], ",")
        if len(arguments) != 2:
            raise Untranslatable(text)
        try:
            name = literal(arguments[0])
        except NotLiteral:
            raise Untranslatable(text) from None
        if not isinstance(name, str):
            raise Untranslatable(text)
        source, expression = source_of_value(arguments[1], aliases)
        self.result.extractions.append(Extraction(name, source, expression))

    def _if(self, statement: Statement, guards: list[Condition], aliases: Aliases) -> None:
        text = statement.text
        opening = text.index("(")
        closing = matching(text, opening)
        condition = text[opening + 1 : closing - 1]
        rest = text[closing:].strip()
        if not rest.startswith("{") or matching(rest, 0) != len(rest):
            raise Untranslatable(text)  # an else branch, or a body without braces
        guard = legacy_conditions(condition, aliases)
        body = rest[1:-1]
        self.walk(statements(body, statement.line), [*guards, *guard], aliases.child())

    def _legacy(
        self,
        name: str,
        expression: str,
        statement: Statement,
        guards: list[Condition],
        aliases: Aliases,
    ) -> None:
        try:
            conditions = legacy_conditions(expression, aliases)
        except Untranslatable:
            self._untranslated(name, statement)
            return
        self.result.assertions.append(
            NamedAssertion(name=name, conditions=conditions, guards=guards)
        )

    def _untranslated(self, name: str, statement: Statement) -> None:
        self.result.assertions.append(
            NamedAssertion(name=name[:300], translated=False, source=statement.text[:10_000])
        )
        self.result.untranslated.append((statement.line, statement.text))

    def _test(self, statement: Statement, guards: list[Condition], aliases: Aliases) -> None:
        text = statement.text
        opening = text.index("(")
        arguments = split_top(text[opening + 1 : matching(text, opening) - 1], ",")
        try:
            name = literal(arguments[0])
        except NotLiteral:
            name = arguments[0]
        name = str(name) or "unnamed test"
        callback = arguments[1] if len(arguments) == 2 else ""
        head = _FUNCTION.match(callback)
        arrow = _ARROW_EXPRESSION.match(callback)
        if head is not None and callback.endswith("}"):
            body = callback[head.end() : -1]
        elif arrow is not None:
            body = arrow.group(1)
        else:
            self._untranslated(name, statement)
            return
        local = aliases.child()
        conditions: list[Condition] = []
        for inner in statements(body, statement.line):
            try:
                conditions.extend(self._inside_test(inner, local))
            except Untranslatable:
                self._untranslated(name, statement)
                return
        if not conditions:
            self._untranslated(name, statement)
            return
        self.result.assertions.append(
            NamedAssertion(name=name[:300], conditions=conditions, guards=guards)
        )

    def _inside_test(self, statement: Statement, aliases: Aliases) -> list[Condition]:
        text = statement.text
        if (declaration := _DECLARATION.match(text)) is not None:
            aliases.declare(declaration.group(1), declaration.group(2))
            return []
        if _SETTER.match(text):
            self._setter(text, aliases)
            return []
        if _BENIGN.match(text):
            return []
        return expectation(text, aliases)


def status_condition(status: int) -> Condition:
    """This function will give the condition that the status is exactly ``status``."""
    return Condition(subject=Subject.Status, operator=Operator.Equals, expected=status)
