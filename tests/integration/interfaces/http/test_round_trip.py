"""What a GET of a suite or a case answers, its PATCH takes back unchanged: one shape."""

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
    error_fields,
)

_TIMES = ("created_at", "updated_at", "approved_at")


@pytest.fixture(scope="module")
def project(http_runtime: Runtime) -> Callable[[], None]:
    """This fixture will bring every read model up to date (the projects and testgen ones
    for the reads; the rest so no later test's projector inherits this module's backlog)."""
    runners = http_runtime.runners()

    def run() -> None:
        for runner in runners:
            runner.catch_up()

    return run


class Writer:
    """One account writing suites and cases, reading them back from the read tables."""

    def __init__(self, client: TestClient, project: Callable[[], None]) -> None:
        self.client, self.project = client, project
        self.account: Account = an_account(client)
        self.project_id = a_project(client, self.account).json()["id"]

    def ok(self, method: str, url: str, body: Any = None) -> Any:
        response = self.client.request(method, url, json=body, headers=self.account.auth)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def get(self, url: str) -> Any:
        self.project()
        return self.ok("GET", url)

    def suite(self) -> str:
        suite_id: str = self.ok("POST", f"/projects/{self.project_id}/suites", {"name": "s"})["id"]
        return suite_id


@pytest.fixture(scope="module")
def writer(client: TestClient, project: Callable[[], None]) -> Writer:
    return Writer(client, project)


def _same(first: dict[str, Any], second: dict[str, Any]) -> None:
    """Equal fields, and equal moments however each spells its offset."""
    untimed = {k: v for k, v in first.items() if k not in _TIMES}
    assert untimed == {k: v for k, v in second.items() if k not in _TIMES}
    for key in _TIMES:
        if key in first:
            moments = [
                None if d[key] is None else datetime.fromisoformat(d[key]) for d in (first, second)
            ]
            assert moments[0] == moments[1], key


A_RICH_CASE: dict[str, Any] = {
    "name": "create a pet",
    "description": "every part of a case in use",
    "test_type": "Boundary",
    "priority": "Critical",
    "tags": ["pets", "write"],
    "endpoint_key": "POST /pets",
    "request": {
        "method": "POST",
        "url": "/pets/{{owner}}",
        "headers": {"X-Trace": "1"},
        "path_params": {"owner": "{{owner}}"},
        "query_params": {"dry": "no"},
        "body_type": "JSON",
        "body": {"name": "Rex", "tags": ["a", 1, None, {"deep": True}]},
        "timeout_ms": 1234,
        "without_credentials": True,
    },
    "expectations": {
        "expected_status": [201, 200],
        "response_schema": {"type": "object", "required": ["id"]},
        "header_checks": [
            {"name": "Location", "operator": "present", "expected": None},
            {"name": "Content-Type", "operator": "matches", "expected": "json"},
        ],
        "body_contains": ["Rex"],
        "body_not_contains": ["error"],
        "jsonpath_checks": [
            {"path": "$.id", "operator": "exists", "expected": None},
            {"path": "$.age", "operator": "gte", "expected": 0},
            {"path": "$.name", "operator": "type", "expected": "string"},
            {"path": "$.tags", "operator": "length", "expected": 4},
            {"path": "$.owner", "operator": "equals", "expected": {"id": 7}},
        ],
        "max_response_time_ms": 900,
    },
    "variables": [
        {"name": "petId", "source": "body", "expression": "$.id", "default": None},
        {"name": "where", "source": "header", "expression": "Location", "default": "/"},
        {"name": "num", "source": "regex", "expression": "/(\\d+)$", "header_name": "Location"},
        {"name": "code", "source": "status", "expression": ""},
    ],
    "data_sets": [
        {"name": "zeta", "rows": [{"owner": "1"}, {"owner": "2"}]},
        {"name": "alpha", "rows": [{"owner": 3}], "enabled": False},
    ],
}


