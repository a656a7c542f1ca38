"""Suites and cases over HTTP: write, order, review, audit, time travel, generation, races."""

import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from domain.shared.meta import system_meta
from domain.users.model import Role
from interfaces.bootstrap import Runtime
from interfaces.http.app import create_app
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
    error_fields,
)

PETSTORE = Path(__file__).parents[3] / "fixtures" / "specs" / "petstore-3.0.yaml"
AGENT = "suites-test/1.0"


@pytest.fixture(scope="module")
def project_all(http_runtime: Runtime) -> Callable[[], None]:
    """This fixture will apply every event written so far to every read model."""
    runners = http_runtime.runners()

    def run() -> None:
        for runner in runners:
            runner.catch_up()

    return run


def a_case_body(name: str, **overrides: Any) -> dict[str, Any]:
    return {
        "name": name,
        "test_type": "HappyPath",
        "priority": "High",
        "request": {"method": "GET", "url": f"/{name.replace(' ', '-')}"},
        "expectations": {"expected_status": [200]},
        **overrides,
    }


class Author:
    """One account writing suites through the API, reading back through the read models."""

    def __init__(
        self, client: TestClient, account: Account, project_all: Callable[[], None]
    ) -> None:
        self.client, self.account, self.project_all = client, account, project_all
        self.project_id = a_project(client, account).json()["id"]

    def headers(self, if_match: int | None = None, reason: str | None = None) -> dict[str, str]:
        headers = {**self.account.auth, "User-Agent": AGENT}
        if if_match is not None:
            headers["If-Match"] = f'"{if_match}"'
        if reason is not None:
            headers["X-Change-Reason"] = reason
        return headers

    def call(
        self,
        method: str,
        url: str,
        body: Any = None,
        if_match: int | None = None,
        reason: str | None = None,
        **params: Any,
    ) -> httpx.Response:
        response: httpx.Response = self.client.request(
            method, url, json=body, params=params or None, headers=self.headers(if_match, reason)
        )
        return response

    def ok(self, method: str, url: str, body: Any = None, **kwargs: Any) -> Any:
        response = self.call(method, url, body, **kwargs)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def read(self, url: str, **params: Any) -> Any:
        self.project_all()
        return self.ok("GET", url, **params)

    def a_suite(self, name: str = "Pets") -> str:
        suite_id: str = self.ok("POST", f"/projects/{self.project_id}/suites", {"name": name})["id"]
        return suite_id

    def a_case(self, suite_id: str, name: str, *depends_on: str, **fields: Any) -> str:
        body = a_case_body(name, depends_on=list(depends_on), **fields)
        case_id: str = self.ok("POST", f"/suites/{suite_id}/cases", body)["id"]
        return case_id

    def a_suite_with_cases(self, *names: str) -> tuple[str, list[str]]:
        suite_id = self.a_suite()
        return suite_id, [self.a_case(suite_id, name) for name in names]

    def propose(self, suite_id: str) -> int:
        self.ok("POST", f"/suites/{suite_id}/proposals")
        number: int = self.read(f"/suites/{suite_id}/proposals")[-1]["number"]
        return number


@pytest.fixture(scope="module")
def author(client: TestClient, project_all: Callable[[], None]) -> Author:
    return Author(client, an_account(client), project_all)


@pytest.fixture(scope="module")
def stranger(client: TestClient) -> Account:
    return an_account(client)


class TestCreateSuite:
    def test_creates_an_empty_suite_with_its_location_etag_and_position(
        self, author: Author
    ) -> None:
        response = author.call(
            "POST",
            f"/projects/{author.project_id}/suites",
            {"name": " Pets ", "description": "by hand"},
        )

        assert response.status_code == 201, response.text
        suite = response.json()
        assert response.headers["Location"] == f"/suites/{suite['id']}"
        assert response.headers["ETag"] == '"1"'
        assert response.headers["X-Testament-Position"].startswith("testgen:")
        assert (suite["name"], suite["description"], suite["generation_type"]) == (
            "Pets",
            "by hand",
            "Manual",
        )
        assert (suite["status"], suite["approval_status"], suite["execution_order"]) == (
            "Draft",
            "NotApplicable",
            [],
        )
        listed = author.read(f"/projects/{author.project_id}/suites")
        assert suite["id"] in [s["id"] for s in listed]

    @pytest.mark.parametrize(
        ("body", "field"), [({"name": ""}, "name"), ({"name": "x", "colour": "red"}, "colour")]
    )
    def test_refuses_a_bad_suite_naming_the_field(
        self, author: Author, body: dict[str, str], field: str
    ) -> None:
        response = author.call("POST", f"/projects/{author.project_id}/suites", body)

        assert field in error_fields(assert_problem(response, 422, "validation"))


