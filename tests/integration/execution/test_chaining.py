"""Variables, chains, dependencies and data sets, against a real HTTP target."""

import json
import uuid
from typing import Any

from application.testexec.execution import (
    CaseStatus,
    ExecutionCase,
    result_count,
    result_rows,
)
from infrastructure.redis.results import RedisHotResults
from tests.integration.execution.support import case, run
from tests.integration.execution.target import LOGIN_TOKEN, PASSWORD, USER, Target


def _login() -> ExecutionCase:
    return case(
        "login",
        "/login",
        method="POST",
        body_type="JSON",
        body={"username": "{{user}}", "password": "{{password}}"},
        variables=[{"name": "token", "source": "body", "expression": "$.data.token"}],
    )


class TestChaining:
    def test_passes_a_token_and_a_created_id_along_the_chain(self, target: Target) -> None:
        cases = [
            _login(),
            case(
                "create",
                "/items",
                method="POST",
                status=[201],
                headers={"Authorization": "Bearer {{token}}"},
                body_type="JSON",
                body={"name": "Rex"},
                depends_on=["login"],
                variables=[
                    {"name": "itemId", "source": "body", "expression": "$.id"},
                    {
                        "name": "itemPath",
                        "source": "regex",
                        "expression": r"^(/items/\d+)$",
                        "header_name": "Location",
                    },
                ],
            ),
            case(
                "read",
                "/items/{id}",
                path_params={"id": "{{itemId}}"},
                depends_on=["create"],
                x_jsonpath_checks=[
                    {"path": "$.id", "operator": "equals", "expected": "{{itemId}}"},
                    {"path": "$.name", "operator": "equals", "expected": "Rex"},
                ],
            ),
            case("delete", "{{itemPath}}", method="DELETE", status=[204], depends_on=["read"]),
        ]
        outcome, sink = run(
            cases,
            target.url,
            variables={"user": USER, "password": PASSWORD},
            secrets=[PASSWORD],
        )
        assert [r.status for r in sink.results] == [CaseStatus.PASSED] * 4, sink.results
        assert (outcome.passed, outcome.failed, outcome.skipped) == (4, 0, 0)
        assert sink.result("login").extracted == {"token": LOGIN_TOKEN}
        assert sink.result("create").extracted == {"itemId": 1, "itemPath": "/items/1"}
        assert sink.result("read").request["url"] == f"{target.url}/items/1"
        assert target.items == {}
        assert sink.variables[-1]["itemId"] == "1"

    def test_keeps_the_json_type_of_a_whole_string_placeholder(self, target: Target) -> None:
        cases = [
            case(
                "typed",
                "/typed",
                variables=[
                    {"name": "id", "source": "body", "expression": "$.id"},
                    {"name": "tags", "source": "body", "expression": "$.tags"},
                ],
            ),
            case(
                "echo",
                "/echo",
                method="POST",
                body_type="JSON",
                body={
                    "id": "{{id}}",
                    "tags": "{{tags}}",
                    "label": "pet {{id}}",
                    "n": "{{n}}",
                    "count": "{{count}}",
                },
                depends_on=["typed"],
                data_sets=[{"name": "one", "rows": [{"count": 3}]}],
            ),
        ]
        _, sink = run(cases, target.url, variables={"n": "5"})
        sent = json.loads(sink.result("echo", "one#0").request["body"])
        assert sent == {"id": 7, "tags": ["good", "dog"], "label": "pet 7", "n": "5", "count": 3}