class TestSuiteRoundTrip:
    def test_takes_back_what_its_get_answered_and_changes_nothing(self, writer: Writer) -> None:
        suite_id = writer.suite()
        writer.ok("POST", f"/suites/{suite_id}/cases", A_RICH_CASE)
        writer.ok("POST", f"/suites/{suite_id}/proposals")
        written = writer.ok("POST", f"/suites/{suite_id}/proposals/1/approve", {"notes": "ok"})
        read = writer.get(f"/suites/{suite_id}")

        sent_back = writer.ok("PATCH", f"/suites/{suite_id}", read)

        _same(written, read)  # the write's answer and the read table's: one shape
        assert (read["approval_status"], read["version"]) == ("Approved", written["version"])
        _same(sent_back, read)
        _same(writer.get(f"/suites/{suite_id}"), read)

    def test_refuses_a_read_only_field_sent_with_another_value(self, writer: Writer) -> None:
        suite_id = writer.suite()
        read = writer.get(f"/suites/{suite_id}")

        response = writer.client.patch(
            f"/suites/{suite_id}", json={**read, "status": "Ready"}, headers=writer.account.auth
        )

        assert error_fields(assert_problem(response, 422, "validation")) == {"status"}

    def test_refuses_an_unknown_field_naming_it(self, writer: Writer) -> None:
        suite_id = writer.suite()

        response = writer.client.patch(
            f"/suites/{suite_id}", json={"name": "x", "colour": "red"}, headers=writer.account.auth
        )

        assert error_fields(assert_problem(response, 422, "validation")) == {"colour"}


class TestCaseRoundTrip:
    def test_takes_back_what_its_get_answered_and_changes_nothing(self, writer: Writer) -> None:
        suite_id = writer.suite()
        written = writer.ok("POST", f"/suites/{suite_id}/cases", A_RICH_CASE)
        read = writer.get(f"/cases/{written['id']}")

        sent_back = writer.ok("PATCH", f"/cases/{written['id']}", read)

        _same(written, read)
        assert (
            read["expectations"]["jsonpath_checks"]
            == A_RICH_CASE["expectations"]["jsonpath_checks"]
        )
        assert [d["name"] for d in read["data_sets"]] == ["zeta", "alpha"]
        _same(sent_back, read)
        _same(writer.get(f"/cases/{written['id']}"), read)

    def test_still_takes_the_old_names_of_a_request_and_expectations(self, writer: Writer) -> None:
        suite_id = writer.suite()
        body = {
            "name": "old names",
            "request": {"http_method": "GET", "url": "/pets", "timeout": 500},
            "expectations": {
                "expected_status": [200],
                "json_path_checks": [{"path": "$.id", "operator": "exists"}],
                "max_response_time": 700,
            },
        }

        case = writer.ok("POST", f"/suites/{suite_id}/cases", body)

        assert (case["request"]["method"], case["request"]["timeout_ms"]) == ("GET", 500)
        assert case["expectations"]["max_response_time_ms"] == 700
        assert case["expectations"]["jsonpath_checks"][0]["path"] == "$.id"

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"enabled": False}, "enabled"),
            ({"order_index": 9}, "order_index"),
            ({"tags": ["a"], "jsonpathChecks": []}, "jsonpathChecks"),
        ],
    )
    def test_refuses_a_changed_read_only_or_unknown_field_naming_it(
        self, writer: Writer, change: dict[str, Any], field: str
    ) -> None:
        suite_id = writer.suite()
        case = writer.ok("POST", f"/suites/{suite_id}/cases", A_RICH_CASE)

        response = writer.client.patch(
            f"/cases/{case['id']}", json={**case, **change}, headers=writer.account.auth
        )

        assert error_fields(assert_problem(response, 422, "validation")) == {field}
        assert writer.get(f"/cases/{case['id']}")["version"] == case["version"]


# -- varied cases ----------------------------------------------------------------------------

_names = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
_texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)


