"""Bulk authoring over HTTP: many cases in one command, a suite as one JSON document."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    TestClient,
    an_account,
    assert_problem,
    error_fields,
)
from tests.integration.interfaces.http.test_suites import Author, a_case_body


@pytest.fixture(scope="module")
def project_all(http_runtime: Runtime) -> Callable[[], None]:
    runners = http_runtime.runners()

    def run() -> None:
        for runner in runners:
            runner.catch_up()

    return run


@pytest.fixture(scope="module")
def author(client: TestClient, project_all: Callable[[], None]) -> Author:
    return Author(client, an_account(client), project_all)


def a_batch(*names: str, **overrides: Any) -> dict[str, Any]:
    return {"cases": [a_case_body(name, **overrides) for name in names]}


class TestWriteCases:
    def test_adds_every_case_in_one_command_in_the_batchs_order(self, author: Author) -> None:
        suite_id, (login,) = author.a_suite_with_cases("login")

        response = author.call(
            "POST",
            f"/suites/{suite_id}/cases:batch",
            {
                "cases": [
                    a_case_body("list", depends_on=[login], tags=["pets"]),
                    a_case_body("create"),
                    a_case_body("delete"),
                ]
            },
            if_match=2,
        )

        assert response.status_code == 200, response.text
        done = response.json()
        assert (done["created"], done["replaced"], done["version"]) == (3, 0, 3)
        assert response.headers["ETag"] == '"3"'
        listed = author.read(f"/suites/{suite_id}/cases")
        assert [c["name"] for c in listed] == ["login", "list", "create", "delete"]
        assert [c["id"] for c in listed[1:]] == done["case_ids"]
        assert listed[1]["depends_on"] == [login]
        assert listed[1]["tags"] == ["pets"]
        assert [c["order_index"] for c in listed] == [0, 1, 2, 3]

    def test_refuses_bad_items_naming_each_by_index_and_saves_nothing(self, author: Author) -> None:
        suite_id, _ = author.a_suite_with_cases("login")
        body = a_batch("ok", "also ok")
        body["cases"].insert(1, a_case_body("bad", test_type="Smoke"))
        body["cases"].append(a_case_body("no url", request={"method": "GET"}))

        response = author.call("POST", f"/suites/{suite_id}/cases:batch", body)

        fields = error_fields(assert_problem(response, 422, "validation"))
        assert "cases.1.test_type" in fields
        assert any(f.startswith("cases.3.request") for f in fields)
        assert not any(f.startswith(("cases.0.", "cases.2.")) for f in fields)
        assert [c["name"] for c in author.read(f"/suites/{suite_id}/cases")] == ["login"]
        assert author.read(f"/suites/{suite_id}")["version"] == 2

    def test_answers_404_naming_the_item_for_an_endpoint_it_cannot_see(
        self, author: Author
    ) -> None:
        suite_id, _ = author.a_suite_with_cases("login")
        body = a_batch("ok", "elsewhere")
        body["cases"][1]["endpoint_id"] = str(uuid.uuid4())

        response = author.call("POST", f"/suites/{suite_id}/cases:batch", body)

        problem = assert_problem(response, 404, "not-found")
        assert "cases.1.endpoint_id" in problem["detail"]
        assert [c["name"] for c in author.read(f"/suites/{suite_id}/cases")] == ["login"]

    def test_refuses_the_whole_batch_when_one_item_breaks_a_rule_of_the_suite(
        self, author: Author
    ) -> None:
        suite_id, _ = author.a_suite_with_cases("login")
        other_suite, (elsewhere,) = author.a_suite_with_cases("elsewhere")

        response = author.call(
            "POST",
            f"/suites/{suite_id}/cases:batch",
            {
                "cases": [
                    a_case_body("fine"),
                    a_case_body("foreign", depends_on=[elsewhere]),
                    a_case_body("twice", depends_on=[elsewhere]),
                ]
            },
        )

        problem = assert_problem(response, 422, "inconsistent-values")
        assert error_fields(problem) == {"cases.1.depends_on", "cases.2.depends_on"}
        assert [c["name"] for c in author.read(f"/suites/{suite_id}/cases")] == ["login"]
        assert [c["name"] for c in author.read(f"/suites/{other_suite}/cases")] == ["elsewhere"]

    def test_answers_404_naming_the_item_that_replaces_a_case_not_in_the_suite(
        self, author: Author
    ) -> None:
        suite_id, _ = author.a_suite_with_cases("login")
        _, (elsewhere,) = author.a_suite_with_cases("elsewhere")

        response = author.call(
            "POST",
            f"/suites/{suite_id}/cases:batch",
            {"cases": [a_case_body("fine"), a_case_body("stranger", id=elsewhere)]},
        )

        assert "cases.1.id" in assert_problem(response, 404, "not-found")["detail"]
        assert [c["name"] for c in author.read(f"/suites/{suite_id}/cases")] == ["login"]

    def test_refuses_a_stale_suite_version(self, author: Author) -> None:
        suite_id, _ = author.a_suite_with_cases("login")

        response = author.call(
            "POST", f"/suites/{suite_id}/cases:batch", a_batch("late"), if_match=1
        )

        assert assert_problem(response, 412, "version-mismatch")["current_version"] == 2

    def test_refuses_a_batch_replacing_cases_of_an_archived_suite(self, author: Author) -> None:
        suite_id, (login,) = author.a_suite_with_cases("login")
        author.ok("POST", f"/suites/{suite_id}/archive")

        response = author.call(
            "POST", f"/suites/{suite_id}/cases:batch", {"cases": [a_case_body("x", id=login)]}
        )

        assert_problem(response, 409, "suite-archived")
        assert author.read(f"/cases/{login}")["name"] == "login"

    def test_refuses_more_than_five_thousand_cases(self, author: Author) -> None:
        suite_id = author.a_suite()
        one = {
            "name": "c",
            "request": {"method": "GET", "url": "/"},
            "expectations": {"expected_status": [200]},
        }

        response = author.call("POST", f"/suites/{suite_id}/cases:batch", {"cases": [one] * 5_001})

        assert "cases" in error_fields(assert_problem(response, 422, "validation"))
        assert author.read(f"/suites/{suite_id}/cases") == []

    def test_takes_five_thousand_cases_in_one_command(self, author: Author) -> None:
        suite_id = author.a_suite()
        cases = [
            {
                "name": f"c{n}",
                "request": {"method": "GET", "url": f"/{n}"},
                "expectations": {"expected_status": [200]},
            }
            for n in range(5_000)
        ]

        response = author.call("POST", f"/suites/{suite_id}/cases:batch", {"cases": cases})

        assert response.status_code == 200, response.text[:500]
        assert (response.json()["created"], response.json()["version"]) == (5_000, 2)
        listed = author.read(f"/suites/{suite_id}/cases")
        assert [c["name"] for c in listed[:2]] + [listed[-1]["name"]] == ["c0", "c1", "c4999"]
        assert len(listed) == 5_000

    def test_replaces_cases_by_id_and_adds_the_rest(self, author: Author) -> None:
        suite_id, (login, listing) = author.a_suite_with_cases("login", "list")

        response = author.call(
            "POST",
            f"/suites/{suite_id}/cases:batch",
            {
                "cases": [
                    a_case_body("list all", id=listing, depends_on=[login], priority="Low"),
                    a_case_body("count"),
                ]
            },
            reason="bulk rewrite",
        )

        assert response.status_code == 200, response.text
        done = response.json()
        assert (done["created"], done["replaced"]) == (1, 1)
        assert done["case_ids"][0] == listing
        listed = author.read(f"/suites/{suite_id}/cases")
        assert [(c["name"], c["priority"]) for c in listed] == [
            ("login", "High"),
            ("list all", "Low"),
            ("count", "High"),
        ]
        assert listed[1]["depends_on"] == [login]
        assert listed[1]["request"]["url"] == "/list-all"

    def test_records_history_and_change_logs_of_every_case(self, author: Author) -> None:
        suite_id, (login,) = author.a_suite_with_cases("login")

        done = author.ok(
            "POST",
            f"/suites/{suite_id}/cases:batch",
            {"cases": [a_case_body("login v2", id=login), a_case_body("fresh")]},
            reason="bulk",
        )

        fresh = done["case_ids"][1]
        assert [e["type"] for e in author.read(f"/cases/{fresh}/history")] == ["TestCase.Created"]
        changes = author.read(f"/cases/{login}/changes")
        renamed = [c for c in changes if c["field"] == "name"]
        assert [(c["old_value"], c["new_value"]) for c in renamed] == [('"login"', '"login v2"')]
        assert renamed[0]["reason"] == "bulk"
        suite_events = [e["type"] for e in author.read(f"/suites/{suite_id}/history")]
        assert suite_events[-2:] == ["TestSuite.CasesAdded", "TestSuite.CaseEdited"]

    def test_puts_an_approved_suite_back_in_review_once(self, author: Author) -> None:
        suite_id, _ = author.a_suite_with_cases("login")
        number = author.propose(suite_id)
        author.ok("POST", f"/suites/{suite_id}/proposals/{number}/approve", {"notes": ""})

        author.ok("POST", f"/suites/{suite_id}/cases:batch", a_batch("a", "b"))

        suite = author.read(f"/suites/{suite_id}")
        assert suite["approval_status"] == "PendingReview"
        proposals = author.read(f"/suites/{suite_id}/proposals")
        assert len(proposals) == 2
        assert len(proposals[-1]["proposed_order"]) == 3


class TestSuiteDocuments:
    def test_exports_imports_and_exports_the_same_document(self, author: Author) -> None:
        suite_id, (login,) = author.a_suite_with_cases("login")
        author.ok(
            "POST",
            f"/suites/{suite_id}/cases:batch",
            {
                "cases": [
                    a_case_body(
                        "list",
                        depends_on=[login],
                        variables=[{"name": "token", "source": "body", "expression": "$.token"}],
                        data_sets=[{"name": "limits", "rows": [{"limit": 1}, {"limit": 50}]}],
                        endpoint_key="GET /pets",
                    ),
                    a_case_body("off"),
                ]
            },
        )
        off = author.read(f"/suites/{suite_id}/cases")[-1]["id"]
        author.ok("POST", f"/cases/{off}/disable")

        exported = author.ok("GET", f"/suites/{suite_id}/export", format="testament")
        imported = author.call("POST", f"/projects/{author.project_id}/suites/import", exported)
        assert imported.status_code == 201, imported.text
        copy_id = imported.json()["suite_id"]
        again = author.ok("GET", f"/suites/{copy_id}/export", format="testament")

        assert again == exported
        assert [c["key"] for c in exported["cases"]] == ["case-1", "case-2", "case-3"]
        assert exported["cases"][1]["depends_on"] == ["case-1"]
        assert exported["cases"][1]["variables"][0]["name"] == "token"
        assert exported["cases"][1]["data_sets"][0]["rows"] == [{"limit": 1}, {"limit": 50}]
        assert exported["cases"][2]["enabled"] is False
        copy = author.read(f"/suites/{copy_id}")
        assert (copy["generation_type"], copy["approval_status"]) == (
            "Imported",
            "PendingReview",
        )
        assert imported.headers["Location"] == f"/suites/{copy_id}"

    def test_keeps_the_postman_export_as_the_default(self, author: Author) -> None:
        suite_id, _ = author.a_suite_with_cases("login")

        exported = author.ok("GET", f"/suites/{suite_id}/export")

        assert "item" in exported and "cases" not in exported

    def test_refuses_a_document_whose_case_depends_on_a_later_one(self, author: Author) -> None:
        document = {
            "format": "testament.suite",
            "name": "Broken",
            "cases": [
                {**a_case_body("first"), "key": "a", "depends_on": ["b"]},
                {**a_case_body("second"), "key": "b"},
            ],
        }

        response = author.call("POST", f"/projects/{author.project_id}/suites/import", document)

        problem = assert_problem(response, 422, "inconsistent-values")
        assert "cases.0.depends_on" in error_fields(problem)

    def test_refuses_a_document_of_another_format(self, author: Author) -> None:
        response = author.call(
            "POST",
            f"/projects/{author.project_id}/suites/import",
            {"format": "postman", "name": "x", "cases": []},
        )

        assert "format" in error_fields(assert_problem(response, 422, "validation"))

    def test_exports_and_imports_back_a_suite_without_cases(self, author: Author) -> None:
        # Schemathesis found the export of an empty suite answering 500.
        suite_id, _ = author.a_suite_with_cases()

        exported = author.ok("GET", f"/suites/{suite_id}/export", format="testament")
        imported = author.call("POST", f"/projects/{author.project_id}/suites/import", exported)

        assert exported["cases"] == []
        assert imported.status_code == 201, imported.text
        copy_id = imported.json()["suite_id"]
        assert author.ok("GET", f"/suites/{copy_id}/export", format="testament") == exported

    def test_names_repeated_data_sets_in_a_document_as_inconsistent_values(
        self, author: Author
    ) -> None:
        sets = [{"name": "same", "rows": []}, {"name": "same", "rows": []}]
        document = {
            "format": "testament.suite",
            "name": "Twice",
            "cases": [{**a_case_body("only", data_sets=sets), "key": "a"}],
        }

        response = author.call("POST", f"/projects/{author.project_id}/suites/import", document)

        problem = assert_problem(response, 422, "inconsistent-values")
        assert "cases.0.data_sets" in error_fields(problem)


class TestRefusalKinds:
    """A batch item and a document's case are refused as the single-case route refuses."""

    def test_names_repeated_variables_in_a_batch_as_inconsistent_values(
        self, author: Author
    ) -> None:
        suite_id, _ = author.a_suite_with_cases("login")
        twice = [
            {"name": "token", "source": "body", "expression": "$.a"},
            {"name": "token", "source": "body", "expression": "$.b"},
        ]

        response = author.call(
            "POST",
            f"/suites/{suite_id}/cases:batch",
            {"cases": [a_case_body("fine"), a_case_body("twice", variables=twice)]},
        )

        problem = assert_problem(response, 422, "inconsistent-values")
        assert error_fields(problem) == {"cases.1.variables"}
        assert [c["name"] for c in author.read(f"/suites/{suite_id}/cases")] == ["login"]

    def test_refuses_an_empty_tag_in_a_document_as_a_case_would(self, author: Author) -> None:
        document = {
            "format": "testament.suite",
            "name": "Tagged",
            "cases": [{**a_case_body("only", tags=[""]), "key": "a"}],
        }

        response = author.call("POST", f"/projects/{author.project_id}/suites/import", document)

        assert any(
            f.startswith("cases.0.tags") for f in error_fields(assert_problem(response, 422))
        )