class TestCases:
    def test_adds_cases_in_order_and_lists_them_from_the_read_model(self, author: Author) -> None:
        suite_id = author.a_suite()

        first = author.call("POST", f"/suites/{suite_id}/cases", a_case_body("login"), if_match=1)
        second = author.call(
            "POST",
            f"/suites/{suite_id}/cases",
            a_case_body("create", depends_on=[first.json()["id"]], tags=["pets"]),
            if_match=2,
        )

        assert (first.status_code, second.status_code) == (201, 201), second.text
        assert second.headers["Location"] == f"/cases/{second.json()['id']}"
        assert (second.json()["order_index"], second.json()["depends_on"]) == (
            1,
            [first.json()["id"]],
        )
        listed = author.read(f"/suites/{suite_id}/cases")
        assert [(c["name"], c["order_index"]) for c in listed] == [("login", 0), ("create", 1)]
        assert listed[1]["depends_on"] == [first.json()["id"]]
        assert listed[1]["request"]["method"] == "GET"
        assert listed[1]["expectations"]["expected_status"] == [200]

    def test_refuses_adding_to_a_stale_suite_version(self, author: Author) -> None:
        suite_id, _ = author.a_suite_with_cases("login")

        response = author.call("POST", f"/suites/{suite_id}/cases", a_case_body("late"), if_match=1)

        problem = assert_problem(response, 412, "version-mismatch")
        assert problem["current_version"] == 2
        assert response.headers["ETag"] == '"2"'

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            # A part whose shape depends on a kind is named as the client wrote it, without
            # the union branch Pydantic read it as (interfaces.http.errors._field_path).
            ({"request": {"method": "FETCH", "url": "/pets"}}, "request.method"),
            ({"request": {"method": "GET"}}, "request.url"),
            ({"expectations": {"expected_status": [99]}}, "expectations.expected_status.0"),
            ({"test_type": "Smoke"}, "test_type"),
            (
                {"data_sets": [{"name": "a", "rows": [{"not a name": 1}]}]},
                "data_sets.0.rows.0.not a name.[key]",
            ),
        ],
    )
    def test_refuses_a_bad_case_naming_the_field(
        self, author: Author, overrides: dict[str, Any], field: str
    ) -> None:
        suite_id = author.a_suite()

        response = author.call("POST", f"/suites/{suite_id}/cases", a_case_body("bad", **overrides))

        assert error_fields(assert_problem(response, 422, "validation")) == {field}

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            (
                {"data_sets": [{"name": "a", "rows": [{}]}, {"name": "a", "rows": [{"x": 1}]}]},
                "data_sets",
            ),
            (
                {
                    "variables": [
                        {"name": "v", "source": "status"},
                        {"name": "v", "source": "body", "expression": "$.id"},
                    ]
                },
                "variables",
            ),
        ],
    )
    def test_refuses_two_parts_of_one_name_as_inconsistent_values(
        self, author: Author, overrides: dict[str, Any], field: str
    ) -> None:
        suite_id = author.a_suite()

        response = author.call("POST", f"/suites/{suite_id}/cases", a_case_body("bad", **overrides))

        assert error_fields(assert_problem(response, 422, "inconsistent-values")) == {field}

    def test_edits_with_if_match_and_refuses_a_stale_version(self, author: Author) -> None:
        _, (case_id,) = author.a_suite_with_cases("list pets")

        edited = author.call("PATCH", f"/cases/{case_id}", {"priority": "Critical"}, if_match=1)
        stale = author.call("PATCH", f"/cases/{case_id}", {"priority": "Low"}, if_match=1)

        assert edited.status_code == 200, edited.text
        assert (edited.json()["priority"], edited.headers["ETag"]) == ("Critical", '"2"')
        assert assert_problem(stale, 412, "version-mismatch")["current_version"] == 2
        assert author.read(f"/cases/{case_id}")["priority"] == "Critical"

    @pytest.mark.parametrize("body", [{"name": None}, {"test_type": None}, {"request": None}])
    def test_refuses_a_null_for_a_required_field(
        self, author: Author, body: dict[str, Any]
    ) -> None:
        _, (case_id,) = author.a_suite_with_cases("list pets")

        response = author.call("PATCH", f"/cases/{case_id}", body)

        assert error_fields(assert_problem(response, 422, "validation")) == set(body)

    def test_clears_an_endpoint_key_without_stopping_the_read_model(self, author: Author) -> None:
        _, (case_id,) = author.a_suite_with_cases("list pets")
        author.ok("PATCH", f"/cases/{case_id}", {"endpoint_key": "GET /pets"})

        cleared = author.call("PATCH", f"/cases/{case_id}", {"endpoint_key": None})

        assert cleared.status_code == 200, cleared.text
        assert author.read(f"/cases/{case_id}")["endpoint_key"] == ""

    def test_disables_enables_duplicates_and_deletes(self, author: Author) -> None:
        suite_id, (login, create) = author.a_suite_with_cases("login", "create")

        disabled = author.ok("POST", f"/cases/{create}/disable")
        enabled = author.ok("POST", f"/cases/{create}/enable")
        copy = author.ok("POST", f"/cases/{create}/duplicate")
        deleted = author.call("DELETE", f"/cases/{login}")

        assert (disabled["enabled"], enabled["enabled"]) == (False, True)
        assert (copy["name"], copy["order_index"]) == ("create (copy)", 2)
        assert deleted.status_code == 204
        listed = author.read(f"/suites/{suite_id}/cases")
        assert [c["name"] for c in listed] == ["create", "create (copy)"]
        assert_problem(author.call("GET", f"/cases/{login}"), 404)
        assert_problem(
            author.call("PATCH", f"/cases/{login}", {"name": "again"}), 409, "case-deleted"
        )

    def test_refuses_to_delete_a_case_another_depends_on(self, author: Author) -> None:
        _, (login, create) = author.a_suite_with_cases("login", "create")
        author.ok("PUT", f"/cases/{create}/dependencies", {"depends_on": [login]})

        response = author.call("DELETE", f"/cases/{login}")

        assert (
            f"depend on case {login}"
            in assert_problem(response, 409, "case-has-dependants")["detail"]
        )