def _nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(_names, inner, max_size=3)


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | _texts, _nested, max_leaves=6
)
_bodies = st.one_of(
    st.fixed_dictionaries({"body_type": st.just("None")}),
    st.fixed_dictionaries({"body_type": st.just("JSON"), "body": _json}),
    st.fixed_dictionaries(
        {
            "body_type": st.sampled_from(["FormData", "UrlEncoded"]),
            "body": st.dictionaries(_names, _texts, max_size=3),
        }
    ),
    st.fixed_dictionaries({"body_type": st.just("Raw"), "body": _texts}),
)
_requests = st.builds(
    lambda method, path, body, timeout, bare: {
        "method": method,
        "url": f"/{path}",
        "headers": {"X-Case": path},
        "timeout_ms": timeout,
        "without_credentials": bare,
        **body,
    },
    st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
    _names,
    _bodies,
    st.integers(1, 600_000),
    st.booleans(),
)
_checks = st.one_of(
    st.fixed_dictionaries(
        {
            "path": st.just("$.a"),
            "operator": st.sampled_from(["exists", "not_null", "equals", "contains"]),
            "expected": _json,
        }
    ),
    st.fixed_dictionaries(
        {
            "path": st.just("$.n"),
            "operator": st.sampled_from(["gt", "gte", "lt", "lte"]),
            "expected": st.integers(-50, 50),
        }
    ),
    st.fixed_dictionaries(
        {
            "path": st.just("$.t"),
            "operator": st.just("type"),
            "expected": st.sampled_from(["string", "number", "object", "null"]),
        }
    ),
    st.fixed_dictionaries(
        {"path": st.just("$.l"), "operator": st.just("length"), "expected": st.integers(0, 9)}
    ),
)
_expectations = st.builds(
    lambda statuses, checks, limit, contains: {
        "expected_status": statuses,
        "jsonpath_checks": checks,
        "max_response_time_ms": limit,
        "body_contains": contains,
    },
    st.lists(st.integers(100, 599), min_size=1, max_size=3, unique=True),
    st.lists(_checks, max_size=3),
    st.none() | st.integers(1, 600_000),
    st.lists(_texts.filter(bool), max_size=2),
)
_variables = st.lists(
    st.one_of(
        st.builds(lambda n: {"name": n, "source": "body", "expression": "$.id"}, _names),
        st.builds(lambda n: {"name": n, "source": "header", "expression": "ETag"}, _names),
        st.builds(lambda n: {"name": n, "source": "regex", "expression": "(\\d+)"}, _names),
        st.builds(lambda n: {"name": n, "source": "status", "expression": ""}, _names),
    ),
    max_size=4,
    unique_by=lambda v: v["name"],
)
_data_sets = st.lists(
    st.builds(
        lambda n, rows, on: {"name": n, "rows": rows, "enabled": on},
        _names,
        st.lists(st.dictionaries(_names, _json, max_size=2), max_size=3),
        st.booleans(),
    ),
    max_size=3,
    unique_by=lambda d: d["name"],
)
_cases = st.builds(
    lambda name, test_type, priority, tags, request, expectations, variables, data_sets: {
        "name": name,
        "test_type": test_type,
        "priority": priority,
        "tags": tags,
        "request": request,
        "expectations": expectations,
        "variables": variables,
        "data_sets": data_sets,
    },
    _names,
    st.sampled_from(["HappyPath", "Boundary", "Negative"]),
    st.sampled_from(["Critical", "High", "Medium", "Low"]),
    st.lists(_names, max_size=3, unique=True),
    _requests,
    _expectations,
    _variables,
    _data_sets,
)


class TestVariedCasesRoundTrip:
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(case=_cases)
    def test_answers_what_it_was_given_and_takes_it_back_unchanged(
        self, writer: Writer, case: dict[str, Any]
    ) -> None:
        suite_id = writer.suite()
        written = writer.ok("POST", f"/suites/{suite_id}/cases", case)
        read = writer.get(f"/cases/{written['id']}")

        sent_back = writer.ok("PATCH", f"/cases/{written['id']}", read)

        _same(written, read)
        assert read["request"]["body"] == case["request"].get("body")
        assert read["variables"] == [
            {"default": None, "header_name": None, **v} for v in case["variables"]
        ]
        _same(sent_back, read)
        assert writer.get(f"/cases/{written['id']}")["version"] == 1


