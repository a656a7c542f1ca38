"""Named assertions as values, and the expectations of an imported case."""

import json

import pytest

from domain.shared.errors import InvalidValueError
from domain.testing.assertions import Condition, NamedAssertion, Operator, Subject
from domain.testing.values import Expectations


def an_assertion() -> NamedAssertion:
    return NamedAssertion(
        name="Has an id",
        conditions=[
            Condition(subject=Subject.Json, operator=Operator.HasKey, target="$", expected="id")
        ],
        guards=[
            Condition(subject=Subject.Status, operator=Operator.Equals, expected=201, negate=True)
        ],
    )


class TestNamedAssertion:
    def test_survives_a_json_round_trip(self) -> None:
        assertion = an_assertion()
        assert NamedAssertion.from_json(json.loads(json.dumps(assertion.to_json()))) == assertion

    def test_refuses_a_translated_assertion_without_a_condition(self) -> None:
        with pytest.raises(InvalidValueError, match="conditions"):
            NamedAssertion(name="empty")

    def test_keeps_an_untranslated_one_with_its_source(self) -> None:
        kept = NamedAssertion(name="loop", translated=False, source="_.each(a, f)")
        assert NamedAssertion.from_json(kept.to_json()).source == "_.each(a, f)"

    @pytest.mark.parametrize(
        ("subject", "operator", "target", "expected"),
        [
            (Subject.Json, Operator.Equals, "id", 1),  # not a JSONPath
            (Subject.Header, Operator.Exists, "", None),  # no header named
            (Subject.Schema, Operator.Equals, "", {}),  # a schema is only valid or not
            (Subject.Schema, Operator.Valid, "", "not a schema"),
        ],
    )
    def test_refuses_conditions_that_cannot_be_judged(
        self, subject: Subject, operator: Operator, target: str, expected: object
    ) -> None:
        with pytest.raises(InvalidValueError):
            Condition(subject=subject, operator=operator, target=target, expected=expected)


class TestExpectationsOfAnImportedCase:
    def test_any_status_with_assertions_round_trips(self) -> None:
        expectations = Expectations(
            expected_status=[], any_status=True, assertions=[an_assertion()]
        )
        assert (
            Expectations.from_json(json.loads(json.dumps(expectations.to_json()))) == expectations
        )

    def test_still_needs_a_status_unless_any_is_accepted(self) -> None:
        with pytest.raises(InvalidValueError, match="expected_status"):
            Expectations(expected_status=[])
        with pytest.raises(InvalidValueError, match="expected_status"):
            Expectations(expected_status=[200], any_status=True)

    def test_writes_the_json_of_older_cases_unchanged(self) -> None:
        assert set(Expectations(expected_status=[200]).to_json()) == {
            "expected_status",
            "response_schema",
            "header_checks",
            "body_contains",
            "body_not_contains",
            "jsonpath_checks",
            "max_response_time_ms",
        }
