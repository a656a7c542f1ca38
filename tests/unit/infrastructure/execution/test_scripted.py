"""What the sandbox scripts of a case did, turned into Validations."""

from infrastructure.execution.assertions import CompiledAssertion
from infrastructure.execution.sandbox import ScriptOutcome, ScriptTest
from infrastructure.execution.scripted import verdict


def _untranslated(name: str) -> CompiledAssertion:
    return CompiledAssertion(name=name, translated=False, source="", conditions=(), guards=())


class TestVerdict:
    def test_each_test_that_ran_is_an_assertion_check(self) -> None:
        found = verdict(
            ScriptOutcome(
                tests=[ScriptTest("a", True), ScriptTest("b", False, "AssertionError: no")],
                sets={"id": 7},
            ),
            (_untranslated("a"), _untranslated("b")),
        )
        assert [(v.check, v.passed, v.message) for v in found.validations] == [
            ("assertion: a", True, ""),
            ("assertion: b", False, "AssertionError: no"),
        ]
        assert found.sets == {"id": 7} and not found.stopped

    def test_a_stopped_script_lists_the_tests_it_never_reached_as_not_evaluated(self) -> None:
        found = verdict(
            ScriptOutcome(tests=[ScriptTest("a", True)], limit="the script ran past its time"),
            (_untranslated("a"), _untranslated("later")),
        )
        assert found.stopped
        assert [(v.check, v.passed) for v in found.validations] == [
            ("script", False),
            ("assertion: a", True),
            ("not evaluated: later", True),
        ]
        assert "ran past its time" in found.validations[2].message

    def test_send_request_outside_a_test_stops_the_script_without_failing_the_case(
        self,
    ) -> None:
        found = verdict(
            ScriptOutcome(unavailable="pm.sendRequest is not available"), (_untranslated("x"),)
        )
        assert all(v.passed for v in found.validations)
        assert [v.check for v in found.validations] == ["not evaluated: script", "not evaluated: x"]
        assert not found.stopped

    def test_a_script_that_throws_fails_the_case(self) -> None:
        found = verdict(ScriptOutcome(errors=["TypeError: x is undefined"]), ())
        assert [(v.check, v.passed, v.message) for v in found.validations] == [
            ("script", False, "the script stopped: TypeError: x is undefined")
        ]
