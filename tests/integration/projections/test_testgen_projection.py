"""The testgen projection on real PostgreSQL: suite versions and per-field case change logs,
from a scripted review story, then a rebuild from position zero that must come out equal."""

import itertools
import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import pytest

from application.apidoc.commands import CreateProject
from application.testgen.commands import (
    AddTestCase,
    CreateSuite,
    EditTestCase,
    RenameSuite,
    ReviewProposal,
    SetCaseEnabled,
    SetDependencies,
    SuiteCommand,
)
from domain.shared.meta import Meta
from infrastructure.projections.catalog import read_model
from infrastructure.projections.rebuild import rebuild
from interfaces.bootstrap import Runtime

REASON = "the token moved to a cookie"
NEW_EXPECTATIONS = {
    "expected_status": [204],
    "response_schema": None,
    "header_checks": [{"name": "Set-Cookie", "operator": "present", "expected": None}],
    "body_contains": [],
    "body_not_contains": [],
    "jsonpath_checks": [],
    "max_response_time_ms": None,
}
OLD_EXPECTATIONS = {
    "expected_status": [200],
    "response_schema": None,
    "header_checks": [],
    "body_contains": [],
    "body_not_contains": [],
    "jsonpath_checks": [],
    "max_response_time_ms": None,
}


@dataclass(frozen=True)
class Story:
    """What the scripted commands created, and who issued them from where."""

    owner: UUID
    suite_id: UUID
    login: UUID
    create: UUID
    listing: UUID


def a_meta(owner: UUID, reason: str | None = None, agent: str = "projection-test/1.0") -> Meta:
    return Meta(
        user_id=str(owner),
        ip="198.51.100.23",
        user_agent=agent,
        correlation_id=uuid4().hex,
        reason=reason,
    )


def fields_of(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "test_type": "HappyPath",
        "priority": "High",
        "request": {"method": "GET", "url": f"/{name}"},
        "expectations": {"expected_status": [200]},
    }


def tell_the_story(runtime: Runtime) -> Story:
    """This function will create a suite of three cases, review it, edit it after approval with
    a reason, modify-and-approve the new proposal, disable a case and rename the suite."""
    owner = uuid4()
    testgen = runtime.testgen
    project_id = runtime.apidoc.create_project(
        CreateProject(
            owner_id=owner, name="Projection", description="", base_url="", meta=a_meta(owner)
        )
    ).aggregate_id
    suite_id = testgen.create_suite(
        CreateSuite(
            project_id=project_id,
            requester_id=owner,
            name="Pets",
            description="",
            meta=a_meta(owner),
        )
    ).aggregate_id  # suite 1

    def add(name: str) -> UUID:
        command = AddTestCase(
            suite_id=suite_id, requester_id=owner, fields=fields_of(name), meta=a_meta(owner)
        )
        return testgen.add_test_case(command).aggregate_id

    def review(number: int, action: str, order: list[UUID] | None = None) -> None:
        command = ReviewProposal(
            suite_id=suite_id,
            requester_id=owner,
            meta=a_meta(owner),
            number=number,
            notes=action,
            order=order,
        )
        testgen.review_proposal(command, action)

    login, create, listing = add("login"), add("create"), add("list")  # suite 2, 3, 4
    testgen.set_dependencies(
        SetDependencies(case_id=create, requester_id=owner, meta=a_meta(owner), depends_on=[login])
    )  # suite 5
    testgen.request_proposal(
        SuiteCommand(suite_id=suite_id, requester_id=owner, meta=a_meta(owner))
    )  # 6
    review(1, "approve")  # suite 7
    testgen.edit_test_case(
        EditTestCase(
            case_id=login,
            requester_id=owner,
            values={"name": "log in", "expectations": NEW_EXPECTATIONS},
            meta=a_meta(owner, REASON, agent="browser/2.0"),
            expected_version=1,
        )
    )  # suite 8 (CaseEdited), 9 (System proposal)
    review(2, "modify", [login, listing, create])  # suite 10
    testgen.set_case_enabled(
        SetCaseEnabled(case_id=listing, requester_id=owner, meta=a_meta(owner), enabled=False)
    )  # suite 11, 12
    testgen.rename_suite(
        RenameSuite(
            suite_id=suite_id,
            requester_id=owner,
            meta=a_meta(owner, "clearer name"),
            name="Pets reviewed",
            description="",
        )
    )  # suite 13
    return Story(owner, suite_id, login, create, listing)


@pytest.fixture(scope="module")
def story(runtime: Runtime) -> Story:
    told = tell_the_story(runtime)
    for runner in runtime.runners((read_model("testgen"),)):
        runner.catch_up()
    return told


def select(runtime: Runtime, sql: str, *params: Any) -> list[dict[str, Any]]:
    with runtime.pool.connection() as conn:
        return [dict(row) for row in conn.execute(sql, params).fetchall()]


