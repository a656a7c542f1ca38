"""Sandbox scripts (untranslated Postman scripts) judged by the engine against a real target."""

from application.testexec.execution import CaseResult, CaseStatus
from tests.integration.execution.support import case, run
from tests.integration.execution.target import LOGIN_TOKEN, Target


def _checks(result: CaseResult) -> dict[str, tuple[bool, str]]:
    return {v.check: (v.passed, v.message) for v in result.validations}


class TestSandboxScripts:
    def test_a_scripts_tests_judge_the_case_and_its_variables_feed_the_next(
        self, target: Target
    ) -> None:
        cases = [
            case(
                "create",
                "/items",
                method="POST",
                status=[201],
                headers={"Authorization": f"Bearer {LOGIN_TOKEN}"},
                body_type="JSON",
                body={"name": "Rex", "tags": ["dog", "good"]},
                x_scripts=[
                    """const item = pm.response.json();
if (item.id > 0) {
    pm.environment.set("itemId", item.id);
} else {
    tests["Has an id"] = false;
}"""
                ],
            ),
            case(
                "read",
                "/items/{{itemId}}",
                depends_on=["create"],
                x_scripts=[
                    """const item = pm.response.json();
_.each(item.tags, function (tag) {
    pm.test("Tag " + tag + " is short", () => pm.expect(tag.length).to.be.below(4));
});
tests["Named Rex or Max"] = item.name === "Rex" || item.name === "Max";"""
                ],
            ),
        ]
        outcome, sink = run(cases, target.url, concurrency=1)
        item_id = sink.result("create").extracted["itemId"]
        assert target.items[item_id]["name"] == "Rex"  # a number, as the script set it
        read = sink.result("read")
        assert read.request["url"].endswith(f"/items/{item_id}")
        assert _checks(read)["assertion: Tag dog is short"] == (True, "")
        assert _checks(read)["assertion: Tag good is short"][0] is False
        assert _checks(read)["assertion: Named Rex or Max"] == (True, "")
        assert read.status == CaseStatus.FAILED
        assert "assertion: Tag good is short" in read.failure_reason
        assert outcome.passed == 1 and outcome.failed == 1

    def test_a_script_that_loops_forever_is_an_error_and_the_run_goes_on(
        self, target: Target
    ) -> None:
        cases = [
            case("loop", "/echo", x_scripts=['tests["before"] = true;\nwhile (true) {}']),
            case("after", "/echo", x_scripts=['tests["ran"] = responseCode.code === 200;']),
        ]
        outcome, sink = run(cases, target.url, concurrency=1)
        looped = sink.result("loop")
        assert looped.status == CaseStatus.ERROR
        assert "time limit" in looped.failure_reason
        after = sink.result("after")
        assert after.status == CaseStatus.PASSED
        assert _checks(after)["assertion: ran"] == (True, "")
        assert outcome.failed == 1 and outcome.passed == 1  # an error counts as a failure

    def test_a_script_that_allocates_without_bound_is_an_error(self, target: Target) -> None:
        cases = [
            case(
                "hog",
                "/echo",
                x_scripts=["var kept = []; while (true) kept.push(new Array(1 << 16).fill(7));"],
            ),
            case("after", "/echo", x_scripts=['tests["ran"] = true;']),
        ]
        _outcome, sink = run(cases, target.url, concurrency=1)
        assert sink.result("hog").status == CaseStatus.ERROR, sink.result("hog").failure_reason
        assert "memory limit" in sink.result("hog").failure_reason
        assert sink.result("after").status == CaseStatus.PASSED

    def test_send_request_gives_a_not_evaluated_verdict_and_sends_nothing(
        self, target: Target
    ) -> None:
        script = """pm.test("Upstream is up", function () {
    pm.sendRequest(pm.variables.replaceIn("{{base}}/items/1"), function (error, response) {
        pm.expect(response.code).to.eql(200);
    });
});
pm.test("Echoed", () => pm.response.to.have.status(200));"""
        _outcome, sink = run(
            [case("upstream", "/echo", x_scripts=[script])],
            target.url,
            variables={"base": target.url},
        )
        result = sink.result("upstream")
        checks = _checks(result)
        assert checks["not evaluated: Upstream is up"] == (True, "pm.sendRequest is not available")
        assert checks["assertion: Echoed"] == (True, "")
        assert result.status == CaseStatus.PASSED
        assert target.counts["get_item"] == 0
