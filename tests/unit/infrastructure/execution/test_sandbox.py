"""The JavaScript sandbox: Postman scripts the translator cannot translate, run with limits."""

import json
import time
from typing import Any

from infrastructure.execution.sandbox import (
    MEMORY_LIMIT_BYTES,
    TIME_LIMIT_S,
    ScriptInput,
    ScriptOutcome,
    run_scripts,
)

_BODY = {
    "status": "ok",
    "items": [{"id": 1, "name": "Ada", "tags": ["math"]}, {"id": 2, "name": "Alan", "tags": []}],
    "count": 2,
}


def _response(body: Any = _BODY, status: int = 200, **headers: str) -> ScriptInput:
    return ScriptInput(
        name="List",
        method="GET",
        url="http://127.0.0.1/items",
        status=status,
        headers={"content-type": "application/json", **headers},
        body=body if isinstance(body, str) else json.dumps(body),
        time_ms=12,
    )


def _run(script: str, response: ScriptInput | None = None, **variables: Any) -> ScriptOutcome:
    return run_scripts((script,), response or _response(), variables)


def _verdicts(outcome: ScriptOutcome) -> list[tuple[str, bool | None]]:
    return [(test.name, test.passed) for test in outcome.tests]


class TestLoops:
    def test_lodash_each_runs_its_expectations_for_every_item(self) -> None:
        outcome = _run(
            """pm.test("Every item has a name", function () {
                _.each(pm.response.json().items, function (item) {
                    pm.expect(item.name).to.be.a("string");
                });
            });
            pm.test("Every item has a tag", function () {
                _.each(pm.response.json().items, function (item) {
                    pm.expect(item.tags).to.not.be.empty;
                });
            });"""
        )
        assert _verdicts(outcome) == [
            ("Every item has a name", True),
            ("Every item has a tag", False),
        ]
        assert "empty" in outcome.tests[1].message

    def test_foreach_names_one_test_per_item(self) -> None:
        outcome = _run(
            """pm.response.json().items.forEach(function (item) {
                pm.test("Item " + item.id + " is small", () => pm.expect(item.id).to.be.below(2));
            });"""
        )
        assert _verdicts(outcome) == [("Item 1 is small", True), ("Item 2 is small", False)]

    def test_a_for_loop_fills_legacy_tests(self) -> None:
        outcome = _run(
            """var data = JSON.parse(responseBody);
            for (var i = 0; i < data.items.length; i++) {
                tests["id " + i] = data.items[i].id === i + 1;
            }"""
        )
        assert _verdicts(outcome) == [("id 0", True), ("id 1", True)]


class TestBranchesAndOperators:
    def test_only_the_branch_taken_gives_a_test_as_in_postman(self) -> None:
        script = """if (pm.response.code === 200) {
                tests["Listed"] = true;
            } else {
                tests["Refused"] = responseCode.code === 401;
            }"""
        assert _verdicts(_run(script)) == [("Listed", True)]
        assert _verdicts(_run(script, _response({"error": "no"}, status=401))) == [
            ("Refused", True)
        ]

    def test_or_is_judged_on_both_sides(self) -> None:
        outcome = _run(
            """const body = pm.response.json();
            tests["Has items or none counted"] = body.items.length > 0 || body.count === 0;
            pm.test("Neither", () => pm.expect(body.count === 5 || body.status === "down").to.be.true);"""
        )
        assert _verdicts(outcome) == [("Neither", False), ("Has items or none counted", True)]

    def test_a_callback_and_a_helper_function_are_called(self) -> None:
        outcome = _run(
            """function named(item) { return typeof item.name === "string"; }
            pm.test("Named", function () {
                pm.expect(pm.response.json().items.every(named)).to.be.true;
            });
            pm.test("Sorted", () => {
                const ids = _.map(pm.response.json().items, "id");
                pm.expect(ids.slice().sort((a, b) => b - a)).to.eql([2, 1]);
            });"""
        )
        assert _verdicts(outcome) == [("Named", True), ("Sorted", True)]


class TestPmShim:
    def test_response_assertions_headers_and_schemas_judge_as_postman(self) -> None:
        outcome = _run(
            """pm.test("All", function () {
                pm.response.to.have.status(200);
                pm.response.to.be.ok;
                pm.response.to.have.header("X-Trace", "abc");
                pm.expect(responseHeaders["X-Trace"]).to.eql("abc");
                pm.expect(pm.response.json()).to.have.property("items").that.is.an("array")
                    .with.lengthOf(2);
                pm.expect(pm.response.json().items).to.have.length.above(1);
                pm.response.to.have.jsonSchema({type: "object", required: ["items"]});
                pm.expect(tv4.validate(pm.response.json(), {type: "array"})).to.be.false;
            });""",
            _response(**{"x-trace": "abc"}),
        )
        assert _verdicts(outcome) == [("All", True)]

    def test_variables_read_and_set_come_back(self) -> None:
        outcome = _run(
            """const first = _.find(pm.response.json().items, i => i.name === pm.environment.get("who"));
            pm.environment.set("firstId", first.id);
            postman.setGlobalVariable("names", pm.response.json().items.map(i => i.name).join(","));""",
            who="Alan",
        )
        assert outcome.sets == {"firstId": 2, "names": "Ada,Alan"}

    def test_a_script_that_throws_stops_itself_and_says_why(self) -> None:
        outcome = run_scripts(
            (
                'tests["before"] = true; null.x; tests["after"] = true;',
                'tests["next script"] = true;',
            ),
            _response(),
            {},
        )
        assert _verdicts(outcome) == [("before", True), ("next script", True)]
        assert outcome.errors == ["TypeError: cannot read property 'x' of null"]
        assert outcome.limit == ""


class TestNoIo:
    def test_send_request_is_not_available_and_the_test_is_not_evaluated(self) -> None:
        outcome = _run(
            """pm.test("Upstream", function () {
                pm.sendRequest("http://127.0.0.1:9/", function (error, response) {});
            });
            pm.test("After", () => pm.response.to.have.status(200));"""
        )
        assert outcome.tests[0].passed is None
        assert outcome.tests[0].message == "pm.sendRequest is not available"
        assert _verdicts(outcome)[1] == ("After", True)

    def test_no_module_network_or_timer_is_reachable(self) -> None:
        outcome = _run(
            """tests["none"] = [typeof require, typeof fetch, typeof XMLHttpRequest, typeof std,
                typeof os, typeof setTimeout, typeof process].every(t => t === "undefined");"""
        )
        assert _verdicts(outcome) == [("none", True)]


class TestLimits:
    def test_a_script_that_loops_forever_is_stopped_by_the_time_limit(self) -> None:
        started = time.perf_counter()
        outcome = _run('tests["before"] = true; while (true) {}')
        assert "time limit" in outcome.limit
        assert outcome.tests == []
        # CPU time: a loaded machine stretches the wall time, but not without bound.
        assert time.perf_counter() - started < 20 * TIME_LIMIT_S
        assert _verdicts(_run('tests["next"] = true;')) == [("next", True)]

    def test_a_script_that_allocates_without_bound_is_stopped_by_the_memory_limit(self) -> None:
        outcome = _run('var kept = []; while (true) { kept.push("x".repeat(1 << 16)); }')
        assert f"memory limit ({MEMORY_LIMIT_BYTES // (1024 * 1024)} MiB)" in outcome.limit

    def test_unbounded_recursion_is_stopped_by_the_stack_limit(self) -> None:
        outcome = _run("function deeper(n) { return deeper(n + 1) + 1; } deeper(0);")
        assert "stack limit" in outcome.limit