class TestDependencies:
    def test_skips_a_case_whose_dependency_failed_and_says_which(self, target: Target) -> None:
        cases = [
            case("first", "/error500"),
            case("second", "/typed", depends_on=["first"]),
            case("third", "/typed", depends_on=["second"]),
            case("independent", "/typed"),
        ]
        outcome, sink = run(cases, target.url)
        assert sink.result("first").status == CaseStatus.FAILED
        second = sink.result("second")
        assert second.status == CaseStatus.SKIPPED
        assert second.failure_reason == "depends on case first, which failed"
        assert sink.result("third").failure_reason == "depends on case second, which was skipped"
        assert sink.result("independent").status == CaseStatus.PASSED
        assert (outcome.passed, outcome.failed, outcome.skipped) == (1, 1, 2)
        assert target.counts["typed"] == 1

    def test_fails_a_case_with_an_unknown_variable_without_sending_it(self, target: Target) -> None:
        outcome, sink = run([case("lost", "/echo", headers={"X-Id": "{{missing}}"})], target.url)
        result = sink.result("lost")
        assert result.status == CaseStatus.FAILED
        assert result.failure_reason == "unknown variable {{missing}}"
        assert result.attempts == 0
        assert target.counts["echo"] == 0
        assert outcome.failed == 1

    def test_skips_a_case_whose_credential_nothing_provides_and_says_what_to_set(
        self, target: Target
    ) -> None:
        # A generated secured case sends {{authToken}}; with no login step in the suite and
        # none in the environment it cannot test the API: a set-up to finish, not a failure.
        cases = [
            case("secured", "/echo", headers={"Authorization": "Bearer {{authToken}}"}),
            case("after", "/typed", depends_on=["secured"]),
        ]
        outcome, sink = run(cases, target.url)
        result = sink.result("secured")
        assert result.status == CaseStatus.SKIPPED
        assert "set-up needed" in result.failure_reason
        assert "define authToken in the environment" in result.failure_reason
        assert result.attempts == 0
        assert target.counts["echo"] == 0
        assert sink.result("after").status == CaseStatus.SKIPPED
        assert (outcome.failed, outcome.skipped) == (0, 2)

    def test_fails_a_case_whose_extraction_finds_nothing(self, target: Target) -> None:
        cases = [
            case(
                "extract",
                "/typed",
                variables=[
                    {"name": "missing", "source": "body", "expression": "$.nope"},
                    {
                        "name": "fallback",
                        "source": "header",
                        "expression": "X-Nope",
                        "default": "d",
                    },
                    {"name": "code", "source": "status", "expression": ""},
                    {"name": "requestId", "source": "header", "expression": "X-Request-Id"},
                    {"name": "word", "source": "regex", "expression": r'"name": "(\w+)"'},
                ],
            )
        ]
        _, sink = run(cases, target.url)
        result = sink.result("extract")
        assert result.status == CaseStatus.FAILED
        assert "could not extract missing" in result.failure_reason
        assert result.extracted == {
            "fallback": "d",
            "code": 200,
            "requestId": "req-42",
            "word": "Rex",
        }


class TestResumption:
    def test_a_resumed_run_sends_what_an_earlier_attempt_extracted_with_its_json_type(
        self, target: Target, servers: Any
    ) -> None:
        typed = case(
            "typed",
            "/typed",
            variables=[
                {"name": "id", "source": "body", "expression": "$.id"},
                {"name": "tags", "source": "body", "expression": "$.tags"},
            ],
        )
        echo = case(
            "echo",
            "/echo",
            method="POST",
            body_type="JSON",
            body={"id": "{{id}}", "tags": "{{tags}}"},
            depends_on=["typed"],
        )
        hot = RedisHotResults(servers.redis_url, namespace="dramatiq")
        run_id = uuid.uuid4()
        try:
            # The first attempt got as far as the first case, then its worker died.
            first = hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=False)
            run([typed], target.url, sink=first)
            first.close()
            second = hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=True)
            run([typed, echo], target.url, sink=second)
            second.close()
            stored = hot.execution(run_id, "echo")
            assert stored is not None
            assert json.loads(stored["requestBody"]) == {"id": 7, "tags": ["good", "dog"]}
            assert target.counts["typed"] == 1  # not sent again
        finally:
            hot.forget(run_id)
            hot.close()