class TestDependenciesAndOrder:
    def test_refuses_a_cycle_naming_the_loop(self, author: Author) -> None:
        _, (login, create, read) = author.a_suite_with_cases("login", "create", "read")
        author.ok("PUT", f"/cases/{create}/dependencies", {"depends_on": [login]})
        author.ok("PUT", f"/cases/{read}/dependencies", {"depends_on": [create]})

        response = author.call("PUT", f"/cases/{login}/dependencies", {"depends_on": [read]})

        problem = assert_problem(response, 422, "inconsistent-values")
        assert error_fields(problem) == {"depends_on"}
        assert f"cycle: {login} -> {read} -> {create} -> {login}" in problem["detail"]

    def test_refuses_a_case_of_another_suite(self, author: Author) -> None:
        _, (elsewhere,) = author.a_suite_with_cases("login")
        _, (create,) = author.a_suite_with_cases("create")

        response = author.call("PUT", f"/cases/{create}/dependencies", {"depends_on": [elsewhere]})

        assert (
            "not cases of this suite"
            in assert_problem(response, 409, "case-not-in-suite")["detail"]
        )

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"tags": [""]}, "tags.0"),
            ({"tags": ["t" * 51]}, "tags.0"),
            (
                {"expectations": {"expected_status": [200], "body_not_contains": [""]}},
                "expectations.body_not_contains.0",
            ),
        ],
    )
    def test_refuses_an_empty_tag_or_text_to_find_naming_the_item(
        self, author: Author, body: dict[str, Any], field: str
    ) -> None:
        _, (case_id,) = author.a_suite_with_cases("list pets")

        response = author.call("PATCH", f"/cases/{case_id}", body)

        assert field in error_fields(assert_problem(response, 422, "validation"))

    def test_refuses_expectations_whose_statuses_disagree_with_any_status(
        self, author: Author
    ) -> None:
        suite_id = author.a_suite()
        both = {"expected_status": [200], "any_status": True}

        response = author.call(
            "POST", f"/suites/{suite_id}/cases", a_case_body("bad", expectations=both)
        )

        assert error_fields(assert_problem(response, 422, "validation")) == {"expected_status"}

    @pytest.mark.parametrize("change", ["leave one out", "add a stranger"])
    def test_refuses_an_order_that_is_not_the_suites_cases_as_a_conflict(
        self, author: Author, change: str
    ) -> None:
        suite_id, (login, create) = author.a_suite_with_cases("login", "create")
        _, (stranger,) = author.a_suite_with_cases("elsewhere")
        order = [login] if change == "leave one out" else [login, create, stranger]

        response = author.call("PUT", f"/suites/{suite_id}/order", {"order": order})

        assert_problem(response, 409, "order-mismatch")

    def test_refuses_a_case_named_twice_in_an_order_as_the_document_states(
        self, author: Author
    ) -> None:
        suite_id, (login, _) = author.a_suite_with_cases("login", "create")
        document = author.client.app.openapi()  # type: ignore[attr-defined]
        schema = document["components"]["schemas"]["OrderUpdate"]

        response = author.call("PUT", f"/suites/{suite_id}/order", {"order": [login, login]})

        assert schema["properties"]["order"]["uniqueItems"] is True
        assert error_fields(assert_problem(response, 422, "validation")) == {"order"}

    def test_reorders_and_refuses_an_order_that_runs_a_dependency_later(
        self, author: Author
    ) -> None:
        suite_id, (login, create, read) = author.a_suite_with_cases("login", "create", "read")
        author.ok("PUT", f"/cases/{create}/dependencies", {"depends_on": [login]})

        refused = author.call("PUT", f"/suites/{suite_id}/order", {"order": [create, login, read]})
        reordered = author.call(
            "PUT", f"/suites/{suite_id}/order", {"order": [read, login, create]}, if_match=5
        )

        assert (
            f"case {create} depends on case {login}"
            in assert_problem(refused, 422, "validation")["detail"]
        )
        assert reordered.status_code == 200, reordered.text
        assert reordered.json()["execution_order"] == [read, login, create]
        assert [c["id"] for c in author.read(f"/suites/{suite_id}/cases")] == [read, login, create]