class TestCaseAuthorization:
    def test_a_patch_loads_only_the_case_and_its_suite(
        self, writer: Writer, http_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        suite_id = writer.suite()
        case = writer.ok("POST", f"/suites/{suite_id}/cases", A_RICH_CASE)
        writer.get(f"/cases/{case['id']}")  # projected: the owner is in the read tables
        loaded: list[str] = []
        for application in (http_runtime.testgen, http_runtime.apidoc):
            load = application.repository.get

            def counting(aggregate_id: Any, *args: Any, _load: Any = load, **kwargs: Any) -> Any:
                found = _load(aggregate_id, *args, **kwargs)
                loaded.append(type(found).__name__)
                return found

            monkeypatch.setattr(application.repository, "get", counting)

        writer.ok("PATCH", f"/cases/{case['id']}", {"name": "renamed"})

        assert sorted(loaded) == ["TestCase", "TestSuite"]

    def test_answers_a_stranger_not_found_from_the_read_tables(
        self, writer: Writer, client: TestClient
    ) -> None:
        suite_id = writer.suite()
        case = writer.ok("POST", f"/suites/{suite_id}/cases", A_RICH_CASE)
        writer.get(f"/cases/{case['id']}")
        stranger = an_account(client)

        for method, url, body in (
            ("GET", f"/cases/{case['id']}", None),
            ("PATCH", f"/cases/{case['id']}", {"name": "mine"}),
            ("GET", f"/suites/{suite_id}", None),
            ("GET", f"/suites/{suite_id}/cases", None),
            ("PATCH", f"/suites/{suite_id}", {"name": "mine"}),
        ):
            response = client.request(method, url, json=body, headers=stranger.auth)
            assert_problem(response, 404, "not-found")


FIXTURES = Path(__file__).parents[3] / "fixtures"


def _every_case_round_trips(writer: Writer, suite_id: str) -> int:
    cases = writer.get(f"/suites/{suite_id}/cases")
    for case in cases:
        sent_back = writer.ok("PATCH", f"/cases/{case['id']}", case)
        assert sent_back["version"] == case["version"], case["name"]
    return len(cases)


class TestStoredCasesRoundTrip:
    @pytest.mark.parametrize(
        "spec", ["petstore-3.0.yaml", "petstore-swagger-2.0.json", "library-3.1.json"]
    )
    def test_answers_every_generated_case_in_a_shape_its_patch_takes_back(
        self, writer: Writer, http_runtime: Runtime, spec: str
    ) -> None:
        project_id = a_project(writer.client, writer.account, base_url="").json()["id"]
        uploaded = writer.client.post(
            f"/projects/{project_id}/specs",
            files={"file": (spec, (FIXTURES / "specs" / spec).read_bytes())},
            headers=writer.account.auth,
        )
        assert uploaded.status_code == 202, uploaded.text
        http_runtime.apidoc.parse_specification(UUID(uploaded.json()["id"]))
        suite = writer.ok("POST", f"/projects/{project_id}/suites/generate", {"name": spec})

        assert _every_case_round_trips(writer, suite["id"]) == suite["case_count"] > 0

    @pytest.mark.parametrize(
        "collection",
        sorted(p.name for p in (FIXTURES / "postman").glob("*.postman_collection.json")),
    )
    def test_answers_every_imported_case_in_a_shape_its_patch_takes_back(
        self, writer: Writer, collection: str
    ) -> None:
        document = json.loads((FIXTURES / "postman" / collection).read_text())
        imported = writer.ok(
            "POST", f"/projects/{writer.project_id}/imports/postman", {"collection": document}
        )

        assert _every_case_round_trips(writer, imported["suite_id"]) > 0
