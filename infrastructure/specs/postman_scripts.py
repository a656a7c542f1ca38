"""Postman test and pre-request scripts translated into named assertions and extractions.

What is translated (see docs/postman.md): ``pm.test`` blocks of ``pm.response.to...``
and ``pm.expect(...)`` forms, the legacy ``tests["name"] = <expression>`` form with its
``if`` guards, ``tv4.validate`` and ``jsonSchema``, and the variable setters. Each
``pm.test`` or ``tests[...]`` is one assertion. A top-level statement that cannot be
translated (a test with a loop in it, an ``if`` with an ``else``, a ``_.each``...) is
kept whole: every line of it is listed, each test named in it is kept as an untranslated
assertion, and the statement goes into the script's *residual*, with the declarations
before it, which a run executes in the JavaScript sandbox (infrastructure/execution/
sandbox.py). Nothing here runs JavaScript.
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
_NAMED = re.compile(
    r"""\bpm\.test\s*\(\s*(["'`])((?:(?!\1).)*)\1(?=\s*,)"""
    r"""|\btests\s*\[\s*(["'`])((?:(?!\3).)*)\3\s*\]\s*=(?!=)"""
)
_SETS = re.compile(
    r"""(?:pm\.(?:environment|globals|collectionVariables|variables)\.set"""
    r"""|postman\.set(?:Environment|Global)Variable)\s*\(\s*(["'])([^"']+)\1"""
)
_GETS = re.compile(
    r"""(?:pm\.(?:environment|globals|collectionVariables|variables)\.get"""
    r"""|postman\.get(?:Environment|Global)Variable)\s*\(\s*(["'])([^"']+)\1"""
)


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
    scripts: list[str] = field(default_factory=list)  # residuals, for the sandbox
    script_sets: list[str] = field(default_factory=list)  # variables a residual sets
    script_reads: list[str] = field(default_factory=list)  # variables a residual reads

    @property
    def translated_count(self) -> int:
        return sum(1 for assertion in self.assertions if assertion.translated)


def translate_tests(source: str) -> Translation:
    """This function will translate a test script."""
    result = Translation()
    walker = _Walker(result)
    walker.walk(statements(strip_comments(source)), [], Aliases(), top=True)
    if walker.needs_sandbox:
        # Statements come without their semicolons; put them back, so that none runs into
        # the next (a line starting with "(" would call the one before).
        script = "".join(f"{statement.text};\n" for statement in walker.residual).rstrip("\n")
        result.scripts.append(script)
        result.script_sets.extend(dict.fromkeys(m.group(2) for m in _SETS.finditer(script)))
        reads = [m.group(2) for m in _GETS.finditer(script)]
        reads += re.findall(r"\{\{\s*([^{}\s]+)\s*\}\}", script)
        result.script_reads.extend(dict.fromkeys(reads))
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
    """The walk over a test script's statements, with the guards and aliases in force, and
    the residual the sandbox runs: declarations, and what could not be translated."""

    def __init__(self, result: Translation) -> None:
        self.result = result
        self.residual: list[Statement] = []
        self.needs_sandbox = False

    def walk(
        self, found: list[Statement], guards: list[Condition], aliases: Aliases, top: bool = False
    ) -> None:
        """This function will translate statements; below the top, one that cannot be
        translated makes the whole enclosing statement untranslated (Untranslatable)."""
        for statement in found:
            if not top:
                self._statement(statement, guards, aliases)
                continue
            assertions, extractions = len(self.result.assertions), len(self.result.extractions)
            try:
                self._statement(statement, guards, aliases)
            except Untranslatable:
                # Undo what the statement half did: the sandbox runs all of it.
                del self.result.assertions[assertions:]
                del self.result.extractions[extractions:]
                self._untranslated(statement)
                continue
            if _DECLARATION.match(statement.text):
                self.residual.append(statement)  # the sandbox's code may read it

    def _untranslated(self, statement: Statement) -> None:
        """This function will keep a statement for the sandbox, with its tests as untranslated
        assertions (those with a literal name: the others are named when they run)."""
        self.needs_sandbox = True
        self.residual.append(statement)
        self.result.untranslated.append((statement.line, statement.text))
        named: set[str] = set()
        for match in _NAMED.finditer(statement.text):
            quote, raw = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
            name = _js_name(quote, raw)
            if name.strip() and "${" not in raw and name not in named:
                named.add(name)
                self.result.assertions.append(
                    NamedAssertion(
                        name=name[:300], translated=False, source=statement.text[:10_000]
                    )
                )

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
        conditions = legacy_conditions(expression, aliases)
        self.result.assertions.append(
            NamedAssertion(name=name, conditions=conditions, guards=guards)
        )

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
            raise Untranslatable(text)
        local = aliases.child()
        conditions: list[Condition] = []
        for inner in statements(body, statement.line):
            conditions.extend(self._inside_test(inner, local))
        if not conditions:
            raise Untranslatable(text)
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


def _js_name(quote: str, raw: str) -> str:
    """This function will read the body of a JavaScript string literal (its escapes)."""
    try:
        return str(literal(quote + raw + quote))
    except NotLiteral:
        return raw


def status_condition(status: int) -> Condition:
    """This function will give the condition that the status is exactly ``status``."""
    return Condition(subject=Subject.Status, operator=Operator.Equals, expected=status)