class TestReview:
    def test_approves_a_proposal_making_the_suite_ready(self, author: Author) -> None:
        suite_id, (login, create) = author.a_suite_with_cases("login", "create")
        author.ok("PUT", f"/suites/{suite_id}/order", {"order": [create, login]})
        number = author.propose(suite_id)

        approved = author.ok(
            "POST", f"/suites/{suite_id}/proposals/{number}/approve", {"notes": "fine"}
        )

        assert (approved["approval_status"], approved["status"]) == ("Approved", "Ready")
        assert approved["approved_by"] == str(author.account.id)
        (proposal,) = author.read(f"/suites/{suite_id}/proposals")
        assert (proposal["status"], proposal["review_notes"], proposal["applied_order"]) == (
            "Approved",
            "fine",
            [create, login],
        )
        row = author.read(f"/suites/{suite_id}")
        assert (row["approval_status"], row["approved_by"]) == (
            "Approved",
            str(author.account.id),
        )

    def test_modifies_and_approves_keeping_custom_order_indexes(self, author: Author) -> None:
        suite_id, (login, create, read) = author.a_suite_with_cases("login", "create", "read")
        number = author.propose(suite_id)

        modified = author.ok(
            "POST",
            f"/suites/{suite_id}/proposals/{number}/modify",
            {"order": [login, read, create]},
        )

        assert (modified["approval_status"], modified["execution_order"]) == (
            "ModifiedAndApproved",
            [login, read, create],
        )
        listed = author.read(f"/suites/{suite_id}/cases")
        assert [
            (c["id"], c["order_index"], c["custom_order_index"], c["is_order_customized"])
            for c in listed
        ] == [
            (login, 0, 0, True),
            (read, 2, 1, True),
            (create, 1, 2, True),
        ]
        (proposal,) = author.read(f"/suites/{suite_id}/proposals")
        assert proposal["user_modified_order"] == [
            {"case_id": login, "order": 0},
            {"case_id": read, "order": 1},
            {"case_id": create, "order": 2},
        ]

    def test_rejects_then_takes_a_new_proposal(self, author: Author) -> None:
        suite_id, _ = author.a_suite_with_cases("login", "create")
        first = author.propose(suite_id)

        rejected = author.ok(
            "POST", f"/suites/{suite_id}/proposals/{first}/reject", {"notes": "no"}
        )
        second = author.propose(suite_id)
        again = author.call("POST", f"/suites/{suite_id}/proposals/{first}/approve", {})

        assert rejected["approval_status"] == "Rejected"
        assert second == 2
        assert "already Rejected" in assert_problem(again, 409, "proposal-decided")["detail"]
        assert [
            (p["number"], p["status"]) for p in author.read(f"/suites/{suite_id}/proposals")
        ] == [
            (1, "Rejected"),
            (2, "Pending"),
        ]

    def test_refuses_to_approve_a_proposal_that_does_not_exist(self, author: Author) -> None:
        suite_id, _ = author.a_suite_with_cases("login")

        assert_problem(
            author.call("POST", f"/suites/{suite_id}/proposals/7/approve", {}), 404, "not-found"
        )

    def test_puts_an_approved_suite_back_in_review_when_a_case_is_edited(
        self, author: Author
    ) -> None:
        suite_id, (login, _) = author.a_suite_with_cases("login", "create")
        author.ok("POST", f"/suites/{suite_id}/proposals/{author.propose(suite_id)}/approve", {})

        author.ok("PATCH", f"/cases/{login}", {"name": "log in"}, reason="renamed for the docs")

        suite = author.read(f"/suites/{suite_id}")
        assert suite["approval_status"] == "PendingReview"
        proposals = author.read(f"/suites/{suite_id}/proposals")
        assert [(p["source"], p["status"]) for p in proposals] == [
            ("User", "Approved"),
            ("System", "Pending"),
        ]
        assert (
            proposals[1]["reasoning"]
            == "re-review after an edit of the approved suite: renamed for the docs"
        )

    def test_refuses_edits_of_an_archived_suite(self, author: Author) -> None:
        suite_id, (login,) = author.a_suite_with_cases("login")
        author.ok("POST", f"/suites/{suite_id}/archive")

        edit = author.call("PATCH", f"/cases/{login}", {"name": "x"})
        add = author.call("POST", f"/suites/{suite_id}/cases", a_case_body("more"))

        assert "archived" in assert_problem(edit, 409, "suite-archived")["detail"]
        assert "archived" in assert_problem(add, 409, "suite-archived")["detail"]


