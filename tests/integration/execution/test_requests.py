"""How requests are built: URLs, parameters, headers, bodies; and cases that cannot run."""

import json
import tracemalloc
from typing import Any

import pytest

from application.testexec.execution import CaseResult, CaseStatus
from tests.integration.execution.support import MemorySink, case, run
from tests.integration.execution.target import Target


def _echoed(target: Target, **options: object) -> dict[str, object]:
    _, sink = run([case("echo", "/echo", method="POST", **options)], target.url)  # type: ignore[arg-type]
    result = sink.result("echo")
    assert result.status == CaseStatus.PASSED, result.failure_reason
    return json.loads(result.response["body"])  # type: ignore[no-any-return]


class TestRequestBuilding:
    def test_fills_path_params_and_query_params_from_variables(self, target: Target) -> None:
        cases = [
            case(
                "params",
                "/echo/{kind}/{{section}}",
                path_params={"kind": "{{kind}}"},
                query_params={"page": "{{page}}", "q": "a b&c"},
                x_jsonpath_checks=[
                    {"path": "$.path", "operator": "equals", "expected": "/echo/big dogs/all"},
                    {"path": "$.query.q", "operator": "equals", "expected": "a b&c"},
                    {"path": "$.query.page", "operator": "equals", "expected": "2"},
                ],
            )
        ]
        _, sink = run(
            cases, target.url, variables={"kind": "big dogs", "section": "all", "page": "2"}
        )
        result = sink.result("params")
        assert result.status == CaseStatus.PASSED, result.failure_reason
        assert result.request["url"] == f"{target.url}/echo/big%20dogs/all?page=2&q=a+b%26c"

    def test_ignores_path_params_the_url_does_not_name(self, target: Target) -> None:
        cases = [case("literal", "/echo/42", path_params={"id": "{{unknown}}"})]
        _, sink = run(cases, target.url)
        assert sink.result("literal").status == CaseStatus.PASSED

    def test_fails_a_url_parameter_without_a_value(self, target: Target) -> None:
        _, sink = run([case("missing", "/echo/{id}")], target.url)
        result = sink.result("missing")
        assert result.failure_reason == "no value for the path parameter {id}"
        assert target.counts["echo"] == 0

    def test_applies_environment_headers_under_the_case_headers(self, target: Target) -> None:
        cases = [case("headers", "/echo", headers={"x-shared": "from case"})]
        _, sink = run(
            cases,
            target.url,
            headers={"X-Shared": "from environment", "X-Env": "{{who}}"},
            variables={"who": "env var"},
        )
        sent = json.loads(sink.result("headers").response["body"])["headers"]
        assert sent["x-shared"] == "from case"
        assert sent["X-Env"] == "env var"
        assert "X-Shared" not in sent

    def test_encodes_form_urlencoded_multipart_and_raw_bodies(self, target: Target) -> None:
        encoded = _echoed(target, body_type="UrlEncoded", body={"a": "1", "b": "x y"})
        assert encoded["body"] == "a=1&b=x+y"
        assert encoded["headers"]["Content-Type"] == "application/x-www-form-urlencoded"  # type: ignore[index]
        multipart = _echoed(target, body_type="FormData", body={"field": "value"})
        assert "multipart/form-data; boundary=" in multipart["headers"]["Content-Type"]  # type: ignore[index]
        assert 'name="field"' in str(multipart["body"])
        raw = _echoed(
            target, body_type="Raw", body="plain text", headers={"Content-Type": "text/csv"}
        )
        assert raw["body"] == "plain text"
        assert raw["headers"]["Content-Type"] == "text/csv"  # type: ignore[index]

    def test_uses_an_absolute_url_as_it_is(self, target: Target) -> None:
        _, sink = run([case("absolute", f"{target.url}/typed")], "http://unused.invalid")
        assert sink.result("absolute").status == CaseStatus.PASSED


class TestCasesThatCannotRun:
    def test_reports_a_malformed_case_as_an_error(self, target: Target) -> None:
        cases = [
            case("bad", "/typed", x_jsonpath_checks=[{"path": "$[?", "operator": "exists"}]),
            case("after", "/typed", depends_on=["bad"]),
        ]
        outcome, sink = run(cases, target.url)
        bad = sink.result("bad")
        assert bad.status == CaseStatus.ERROR
        assert bad.failure_reason.startswith("the case cannot run: $[? is not a valid JSONPath")
        assert sink.result("after").failure_reason == "depends on case bad, which failed"
        assert (outcome.failed, outcome.skipped) == (1, 1)

    def test_skips_a_case_whose_dependency_is_not_in_the_run(self, target: Target) -> None:
        _, sink = run([case("orphan", "/typed", depends_on=["gone"])], target.url)
        result = sink.result("orphan")
        assert result.status == CaseStatus.SKIPPED
        assert result.failure_reason == "depends on gone, which does not run before it in this run"


class _CountingSink(MemorySink):
    """Keeps no result, as a real sink that writes them away."""

    def record(self, result: CaseResult, variables: dict[str, str]) -> None:
        self.variables = [variables]
        self.results = [result]


class TestMemory:
    def test_does_not_keep_the_response_bodies_of_a_long_run(self, target: Target) -> None:
        cases = [case(f"c{i}", "/sized?bytes=40000") for i in range(200)]
        tracemalloc.start()
        try:
            outcome, _ = run(cases, target.url, sink=_CountingSink(), concurrency=8)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert outcome.passed == 200
        # 200 bodies of 40 kB would be 8 MB; only the ones in flight are held.
        assert peak < 4 * 1024 * 1024, peak


class TestContentEncodings:
    @pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd"])
    def test_a_compressed_body_is_decoded_and_checked(self, target: Target, encoding: str) -> None:
        _, sink = run(
            [
                case(
                    "packed", f"/encoded/{encoding}", x_jsonpath_checks=[_equals_encoding(encoding)]
                )
            ],
            target.url,
        )

        result = sink.result("packed")
        assert result.status == CaseStatus.PASSED, result.failure_reason
        assert result.response["headers"]["content-encoding"] == encoding


def _equals_encoding(encoding: str) -> dict[str, Any]:
    return {"path": "$.encoding", "operator": "equals", "expected": encoding}
