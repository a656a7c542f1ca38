"""What the engine hands to the Redis sink: whatever the target answers, kept and masked."""

import uuid

from application.testexec.execution import CaseStatus
from infrastructure.redis.results import RedisHotResults
from tests.integration.execution.support import case, run
from tests.integration.execution.target import Target


class TestWhatReachesRedis:
    def test_a_lone_surrogate_in_a_json_body_fails_the_case_not_the_run(
        self, target: Target, hot: RedisHotResults
    ) -> None:
        run_id = uuid.uuid4()
        sink = hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=False)
        cases = [
            case(
                "odd",
                "/lone-surrogate",
                x_jsonpath_checks=[{"path": "$.a", "operator": "equals", "expected": "x"}],
                variables=[{"name": "odd", "source": "body", "expression": "$.a"}],
            ),
            case("after", "/echo"),
        ]
        try:
            outcome, _ = run(cases, target.url, sink=sink)
            sink.close()
            assert (outcome.passed, outcome.failed) == (1, 1)
            stored = hot.execution(run_id, "odd")
            assert stored is not None and stored["status"] == "Failed"
            assert stored["extracted"] == {"odd": "\ufffd"}
            assert hot.variables(run_id)["odd"] == "?"
        finally:
            hot.forget(run_id)

    def test_masks_a_number_that_spells_a_secret_wherever_it_is_kept(self, target: Target) -> None:
        cases = [
            case(
                "typed",
                "/typed",
                variables=[{"name": "pin", "source": "body", "expression": "$.id"}],
                x_jsonpath_checks=[{"path": "$.id", "operator": "equals", "expected": 7}],
            )
        ]
        _, sink = run(cases, target.url, variables={"pin": "7"}, secrets=["7"])
        result = sink.result("typed")
        assert result.status == CaseStatus.PASSED
        assert result.extracted == {"pin": "***"}
        assert {v.check: (v.expected, v.actual) for v in result.validations}[
            "jsonpath $.id equals"
        ] == ("***", "***")
        assert sink.variables[-1] == {"pin": "***"}

    def test_masks_only_numbers_that_are_a_secret_not_those_that_hold_one(
        self, target: Target
    ) -> None:
        cases = [
            case(
                "typed",
                "/typed",
                variables=[{"name": "id", "source": "body", "expression": "$.id"}],
            )
        ]
        _, sink = run(cases, target.url, secrets=["20", "7"])
        result = sink.result("typed")
        assert result.response["status"] == 200
        assert {v.check: v.actual for v in result.validations}["status"] == 200
        assert result.extracted == {"id": "***"}
