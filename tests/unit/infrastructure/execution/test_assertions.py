"""Named assertions judged against a response: pass, fail, guards, not evaluated."""

import json
from typing import Any

import pytest

from domain.testing.assertions import Condition, NamedAssertion, Operator, Subject
from infrastructure.execution.assertions import compile_assertions, judge_assertions
from infrastructure.execution.response import Received
from infrastructure.execution.schemas import SchemaCache
from infrastructure.execution.templating import Scope, UnknownVariableError, resolve_json

BODY = {"id": 7, "name": "Rex", "tags": ["a", "b"], "owner": None, "email": "rex@example.COM"}


def _received(
    status: int = 200, body: Any = BODY, headers: dict[str, str] | None = None
) -> Received:
    raw = json.dumps(body).encode() if not isinstance(body, bytes) else body
    return Received(
        status=status,
        headers={"content-type": "application/json", **(headers or {})},
        body=raw,
        truncated=False,
        size=len(raw),
        elapsed_ms=12,
        url="http://x/y",
    )


def _judge(
    assertions: list[NamedAssertion], received: Received, scope: Scope | None = None
) -> dict[str, bool]:
    data = {"assertions": [a.to_json() for a in assertions]}
    compiled, values = compile_assertions(data, SchemaCache(None))
    if scope is not None:
        values = tuple(resolve_json(v, scope) for v in values)
    return {v.check: v.passed for v in judge_assertions(compiled, values, received)}


def _one(*conditions: Condition, name: str = "t") -> NamedAssertion:
    return NamedAssertion(name=name, conditions=list(conditions))


def json_is(
    target: str, operator: Operator, expected: Any = None, negate: bool = False
) -> Condition:
    return Condition(
        subject=Subject.Json, operator=operator, target=target, expected=expected, negate=negate
    )


class TestJudging:
    @pytest.mark.parametrize(
        ("condition", "passed"),
        [
            (Condition(subject=Subject.Status, operator=Operator.Equals, expected=200), True),
            (Condition(subject=Subject.Status, operator=Operator.Equals, expected=201), False),
            (Condition(subject=Subject.Status, operator=Operator.OneOf, expected=[201, 200]), True),
            (Condition(subject=Subject.Header, operator=Operator.Exists, target="X-Id"), True),
            (Condition(subject=Subject.Header, operator=Operator.Exists, target="X-No"), False),
            (
                Condition(
                    subject=Subject.Header, operator=Operator.Equals, target="x-id", expected="9"
                ),
                True,
            ),
            (Condition(subject=Subject.Time, operator=Operator.Lt, expected=100), True),
            (Condition(subject=Subject.Body, operator=Operator.Contains, expected='"Rex"'), True),
            (json_is("$.name", Operator.Equals, "Rex"), True),
            (json_is("$.name", Operator.Equals, "Max", negate=True), True),
            (json_is("$.tags", Operator.Contains, "b"), True),
            (json_is("$", Operator.HasKey, "owner"), True),
            (json_is("$", Operator.HasKey, "nope"), False),
            (json_is("$.id", Operator.Type, "number"), True),
            (json_is("$.tags", Operator.Type, "array"), True),
            (json_is("$.tags", Operator.Length, 2), True),
            (json_is("$.id", Operator.Gt, 6), True),
            (json_is("$.id", Operator.Lte, 6), False),
            (json_is("$.email", Operator.Matches, "/@example\\.com$/i"), True),
            (json_is("$.email", Operator.Matches, "/@example\\.com$/"), False),
            (json_is("$.owner", Operator.NotNull), False),
            (json_is("$.tags[1]", Operator.Exists), True),
            (json_is("$.tags[2]", Operator.Exists, negate=True), True),
            (
                Condition(
                    subject=Subject.Schema,
                    operator=Operator.Valid,
                    expected={"type": "object", "required": ["id", "name"]},
                ),
                True,
            ),
            (
                Condition(
                    subject=Subject.Schema, operator=Operator.Valid, expected={"required": ["zzz"]}
                ),
                False,
            ),
        ],
    )
    def test_each_condition(self, condition: Condition, passed: bool) -> None:
        assert _judge([_one(condition)], _received(headers={"x-id": "9"})) == {
            "assertion: t": passed
        }

    def test_an_assertion_passes_only_when_every_condition_holds(self) -> None:
        found = _judge(
            [
                _one(
                    json_is("$.id", Operator.Equals, 7),
                    json_is("$.name", Operator.Equals, "Rex"),
                    name="both",
                ),
                _one(
                    json_is("$.id", Operator.Equals, 7),
                    json_is("$.name", Operator.Equals, "Max"),
                    name="one",
                ),
            ],
            _received(),
        )
        assert found == {"assertion: both": True, "assertion: one": False}

    def test_a_body_that_is_not_json_fails_a_json_condition(self) -> None:
        assert _judge([_one(json_is("$.id", Operator.Exists))], _received(body=b"<html>")) == {
            "assertion: t": False
        }

    def test_an_assertion_whose_guard_fails_gives_no_check(self) -> None:
        guarded = NamedAssertion(
            name="only on 201",
            conditions=[json_is("$.id", Operator.Equals, 99)],
            guards=[Condition(subject=Subject.Status, operator=Operator.Equals, expected=201)],
        )
        assert _judge([guarded], _received(status=200)) == {}
        assert _judge([guarded], _received(status=201)) == {"assertion: only on 201": False}

    def test_an_untranslated_assertion_is_shown_not_evaluated_and_does_not_fail(self) -> None:
        kept = NamedAssertion(name="loop", translated=False, source="_.each(x, f)")
        data = {"assertions": [kept.to_json()]}
        compiled, values = compile_assertions(data, SchemaCache(None))
        [validation] = judge_assertions(compiled, values, _received())
        assert (validation.check, validation.passed, validation.actual) == (
            "not evaluated: loop",
            True,
            "not evaluated",
        )
        assert "_.each(x, f)" in validation.message

    def test_expected_values_read_variables(self) -> None:
        scope = Scope({"pet": 7})
        found = _judge([_one(json_is("$.id", Operator.Equals, "{{pet}}"))], _received(), scope)
        assert found == {"assertion: t": True}


class TestDynamicVariables:
    def test_each_use_of_a_dynamic_variable_is_fresh(self) -> None:
        scope = Scope({})
        first, second = resolve_json(["{{$guid}}", "{{$guid}}"], scope)
        assert len(first) == 36 and first != second
        assert resolve_json("{{$timestamp}}", scope).isdigit()
        assert resolve_json("{{$isoTimestamp}}", scope).endswith("Z")
        assert 0 <= int(resolve_json("{{$randomInt}}", scope)) <= 1000

    def test_a_variable_of_the_same_name_wins_and_an_unknown_one_is_refused(self) -> None:
        assert resolve_json("{{$guid}}", Scope({"$guid": "fixed"})) == "fixed"
        with pytest.raises(UnknownVariableError):
            resolve_json("{{$noSuchThing}}", Scope({}))