@pytest.fixture(scope="module")
def versions(runtime: Runtime, story: Story) -> list[dict[str, Any]]:
    return select(
        runtime,
        "SELECT * FROM testgen.test_suite_versions WHERE test_suite_id = %s ORDER BY version_number",
        story.suite_id,
    )


def change_logs(runtime: Runtime, case_id: UUID) -> list[dict[str, Any]]:
    return select(
        runtime,
        "SELECT * FROM testgen.test_case_change_logs WHERE test_case_id = %s"
        " ORDER BY version_after_change, field_name",
        case_id,
    )


def differing(row: dict[str, Any]) -> set[str]:
    before, after = row["previous_state"], row["new_state"]
    return {key for key in set(before) | set(after) if before.get(key) != after.get(key)}


class TestSuiteVersions:
    def test_has_one_row_per_suite_event_numbered_by_aggregate_version(
        self, runtime: Runtime, story: Story, versions: list[dict[str, Any]]
    ) -> None:
        suite = runtime.testgen.suite(story.suite_id, story.owner)

        assert [v["version_number"] for v in versions] == list(range(1, suite.version + 1))
        assert [v["change_type"] for v in versions] == [
            "Created",
            "CasesAdded",
            "CasesAdded",
            "CasesAdded",
            "DependencyChanged",
            "OrderProposed",
            "ProposalApproved",
            "CaseEdited",
            "OrderProposed",
            "ProposalModified",
            "CaseEdited",
            "OrderProposed",
            "Renamed",
        ]
        assert {v["changed_by_id"] for v in versions} == {story.owner}
        assert all(v["new_state"]["version"] == v["version_number"] for v in versions)

    def test_describes_each_change_readably_with_its_reason(
        self, story: Story, versions: list[dict[str, Any]]
    ) -> None:
        descriptions = {v["version_number"]: v["change_description"] for v in versions}

        assert descriptions[1] == "suite 'Pets' created (Manual)"
        assert descriptions[2] == "1 test case(s) added"
        assert descriptions[5] == f"test case {story.create} now depends on {story.login}"
        assert descriptions[6] == (
            "proposal 1 (User) submitted for review: the current order, proposed for review"
        )
        assert descriptions[7] == "proposal 1 approved as proposed"
        assert descriptions[8] == (
            f"test case {story.login} changed: name, expectations (reason: {REASON})"
        )
        assert descriptions[9] == (
            "proposal 2 (System) submitted for review: re-review after an edit of the approved"
            f" suite: {REASON} (reason: {REASON})"
        )
        assert descriptions[10] == "proposal 2 approved with a modified order"
        assert descriptions[11] == f"test case {story.listing} changed: enabled"
        assert descriptions[13] == "renamed to 'Pets reviewed' (reason: clearer name)"

    def test_keeps_states_that_differ_exactly_by_what_changed(
        self, versions: list[dict[str, Any]]
    ) -> None:
        assert versions[0]["previous_state"] is None
        assert [sorted(differing(v)) for v in versions[1:]] == [
            ["version"],  # 2 CasesAdded
            ["version"],  # 3 CasesAdded
            ["version"],  # 4 CasesAdded
            ["version"],  # 5 DependencyChanged
            ["approval_status", "version"],  # 6 OrderProposed
            ["approval_status", "approved_at", "approved_by_id", "status", "version"],  # 7
            ["version"],  # 8 CaseEdited
            ["approval_status", "status", "version"],  # 9 OrderProposed (System)
            ["approval_status", "approved_at", "status", "version"],  # 10 ProposalModified
            ["version"],  # 11 CaseEdited
            ["approval_status", "status", "version"],  # 12 OrderProposed (System)
            ["name", "version"],  # 13 Renamed
        ]
        assert [v["new_state"]["approval_status"] for v in versions[5:10]] == [
            "PendingReview",
            "Approved",
            "Approved",
            "PendingReview",
            "ModifiedAndApproved",
        ]
        assert (versions[12]["previous_state"]["name"], versions[12]["new_state"]["name"]) == (
            "Pets",
            "Pets reviewed",
        )

    def test_chains_each_previous_state_to_the_state_before_it(
        self, versions: list[dict[str, Any]]
    ) -> None:
        for earlier, later in itertools.pairwise(versions):
            assert later["previous_state"] == earlier["new_state"]

    def test_snapshots_the_case_order_and_the_approval_status_at_each_version(
        self, story: Story, versions: list[dict[str, Any]]
    ) -> None:
        login, create, listing = str(story.login), str(story.create), str(story.listing)
        snapshots = [
            (v["test_case_order_snapshot"], v["approval_status_snapshot"]) for v in versions
        ]

        assert snapshots == [
            ([], "NotApplicable"),
            ([login], "NotApplicable"),
            ([login, create], "NotApplicable"),
            ([login, create, listing], "NotApplicable"),
            ([login, create, listing], "NotApplicable"),
            ([login, create, listing], "PendingReview"),
            ([login, create, listing], "Approved"),
            ([login, create, listing], "Approved"),
            ([login, create, listing], "PendingReview"),
            ([login, listing, create], "ModifiedAndApproved"),
            ([login, listing, create], "ModifiedAndApproved"),
            ([login, listing, create], "PendingReview"),
            ([login, listing, create], "PendingReview"),
        ]

    def test_ends_on_the_state_of_the_suite_row(
        self, runtime: Runtime, story: Story, versions: list[dict[str, Any]]
    ) -> None:
        (row,) = select(runtime, "SELECT * FROM testgen.test_suites WHERE id = %s", story.suite_id)

        assert (row["name"], row["approval_status"], row["status"], row["version"]) == (
            "Pets reviewed",
            "PendingReview",
            "Draft",
            13,
        )
        assert versions[-1]["new_state"]["approval_status"] == row["approval_status"]
        assert versions[-1]["new_state"]["approved_by_id"] == str(story.owner)