class TestAudit:
    @pytest.fixture(scope="class")
    @classmethod
    def audited(cls, author: Author) -> dict[str, Any]:
        """A suite created, given two cases, reordered with a reason, and renamed; a case of it
        edited twice. The moments between writes are noted."""
        suite_id, (login, create) = author.a_suite_with_cases("login", "create")
        after_adding = datetime.now(UTC)
        author.ok(
            "PUT", f"/suites/{suite_id}/order", {"order": [create, login]}, reason="create first"
        )
        author.ok("PATCH", f"/suites/{suite_id}", {"name": "Pets renamed"}, if_match=4)
        author.ok(
            "PATCH", f"/cases/{login}", {"name": "log in", "tags": ["auth"]}, reason="clearer"
        )
        author.ok("PATCH", f"/cases/{login}", {"expectations": {"expected_status": [201]}})
        return {"suite": suite_id, "login": login, "create": create, "after_adding": after_adding}

    def test_lists_every_event_of_a_suite_with_who_and_why(
        self, author: Author, audited: dict[str, Any]
    ) -> None:
        history = author.ok("GET", f"/suites/{audited['suite']}/history")

        assert [(h["type"], h["version"]) for h in history] == [
            ("TestSuite.Created", 1),
            ("TestSuite.CasesAdded", 2),
            ("TestSuite.CasesAdded", 3),
            ("TestSuite.CasesReordered", 4),
            ("TestSuite.Renamed", 5),
            ("TestSuite.CaseEdited", 6),
            ("TestSuite.CaseEdited", 7),
        ]
        assert (history[3]["reason"], history[3]["user_agent"], history[3]["user_id"]) == (
            "create first",
            AGENT,
            str(author.account.id),
        )

    def test_keeps_a_version_row_per_suite_event(
        self, author: Author, audited: dict[str, Any]
    ) -> None:
        versions = author.read(f"/suites/{audited['suite']}/versions")

        assert [(v["version"], v["change_type"]) for v in versions] == [
            (1, "Created"),
            (2, "CasesAdded"),
            (3, "CasesAdded"),
            (4, "TestOrderChanged"),
            (5, "Renamed"),
            (6, "CaseEdited"),
            (7, "CaseEdited"),
        ]
        assert (
            versions[3]["change_description"]
            == "the execution order was changed by hand (reason: create first)"
        )
        assert versions[3]["order_snapshot"] == [audited["create"], audited["login"]]
        assert (versions[4]["previous_state"]["name"], versions[4]["new_state"]["name"]) == (
            "Pets",
            "Pets renamed",
        )

    def test_replays_a_suite_as_of_a_version(self, author: Author, audited: dict[str, Any]) -> None:
        response = author.call("GET", f"/suites/{audited['suite']}", version=3)

        assert response.status_code == 200, response.text
        assert response.headers["ETag"] == '"3"'
        assert (response.json()["name"], response.json()["execution_order"]) == (
            "Pets",
            [audited["login"], audited["create"]],
        )
        assert_problem(
            author.call("GET", f"/suites/{audited['suite']}", version=99), 404, "not-found"
        )

    def test_replays_a_suite_as_of_a_moment(self, author: Author, audited: dict[str, Any]) -> None:
        url = f"/suites/{audited['suite']}"

        then = author.call("GET", url, at=audited["after_adding"].isoformat())
        before = author.call(
            "GET", url, at=(audited["after_adding"] - timedelta(days=1)).isoformat()
        )

        assert then.status_code == 200, then.text
        assert then.headers["ETag"] == '"3"'
        assert then.json()["execution_order"] == [audited["login"], audited["create"]]
        assert "did not exist yet" in assert_problem(before, 404, "not-found")["detail"]

    def test_reads_a_moment_without_an_offset_as_utc(
        self, author: Author, audited: dict[str, Any]
    ) -> None:
        naive = audited["after_adding"].astimezone(UTC).replace(tzinfo=None).isoformat()

        response = author.call("GET", f"/suites/{audited['suite']}", at=naive)

        assert response.status_code == 200, response.text
        assert response.headers["ETag"] == '"3"'

    def test_diffs_two_versions_of_a_suite(self, author: Author, audited: dict[str, Any]) -> None:
        diff = author.ok("GET", f"/suites/{audited['suite']}/diff", **{"from": 3, "to": 5})

        assert diff == {
            "from": 3,
            "to": 5,
            "changes": [
                {
                    "field": "execution_order",
                    "old": [audited["login"], audited["create"]],
                    "new": [audited["create"], audited["login"]],
                },
                {"field": "name", "old": "Pets", "new": "Pets renamed"},
            ],
        }

    def test_logs_each_changed_field_of_a_case(
        self, author: Author, audited: dict[str, Any]
    ) -> None:
        changes = author.read(f"/cases/{audited['login']}/changes")

        assert [
            (
                c["version"],
                c["field"],
                c["old_value"],
                c["new_value"],
                c["reason"],
            )
            for c in changes
        ] == [
            (2, "order_index", "0", "1", "create first"),
            (3, "name", '"login"', '"log in"', "clearer"),
            (3, "tags", "[]", '["auth"]', "clearer"),
            (4, "expectations", changes[3]["old_value"], changes[3]["new_value"], None),
        ]
        assert json.loads(changes[3]["new_value"])["expected_status"] == [201]
        assert {(c["user_agent"], c["changed_by"]) for c in changes} == {
            (AGENT, str(author.account.id))
        }

    def test_diffs_two_versions_of_a_case(self, author: Author, audited: dict[str, Any]) -> None:
        diff = author.ok("GET", f"/cases/{audited['login']}/diff", **{"from": 1, "to": 3})

        assert diff["changes"] == [
            {"field": "name", "old": "login", "new": "log in"},
            {"field": "order_index", "old": 0, "new": 1},
            {"field": "tags", "old": [], "new": ["auth"]},
        ]

    def test_replays_a_case_as_of_a_version(self, author: Author, audited: dict[str, Any]) -> None:
        response = author.call("GET", f"/cases/{audited['login']}", version=1)

        assert (response.json()["name"], response.json()["version"], response.headers["ETag"]) == (
            "login",
            1,
            '"1"',
        )