class TestDataSets:
    def test_runs_a_case_once_per_row_of_each_enabled_set(self, target: Target) -> None:
        data_sets: list[dict[str, Any]] = [
            {"name": "pets", "rows": [{"pet": "cat"}, {"pet": "dog"}, {"pet": "owl"}]},
            {"name": "off", "rows": [{"pet": "never"}], "enabled": False},
        ]
        cases = [
            case(
                "rows",
                "/echo",
                query_params={"pet": "{{pet}}"},
                data_sets=data_sets,
                x_jsonpath_checks=[
                    {"path": "$.query.pet", "operator": "matches", "expected": "^(cat|dog|owl)$"}
                ],
            )
        ]
        outcome, sink = run(cases, target.url)
        assert [r.row for r in sink.results] == ["pets#0", "pets#1", "pets#2"]
        assert [r.key for r in sink.results] == ["rows:pets#0", "rows:pets#1", "rows:pets#2"]
        assert [r.request["url"].rsplit("=", 1)[1] for r in sink.results] == ["cat", "dog", "owl"]
        assert outcome.passed == 3


class TestVariableNames:
    def test_resolves_names_with_dots_and_dashes_that_an_environment_accepts(
        self, target: Target
    ) -> None:
        cases = [
            case(
                "named",
                "/echo/{{a.b}}/{kind}",
                method="POST",
                path_params={"kind": "{{a.b}}"},
                headers={"X-Key": "{{api-key}}"},
                query_params={"q": "{{ a.b }}"},
                body_type="JSON",
                body={"key": "{{api-key}}", "{{a.b}}": "label {{api-key}}"},
                x_jsonpath_checks=[
                    {"path": "$.headers['X-Key']", "operator": "equals", "expected": "{{api-key}}"}
                ],
            )
        ]
        _, sink = run(cases, target.url, variables={"api-key": "k-123", "a.b": "v"})
        result = sink.result("named")
        assert result.status == CaseStatus.PASSED, result.failure_reason
        echoed = json.loads(result.response["body"])
        assert echoed["path"] == "/echo/v/v"
        assert echoed["query"] == {"q": "v"}
        assert echoed["headers"]["X-Key"] == "k-123"
        assert json.loads(echoed["body"]) == {"key": "k-123", "v": "label k-123"}

    def test_fails_a_case_with_an_unknown_dashed_or_dotted_variable(self, target: Target) -> None:
        cases = [
            case("dashed", "/echo", headers={"X-Key": "{{api-key}}"}),
            case("dotted", "/echo", query_params={"q": "{{a.b}}"}),
        ]
        _, sink = run(cases, target.url)
        assert sink.result("dashed").failure_reason == "unknown variable {{api-key}}"
        assert sink.result("dotted").failure_reason == "unknown variable {{a.b}}"
        assert target.counts["echo"] == 0

    def test_a_data_driven_case_that_cannot_run_answers_for_each_of_its_rows(
        self, target: Target
    ) -> None:
        broken = case(
            "broken",
            "/echo",
            x_jsonpath_checks=[{"path": "$[", "operator": "exists"}],
            data_sets=[{"name": "pets", "rows": [{"pet": "cat"}, {"pet": "dog"}, {"pet": "owl"}]}],
        )
        outcome, sink = run([broken], target.url)
        assert [r.row for r in sink.results] == ["pets#0", "pets#1", "pets#2"]
        assert {r.status for r in sink.results} == {CaseStatus.ERROR}
        assert outcome.failed == result_count(broken) == 3

    def test_tells_apart_the_rows_of_two_sets_an_older_case_gave_one_name(
        self, target: Target
    ) -> None:
        twice = case(
            "twice",
            "/echo",
            data_sets=[
                {"name": "a", "rows": [{"n": 1}]},
                {"name": "off", "enabled": False},
                {"name": "a", "rows": [{"n": 2}]},
                {"name": "no rows"},
            ],
        )
        outcome, sink = run([twice], target.url)
        assert [r.row for r in sink.results] == ["a#0", "a@2#0"]
        assert result_rows(twice) == ["a#0", "a@2#0"]
        assert outcome.passed == result_count(twice) == 2