class TestCaseChangeLogs:
    def test_has_one_row_per_changed_field_with_old_and_new_values_and_the_reason(
        self, runtime: Runtime, story: Story
    ) -> None:
        logs = change_logs(runtime, story.login)

        assert [
            (
                r["version_after_change"],
                r["change_type"],
                r["field_name"],
                r["old_value"],
                r["new_value"],
                r["change_reason"],
            )
            for r in logs
        ] == [
            (
                2,
                "DetailsChanged",
                "name",
                json.dumps("login"),
                json.dumps("log in"),
                REASON,
            ),
            (
                3,
                "ExpectationsChanged",
                "expectations",
                json.dumps(OLD_EXPECTATIONS, sort_keys=True),
                json.dumps(NEW_EXPECTATIONS, sort_keys=True),
                REASON,
            ),
            (4, "CustomOrderSet", "custom_order_index", None, "0", None),
            (4, "CustomOrderSet", "is_order_customized", "false", "true", None),
        ]

    def test_records_who_changed_a_field_and_from_where(
        self, runtime: Runtime, story: Story
    ) -> None:
        logs = change_logs(runtime, story.login)

        assert {(r["changed_by_id"], r["ip_address"]) for r in logs} == {
            (story.owner, "198.51.100.23")
        }
        assert [r["user_agent"] for r in logs] == [
            "browser/2.0",
            "browser/2.0",
            "projection-test/1.0",
            "projection-test/1.0",
        ]

    def test_logs_a_cases_dependencies_and_its_custom_place(
        self, runtime: Runtime, story: Story
    ) -> None:
        create = [
            (r["version_after_change"], r["field_name"], r["old_value"], r["new_value"])
            for r in change_logs(runtime, story.create)
        ]

        assert create == [
            (2, "depends_on", "[]", json.dumps([str(story.login)])),
            (3, "custom_order_index", None, "2"),
            (3, "is_order_customized", "false", "true"),
        ]

    def test_has_a_row_for_every_change_of_every_case_event(
        self, runtime: Runtime, story: Story
    ) -> None:
        for case_id in (story.login, story.create, story.listing):
            expected = [
                (e.originator_version, change["field"])
                for e in runtime.testgen.events.get(case_id)
                if hasattr(e, "changes")
                for change in e.changes
            ]
            logged = [
                (r["version_after_change"], r["field_name"]) for r in change_logs(runtime, case_id)
            ]
            assert sorted(logged) == sorted(expected)

    def test_keeps_the_case_rows_in_step_with_the_aggregates(
        self, runtime: Runtime, story: Story
    ) -> None:
        rows = {
            r["id"]: r
            for r in select(
                runtime,
                "SELECT * FROM testgen.test_cases WHERE test_suite_id = %s",
                story.suite_id,
            )
        }

        for case_id in (story.login, story.create, story.listing):
            case = runtime.testgen.case(case_id, story.owner)
            row = rows[case_id]
            assert (row["name"], row["is_enabled"], row["version"]) == (
                case.name,
                case.enabled,
                case.version,
            )
            assert (row["order_index"], row["custom_order_index"], row["is_order_customized"]) == (
                case.order_index,
                case.custom_order_index,
                case.is_order_customized,
            )


class TestRebuildTestgen:
    def test_replays_the_log_into_tables_equal_to_the_live_ones(
        self, runtime: Runtime, story: Story
    ) -> None:
        report = rebuild(runtime.pool, runtime.applications(), "testgen")

        assert report.equal, [
            t for t in report.tables if t.differing or t.live_rows != t.rebuilt_rows
        ]
        counted = {t.name: t.live_rows for t in report.tables}
        assert counted["test_suite_versions"] >= 13
        assert counted["test_case_change_logs"] >= 10
        assert not report.applied