class TestGenerateSuite:
    @pytest.fixture(scope="class")
    @classmethod
    def generated(cls, http_runtime: Runtime, author: Author) -> dict[str, Any]:
        """A suite generated by rules from the petstore, the project's active specification."""
        project_id = a_project(author.client, author.account, base_url="").json()["id"]
        uploaded = author.client.post(
            f"/projects/{project_id}/specs",
            files={"file": ("petstore-3.0.yaml", PETSTORE.read_bytes(), "application/yaml")},
            headers=author.account.auth,
        )
        assert uploaded.status_code == 202, uploaded.text
        assert http_runtime.apidoc.parse_specification(UUID(uploaded.json()["id"])) == "Success"
        response = author.call(
            "POST", f"/projects/{project_id}/suites/generate", {"name": "Generated petstore"}
        )
        assert response.status_code == 201, response.text
        suite: dict[str, Any] = response.json()
        return suite

    def test_waits_for_review_with_a_system_proposal(
        self, author: Author, generated: dict[str, Any]
    ) -> None:
        assert (
            generated["generation_type"],
            generated["approval_status"],
            generated["status"],
        ) == (
            "Auto",
            "PendingReview",
            "Draft",
        )
        (proposal,) = author.read(f"/suites/{generated['id']}/proposals")
        assert (proposal["source"], proposal["status"]) == ("System", "Pending")
        assert [
            p["case_id"] for p in sorted(proposal["proposed_order"], key=lambda p: p["position"])
        ] == (generated["execution_order"])

    def test_logs_in_first(self, author: Author, generated: dict[str, Any]) -> None:
        cases = author.read(f"/suites/{generated['id']}/cases")

        assert cases[0]["id"] == generated["execution_order"][0]
        assert (cases[0]["endpoint_key"], cases[0]["test_type"]) == (
            "POST /auth/login",
            "HappyPath",
        )
        assert (cases[0]["request"]["method"], cases[0]["request"]["url"]) == (
            "POST",
            "/auth/login",
        )
        assert {c["endpoint_key"] for c in cases} >= {
            "POST /auth/login",
            "GET /pets",
            "POST /pets",
            "GET /pets/{petId}",
            "PUT /pets/{petId}",
            "DELETE /pets/{petId}",
        }

    def test_has_concrete_boundary_cases_for_the_length_of_a_pets_name(
        self, author: Author, generated: dict[str, Any]
    ) -> None:
        cases = author.read(f"/suites/{generated['id']}/cases")
        boundaries = {
            c["name"]: c["request"]["body"]["name"]
            for c in cases
            if c["endpoint_key"] == "POST /pets"
            and c["test_type"] == "Boundary"
            and "name at" in c["name"]
        }

        lengths = {
            "minLength-1 is refused": 0,
            "minLength is accepted": 1,
            "maxLength is accepted": 50,
            "maxLength+1 is refused": 51,
        }
        kept = {name.split("name at ")[1]: len(value) for name, value in boundaries.items()}
        assert kept and all(lengths[title] == length for title, length in kept.items())
        # The budget is shared with the other fields: what it left out, the report names.
        report = author.read(f"/suites/{generated['id']}/generation-report")
        create = next(o for o in report["operations"] if o["endpoint_key"] == "POST /pets")
        dropped = {item["case"] for item in create["dropped"]}
        for title in set(lengths) - set(kept):
            assert f"boundary:name:{title.split(' ')[0]}" in dropped
        refused = [c for c in cases if c["name"].endswith("is refused") and "name at" in c["name"]]
        for case in refused:
            assert all(400 <= status < 500 for status in case["expectations"]["expected_status"])

    def test_keeps_a_generation_report_readable_through_the_api(
        self, author: Author, generated: dict[str, Any], stranger: Account
    ) -> None:
        report = author.read(f"/suites/{generated['id']}/generation-report")

        operations = {item["endpoint_key"]: item for item in report["operations"]}
        create = operations["POST /pets"]
        assert any(rule.startswith("name: ") for rule in create["rules"])
        assert create["kept"] and create["kept"][0]["case"] == "happy"
        assert create["kept_count"] == len(create["kept"])
        assert all(item["reason"] for item in create["dropped"])
        assert report["truncated"] is False
        hidden = author.client.get(
            f"/suites/{generated['id']}/generation-report", headers=stranger.auth
        )
        assert hidden.status_code == 404

    def test_a_suite_written_by_hand_has_no_generation_report(self, author: Author) -> None:
        response = author.call("GET", f"/suites/{author.a_suite()}/generation-report")

        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    def test_approves_the_generated_order_as_proposed(
        self, author: Author, generated: dict[str, Any]
    ) -> None:
        suite_id = generated["id"]

        approved = author.ok(
            "POST", f"/suites/{suite_id}/proposals/1/approve", {"notes": "generated order is fine"}
        )

        assert (approved["approval_status"], approved["status"]) == ("Approved", "Ready")
        assert approved["execution_order"] == generated["execution_order"]

    def test_refuses_a_project_without_an_active_specification(self, author: Author) -> None:
        response = author.call(
            "POST", f"/projects/{author.project_id}/suites/generate", {"name": "Nothing to read"}
        )

        assert (
            "no active specification"
            in assert_problem(response, 409, "no-active-specification")["detail"]
        )


class TestAnotherUsersSuites:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/suites/{suite}"),
            ("GET", "/suites/{suite}/cases"),
            ("GET", "/suites/{suite}/history"),
            ("GET", "/suites/{suite}/versions"),
            ("POST", "/suites/{suite}/proposals"),
            ("GET", "/cases/{case}"),
            ("PATCH", "/cases/{case}"),
            ("GET", "/cases/{case}/changes"),
            ("DELETE", "/cases/{case}"),
            ("GET", "/projects/{project}/suites"),
        ],
    )
    def test_are_not_found(self, author: Author, stranger: Account, method: str, path: str) -> None:
        suite_id, (case_id,) = author.a_suite_with_cases("private")
        url = path.format(suite=suite_id, case=case_id, project=author.project_id)

        response = author.client.request(
            method, url, json={} if method == "PATCH" else None, headers=stranger.auth
        )

        assert_problem(response, 404, "not-found")


@pytest.fixture(scope="module")
def second_client(http_runtime: Runtime) -> Iterator[TestClient]:
    """Another client of the same deployment, sending requests at the same time."""
    with TestClient(create_app(http_runtime), raise_server_exceptions=False) as test_client:
        yield test_client


class TestConcurrentEdits:
    def test_two_clients_editing_the_same_version_lose_no_update(
        self, author: Author, second_client: TestClient
    ) -> None:
        _, (case_id,) = author.a_suite_with_cases("contended")
        start = threading.Barrier(2, timeout=10)
        results: dict[str, httpx.Response] = {}

        def edit(client: TestClient, name: str) -> None:
            start.wait()
            results[name] = client.patch(
                f"/cases/{case_id}", json={"name": name}, headers=author.headers(if_match=1)
            )

        threads = [
            threading.Thread(target=edit, args=(author.client, "first")),
            threading.Thread(target=edit, args=(second_client, "second")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        statuses = sorted(r.status_code for r in results.values())
        # Both sent If-Match: the loser fails its precondition, however it lost (RFC 9110).
        assert statuses == [200, 412], [r.text for r in results.values()]
        (winner,) = [name for name, r in results.items() if r.status_code == 200]
        (loser,) = [r for r in results.values() if r.status_code != 200]
        assert_problem(loser, 412, "version-mismatch")
        assert loser.headers["ETag"] == '"2"'
        case = author.read(f"/cases/{case_id}")
        assert (case["name"], case["version"]) == (winner, 2)
        changes = author.read(f"/cases/{case_id}/changes")
        assert [(c["field"], json.loads(c["new_value"])) for c in changes] == [("name", winner)]


class TestReviewers:
    """A per-project reviewer claim (`testament:project-reviewer` = the project's id) lets
    someone other than the owner review that project's proposals, checked at review time."""

    REVIEWER = "testament:project-reviewer"

    def test_a_reviewer_reviews_their_project_only_and_loses_the_right_with_the_claim(
        self, client: TestClient, http_runtime: Runtime, project_all: Callable[[], None]
    ) -> None:
        owner_a = Author(client, an_account(client), project_all)
        owner_b = Author(client, an_account(client), project_all)
        reviewer = an_account(client)
        http_runtime.identity.add_user_claim(
            reviewer.id, self.REVIEWER, owner_a.project_id, meta=system_meta()
        )
        suite_a, (login, create) = owner_a.a_suite_with_cases("login", "create")
        suite_b, _ = owner_b.a_suite_with_cases("login")
        number_a, number_b = owner_a.propose(suite_a), owner_b.propose(suite_b)

        def review(suite_id: str, number: int, action: str, body: Any) -> httpx.Response:
            response: httpx.Response = client.post(
                f"/suites/{suite_id}/proposals/{number}/{action}", json=body, headers=reviewer.auth
            )
            return response

        listed = client.get(f"/suites/{suite_a}/proposals", headers=reviewer.auth)
        unlisted = client.get(f"/suites/{suite_b}/proposals", headers=reviewer.auth)
        assert [p["number"] for p in listed.json()] == [number_a], listed.text
        assert_problem(unlisted, 404, "not-found")

        approved = review(suite_a, number_a, "approve", {"notes": "reviewed"})
        foreign = review(suite_b, number_b, "approve", {})

        assert approved.status_code == 200, approved.text
        assert (approved.json()["approval_status"], approved.json()["approved_by"]) == (
            "Approved",
            str(reviewer.id),
        )
        assert_problem(foreign, 404, "not-found")
        assert owner_b.read(f"/suites/{suite_b}")["approval_status"] == "PendingReview"

        owner_a.ok("PUT", f"/suites/{suite_a}/order", {"order": [create, login]})
        again = owner_a.propose(suite_a)
        modified = review(suite_a, again, "modify", {"order": [login, create]})
        assert modified.status_code == 200, modified.text
        assert modified.json()["approval_status"] == "ModifiedAndApproved"

        owner_a.ok("PUT", f"/suites/{suite_a}/order", {"order": [create, login]})
        third = owner_a.propose(suite_a)
        http_runtime.identity.remove_user_claim(
            reviewer.id, self.REVIEWER, owner_a.project_id, meta=system_meta()
        )
        project_all()

        assert_problem(review(suite_a, third, "reject", {}), 404, "not-found")
        assert_problem(
            client.get(f"/suites/{suite_a}/proposals", headers=reviewer.auth), 404, "not-found"
        )
        assert owner_a.read(f"/suites/{suite_a}")["approval_status"] == "PendingReview"

    def test_a_role_claim_makes_every_holder_of_the_role_a_reviewer(
        self, client: TestClient, http_runtime: Runtime, author: Author
    ) -> None:
        suite_id, _ = author.a_suite_with_cases("login")
        number = author.propose(suite_id)
        reviewer = an_account(client)
        project_reviewer_role = Role.USER
        http_runtime.identity.add_role_claim(
            project_reviewer_role, self.REVIEWER, author.project_id, meta=system_meta()
        )
        try:
            author.project_all()
            rejected = client.post(
                f"/suites/{suite_id}/proposals/{number}/reject",
                json={"notes": "no"},
                headers=reviewer.auth,
            )
        finally:
            http_runtime.identity.remove_role_claim(
                project_reviewer_role, self.REVIEWER, author.project_id, meta=system_meta()
            )
            author.project_all()

        assert rejected.status_code == 200, rejected.text
        assert rejected.json()["approval_status"] == "Rejected"
