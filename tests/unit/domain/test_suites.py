"""The TestSuite aggregate: its cases' order and dependencies, and the review of that order."""

from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest

from domain.shared.errors import ConflictError, DomainError, InvalidValueError, NotFoundError
from domain.shared.meta import Meta
from domain.suites.enums import ApprovalStatus, ProposalSource, SuiteStatus
from domain.suites.model import CaseNotInSuiteError, TestSuite
from tests.unit.builders import a_meta, replay

REVIEWER = uuid4()
REVIEWED_AT = "2026-03-02T10:00:00+00:00"
CASE_NAMES = ("login", "create", "read", "update", "delete")


def a_suite(
    *, name: str = "Pets CRUD", description: str = "", meta: Meta | None = None
) -> TestSuite:
    return TestSuite.start(
        project_id=uuid4(),
        api_spec_id=None,
        name=name,
        description=description,
        generation_type="Manual",
        selected_endpoint_ids=[],
        meta=meta or a_meta(user_id=REVIEWER),
    )


def a_suite_with_cases(count: int, **dependencies: list[str]) -> TestSuite:
    """This function will build a suite whose cases are named login, create, read, ... in that
    order, each depending on the cases given for it by name."""
    suite = a_suite()
    suite.add_cases(
        [{"id": name, "depends_on": dependencies.get(name, [])} for name in CASE_NAMES[:count]],
        meta=a_meta(),
    )
    return suite


def as_proposal(order: list[str]) -> list[dict[str, Any]]:
    return [
        {"case_id": case_id, "position": i, "reason": "by hand"} for i, case_id in enumerate(order)
    ]


def a_proposal(suite: TestSuite, order: list[str] | None = None) -> int:
    return suite.propose_order(
        as_proposal(order if order is not None else suite.execution_order()),
        source=ProposalSource.USER,
        reasoning="the current order, proposed for review",
        considered_factors=["dependencies"],
        meta=a_meta(),
    )


def an_approved_suite(count: int, **dependencies: list[str]) -> TestSuite:
    suite = a_suite_with_cases(count, **dependencies)
    suite.approve(a_proposal(suite), notes="", reviewed_at=REVIEWED_AT, meta=a_meta())
    return suite


def review_meta(reason: str | None = None) -> Meta:
    return a_meta(user_id=REVIEWER, reason=reason)


def indexes(suite: TestSuite) -> dict[str, tuple[int, int | None]]:
    return {c["id"]: (c["order_index"], c["custom_order_index"]) for c in suite.cases}


def proposal_statuses(suite: TestSuite) -> list[tuple[int, str, str]]:
    return [(p["number"], p["source"], p["status"]) for p in suite.proposals]


def last_event(suite: TestSuite) -> Any:
    return suite.collect_events()[-1]


class TestStartSuite:
    def test_starts_as_an_empty_draft_that_needs_no_review(self) -> None:
        suite = a_suite(name="  Pets CRUD ", description=" every pet endpoint ")

        assert (suite.name, suite.description) == ("Pets CRUD", "every pet endpoint")
        assert (suite.status, suite.approval_status) == (
            SuiteStatus.DRAFT,
            ApprovalStatus.NOT_APPLICABLE,
        )
        assert (suite.cases, suite.proposals, suite.version) == ([], [], 1)
        assert suite.created_by == str(REVIEWER)

    @pytest.mark.parametrize(
        ("field", "values"),
        [
            ("name", {"name": "  "}),
            ("name", {"name": "n" * 201}),
            ("description", {"description": "d" * 4001}),
        ],
    )
    def test_refuses_a_bad_name_or_description_naming_the_field(
        self, field: str, values: dict[str, Any]
    ) -> None:
        with pytest.raises(InvalidValueError) as refused:
            a_suite(**values)

        assert refused.value.field == field

    def test_is_not_runnable_until_it_has_cases(self) -> None:
        suite = a_suite()

        assert suite.is_runnable()
        assert suite.why_not_runnable() == "the suite has no test cases"


class TestAddCases:
    def test_appends_cases_at_the_end_of_the_order(self) -> None:
        suite = a_suite_with_cases(2)

        suite.add_cases([{"id": "read", "depends_on": ["create"]}], meta=a_meta())

        assert suite.execution_order() == ["login", "create", "read"]
        assert indexes(suite) == {"login": (0, None), "create": (1, None), "read": (2, None)}
        assert suite.dependencies()["read"] == ["create"]
        added = last_event(suite)
        assert isinstance(added, TestSuite.CasesAdded)
        assert added.cases == [
            {"id": "read", "order_index": 2, "custom_order_index": None, "depends_on": ["create"]}
        ]

    def test_keeps_an_order_index_given_with_a_case(self) -> None:
        suite = a_suite()

        suite.add_cases(
            [{"id": "create", "order_index": 1}, {"id": "login", "order_index": 0}], meta=a_meta()
        )

        assert suite.execution_order() == ["login", "create"]

    @pytest.mark.parametrize(
        "entries",
        [
            [{"id": "login"}],
            [{"id": "new"}, {"id": "new"}],
        ],
    )
    def test_refuses_a_case_added_twice(self, entries: list[dict[str, Any]]) -> None:
        suite = a_suite_with_cases(1)

        with pytest.raises(ConflictError, match="added twice"):
            suite.add_cases(entries, meta=a_meta())

        assert suite.case_ids() == ["login"]

    def test_refuses_a_dependency_on_a_case_of_another_suite(self) -> None:
        other_suites_case = str(uuid4())
        suite = a_suite_with_cases(1)

        with pytest.raises(InvalidValueError) as refused:
            suite.add_cases([{"id": "create", "depends_on": [other_suites_case]}], meta=a_meta())

        assert refused.value.field == "depends_on"
        assert "case create depends on cases outside this suite" in refused.value.message

    def test_refuses_new_cases_that_depend_on_each_other_in_a_loop_naming_it(self) -> None:
        suite = a_suite()

        with pytest.raises(InvalidValueError) as refused:
            suite.add_cases(
                [
                    {"id": "create", "depends_on": ["read"]},
                    {"id": "read", "depends_on": ["create"]},
                ],
                meta=a_meta(),
            )

        assert refused.value.field == "depends_on"
        assert "cycle: create -> read -> create" in refused.value.message
        assert suite.cases == []


class TestSetDependencies:
    def test_records_what_a_case_depends_on_without_duplicates(self) -> None:
        suite = a_suite_with_cases(3)

        suite.set_dependencies("read", ["login", "create", "login"], meta=a_meta())

        assert suite.dependencies() == {"login": [], "create": [], "read": ["login", "create"]}
        changed = last_event(suite)
        assert isinstance(changed, TestSuite.DependencyChanged)
        assert (changed.case_id, changed.depends_on) == ("read", ["login", "create"])

    def test_refuses_a_dependency_on_a_case_of_another_suite_naming_it(self) -> None:
        other = a_suite_with_cases(1)
        suite = a_suite_with_cases(2)
        foreign = f"{other.id}:login"

        with pytest.raises(CaseNotInSuiteError) as refused:
            suite.set_dependencies("create", [foreign], meta=a_meta())

        assert foreign in refused.value.message
        assert suite.dependencies()["create"] == []

    def test_refuses_a_cycle_naming_the_loop(self) -> None:
        suite = a_suite_with_cases(3, create=["login"], read=["create"])
        suite.collect_events()

        with pytest.raises(InvalidValueError) as refused:
            suite.set_dependencies("login", ["read"], meta=a_meta())

        assert refused.value.field == "depends_on"
        assert "cycle: login -> read -> create -> login" in refused.value.message
        assert suite.dependencies()["login"] == []
        assert suite.collect_events() == []

    def test_refuses_a_case_depending_on_itself(self) -> None:
        suite = a_suite_with_cases(2)

        with pytest.raises(InvalidValueError, match="cycle: create -> create"):
            suite.set_dependencies("create", ["create"], meta=a_meta())

    def test_refuses_a_dependency_on_a_case_that_runs_later(self) -> None:
        suite = a_suite_with_cases(3)

        with pytest.raises(InvalidValueError) as refused:
            suite.set_dependencies("login", ["read"], meta=a_meta())

        assert refused.value.field == "order"
        assert "case login depends on case read, which the order runs after it" in str(
            refused.value
        )

    def test_refuses_a_case_that_is_not_in_the_suite(self) -> None:
        suite = a_suite_with_cases(2)

        with pytest.raises(NotFoundError, match="case ghost is not in this suite"):
            suite.set_dependencies("ghost", ["login"], meta=a_meta())


class TestRemoveCase:
    def test_refuses_to_remove_a_case_others_depend_on_naming_them(self) -> None:
        suite = a_suite_with_cases(3, create=["login"], read=["login"])

        with pytest.raises(ConflictError) as refused:
            suite.remove_case("login", meta=a_meta())

        assert "['create', 'read'] depend on case login" in refused.value.message
        assert suite.case_ids() == ["login", "create", "read"]

    def test_removes_a_case_once_nothing_depends_on_it(self) -> None:
        suite = a_suite_with_cases(2, create=["login"])
        suite.set_dependencies("create", [], meta=a_meta())

        suite.remove_case("login", meta=a_meta())

        assert suite.case_ids() == ["create"]
        removed = last_event(suite)
        assert isinstance(removed, TestSuite.CaseRemoved)
        assert removed.case_id == "login"

    def test_refuses_a_case_that_is_not_in_the_suite(self) -> None:
        with pytest.raises(NotFoundError):
            a_suite_with_cases(1).remove_case("ghost", meta=a_meta())


class TestReorder:
    def test_sets_each_order_index_from_the_given_order(self) -> None:
        suite = a_suite_with_cases(3)

        suite.reorder(["read", "login", "create"], meta=a_meta())

        assert indexes(suite) == {"login": (1, None), "create": (2, None), "read": (0, None)}
        assert suite.execution_order() == ["read", "login", "create"]

    def test_clears_a_reviewers_custom_order(self) -> None:
        suite = a_suite_with_cases(3)
        suite.modify_and_approve(
            a_proposal(suite),
            ["create", "read", "login"],
            notes="",
            reviewed_at=REVIEWED_AT,
            meta=review_meta(),
        )

        suite.reorder(["read", "create", "login"], meta=a_meta())

        assert {case_id: custom for case_id, (_, custom) in indexes(suite).items()} == {
            "login": None,
            "create": None,
            "read": None,
        }
        assert suite.execution_order() == ["read", "create", "login"]

    def test_refuses_an_order_that_runs_a_dependency_later(self) -> None:
        suite = a_suite_with_cases(3, read=["create"])
        suite.collect_events()

        with pytest.raises(InvalidValueError) as refused:
            suite.reorder(["read", "create", "login"], meta=a_meta())

        assert refused.value.field == "order"
        assert "case read depends on case create" in refused.value.message
        assert suite.execution_order() == ["login", "create", "read"]
        assert suite.collect_events() == []

    @pytest.mark.parametrize(
        ("order", "message"),
        [
            (["login", "create"], "leaves out cases: ['read']"),
            (["login", "create", "read", "login"], "more than once"),
            (["login", "create", "read", "ghost"], "not cases of this suite: ['ghost']"),
        ],
    )
    def test_refuses_an_order_that_is_not_every_case_once(
        self, order: list[str], message: str
    ) -> None:
        suite = a_suite_with_cases(3)

        with pytest.raises(DomainError) as refused:
            suite.reorder(order, meta=a_meta())

        assert message in refused.value.message


class TestProposeOrder:
    def test_puts_the_suite_in_review_with_a_numbered_pending_proposal(self) -> None:
        suite = an_approved_suite(2)

        number = a_proposal(suite, ["create", "login"])

        assert number == 2
        assert suite.approval_status == ApprovalStatus.PENDING_REVIEW
        assert suite.status == SuiteStatus.DRAFT
        assert not suite.is_runnable()
        assert "PendingReview" in (suite.why_not_runnable() or "")
        assert suite.pending_proposal() == {
            "number": 2,
            "source": "User",
            "status": "Pending",
            "proposed_order": as_proposal(["create", "login"]),
        }

    def test_supersedes_an_earlier_pending_proposal(self) -> None:
        suite = a_suite_with_cases(2)
        a_proposal(suite)

        a_proposal(suite, ["create", "login"])

        assert proposal_statuses(suite) == [(1, "User", "Rejected"), (2, "User", "Pending")]

    def test_refuses_a_proposal_that_runs_a_dependency_later(self) -> None:
        suite = a_suite_with_cases(2, create=["login"])

        with pytest.raises(InvalidValueError, match="case create depends on case login"):
            a_proposal(suite, ["create", "login"])

        assert suite.proposals == []

    def test_refuses_a_proposal_that_leaves_a_case_out(self) -> None:
        suite = a_suite_with_cases(2)

        with pytest.raises(ConflictError, match="leaves out"):
            a_proposal(suite, ["login"])

    def test_an_ai_proposal_keeps_its_model_and_tokens_and_older_events_read_as_none(
        self,
    ) -> None:
        suite = a_suite_with_cases(2)

        suite.propose_order(
            as_proposal(["login", "create"]),
            source=ProposalSource.AI,
            reasoning="login first",
            considered_factors=["authentication"],
            llm_model="gpt-test",
            tokens_used=120,
            meta=a_meta(),
        )
        proposed = last_event(suite)
        stored_v1 = {"number": 1, "source": "User"}
        TestSuite.OrderProposed.upcast_v1_v2(stored_v1)

        assert (proposed.llm_model, proposed.tokens_used) == ("gpt-test", 120)
        assert TestSuite.OrderProposed.class_version == 2
        assert stored_v1 == {"number": 1, "source": "User", "llm_model": None, "tokens_used": None}
        assert proposal_statuses(suite) == [(1, "Ai", "Pending")]


class TestApproveProposal:
    def test_requires_a_proposal_to_exist(self) -> None:
        suite = a_suite_with_cases(2)

        with pytest.raises(NotFoundError, match="proposal 1 not found"):
            suite.approve(1, notes="", reviewed_at=REVIEWED_AT, meta=review_meta())

        assert suite.approval_status == ApprovalStatus.NOT_APPLICABLE

    def test_requires_the_proposal_to_be_pending(self) -> None:
        suite = an_approved_suite(2)

        with pytest.raises(ConflictError, match="proposal 1 is already Approved"):
            suite.approve(1, notes="", reviewed_at=REVIEWED_AT, meta=review_meta())

    def test_refuses_a_proposal_superseded_by_a_newer_one(self) -> None:
        suite = a_suite_with_cases(2)
        a_proposal(suite)
        a_proposal(suite)

        with pytest.raises(ConflictError, match="proposal 1 is already Rejected"):
            suite.approve(1, notes="", reviewed_at=REVIEWED_AT, meta=review_meta())

    def test_applies_the_proposed_order_as_each_cases_order_index(self) -> None:
        suite = a_suite_with_cases(3)
        number = a_proposal(suite, ["read", "login", "create"])

        applied = suite.approve(
            number, notes="looks right", reviewed_at=REVIEWED_AT, meta=review_meta()
        )

        assert applied == ["read", "login", "create"]
        assert indexes(suite) == {"login": (1, None), "create": (2, None), "read": (0, None)}
        assert suite.execution_order() == applied
        assert (suite.approval_status, suite.status) == (ApprovalStatus.APPROVED, SuiteStatus.READY)
        assert (suite.approved_by, suite.approved_at) == (str(REVIEWER), REVIEWED_AT)
        assert proposal_statuses(suite) == [(1, "User", "Approved")]
        assert suite.is_runnable() and suite.why_not_runnable() is None
        approved = last_event(suite)
        assert isinstance(approved, TestSuite.ProposalApproved)
        assert (approved.number, approved.applied_order, approved.notes) == (
            1,
            applied,
            "looks right",
        )

    def test_orders_the_proposal_by_position_not_by_list_order(self) -> None:
        suite = a_suite_with_cases(2)
        number = suite.propose_order(
            [
                {"case_id": "login", "position": 1, "reason": ""},
                {"case_id": "create", "position": 0, "reason": ""},
            ],
            source=ProposalSource.AI,
            reasoning="",
            considered_factors=[],
            meta=a_meta(),
        )

        assert suite.approve(number, notes="", reviewed_at=REVIEWED_AT, meta=review_meta()) == [
            "create",
            "login",
        ]

    def test_refuses_a_proposal_that_a_later_dependency_made_run_a_dependency_later(
        self,
    ) -> None:
        suite = a_suite_with_cases(3)
        number = a_proposal(suite, ["read", "create", "login"])
        suite.set_dependencies("read", ["login"], meta=a_meta())

        with pytest.raises(InvalidValueError, match="case read depends on case login"):
            suite.approve(number, notes="", reviewed_at=REVIEWED_AT, meta=review_meta())

        assert suite.approval_status == ApprovalStatus.PENDING_REVIEW
        assert suite.execution_order() == ["login", "create", "read"]


class TestModifyAndApprove:
    def test_keeps_the_reviewers_order_as_custom_order_index(self) -> None:
        suite = a_suite_with_cases(3, read=["login"])
        number = a_proposal(suite)

        applied = suite.modify_and_approve(
            number,
            ["login", "read", "create"],
            notes="read before create",
            reviewed_at=REVIEWED_AT,
            meta=review_meta(),
        )

        assert applied == ["login", "read", "create"]
        assert indexes(suite) == {"login": (0, 0), "create": (1, 2), "read": (2, 1)}
        assert suite.execution_order() == ["login", "read", "create"]
        assert suite.approval_status == ApprovalStatus.MODIFIED_AND_APPROVED
        assert suite.status == SuiteStatus.READY
        assert proposal_statuses(suite) == [(1, "User", "Modified")]
        assert suite.is_runnable()
        modified = last_event(suite)
        assert isinstance(modified, TestSuite.ProposalModified)
        assert (modified.user_order, modified.notes) == (applied, "read before create")

    def test_refuses_an_order_that_runs_a_dependency_later(self) -> None:
        suite = a_suite_with_cases(3, read=["create"])
        number = a_proposal(suite)

        with pytest.raises(InvalidValueError) as refused:
            suite.modify_and_approve(
                number,
                ["read", "create", "login"],
                notes="",
                reviewed_at=REVIEWED_AT,
                meta=review_meta(),
            )

        assert refused.value.field == "order"
        assert "case read depends on case create" in refused.value.message
        assert suite.approval_status == ApprovalStatus.PENDING_REVIEW
        assert indexes(suite) == {"login": (0, None), "create": (1, None), "read": (2, None)}

    def test_requires_a_pending_proposal(self) -> None:
        suite = a_suite_with_cases(2)

        with pytest.raises(NotFoundError):
            suite.modify_and_approve(
                1, ["create", "login"], notes="", reviewed_at=REVIEWED_AT, meta=review_meta()
            )


class TestRejectProposal:
    def test_rejects_and_then_accepts_a_new_proposal_for_review(self) -> None:
        suite = a_suite_with_cases(2)
        first = a_proposal(suite)

        suite.reject(
            first, notes="create must come first", reviewed_at=REVIEWED_AT, meta=review_meta()
        )

        assert suite.approval_status == ApprovalStatus.REJECTED
        assert not suite.is_runnable()
        assert suite.pending_proposal() is None
        rejected = last_event(suite)
        assert isinstance(rejected, TestSuite.ProposalRejected)
        assert rejected.notes == "create must come first"

        second = a_proposal(suite, ["create", "login"])

        assert second == 2
        assert suite.pending_proposal() is not None
        assert proposal_statuses(suite) == [(1, "User", "Rejected"), (2, "User", "Pending")]
        assert str(suite.approval_status) == "PendingReview"
        suite.approve(second, notes="", reviewed_at=REVIEWED_AT, meta=review_meta())
        assert suite.execution_order() == ["create", "login"]

    def test_requires_a_pending_proposal(self) -> None:
        suite = a_suite_with_cases(2)
        number = a_proposal(suite)
        suite.reject(number, notes="", reviewed_at=REVIEWED_AT, meta=review_meta())

        with pytest.raises(ConflictError, match="already Rejected"):
            suite.reject(number, notes="", reviewed_at=REVIEWED_AT, meta=review_meta())


class TestReviewAfterAnEdit:
    @pytest.mark.parametrize(
        ("edit", "what"),
        [
            (lambda s, m: s.record_case_edit("create", ["request"], meta=m), "case create changed"),
            (lambda s, m: s.add_cases([{"id": "extra"}], meta=m), "1 case(s) added"),
            (lambda s, m: s.remove_case("read", meta=m), "a case was removed"),
            (
                lambda s, m: s.set_dependencies("read", ["login"], meta=m),
                "dependencies of case read",
            ),
            (lambda s, m: s.reorder(["create", "login", "read"], meta=m), "order was changed"),
        ],
    )
    def test_puts_an_approved_suite_back_in_review_with_a_system_proposal(
        self, edit: Callable[[TestSuite, Meta], None], what: str
    ) -> None:
        suite = an_approved_suite(3)

        edit(suite, a_meta())

        assert suite.approval_status == ApprovalStatus.PENDING_REVIEW
        assert suite.status == SuiteStatus.DRAFT
        assert not suite.is_runnable()
        assert proposal_statuses(suite) == [(1, "User", "Approved"), (2, "System", "Pending")]
        proposed = last_event(suite)
        assert isinstance(proposed, TestSuite.OrderProposed)
        assert proposed.source == "System"
        assert proposed.reasoning.startswith("re-review after an edit of the approved suite: ")
        assert what in proposed.reasoning
        assert [p["case_id"] for p in proposed.proposed_order] == suite.execution_order()

    def test_carries_the_change_reason_in_the_system_proposals_reasoning(self) -> None:
        suite = an_approved_suite(2)

        suite.record_case_edit(
            "login", ["expectations"], meta=review_meta(reason="the API now answers 201")
        )

        proposed = last_event(suite)
        assert proposed.reasoning == (
            "re-review after an edit of the approved suite: the API now answers 201"
        )
        assert proposed.meta["reason"] == "the API now answers 201"

    def test_also_reviews_again_a_suite_approved_with_a_modified_order(self) -> None:
        suite = a_suite_with_cases(2)
        suite.modify_and_approve(
            a_proposal(suite),
            ["create", "login"],
            notes="",
            reviewed_at=REVIEWED_AT,
            meta=review_meta(),
        )

        suite.record_case_edit("login", ["name"], meta=a_meta())

        assert suite.approval_status == ApprovalStatus.PENDING_REVIEW
        pending = suite.pending_proposal()
        assert pending is not None
        assert [p["case_id"] for p in pending["proposed_order"]] == ["create", "login"]

    def test_supersedes_a_pending_proposal_when_a_case_is_added(self) -> None:
        suite = a_suite_with_cases(2)
        a_proposal(suite)

        suite.add_cases([{"id": "read"}], meta=a_meta())

        assert proposal_statuses(suite) == [(1, "User", "Rejected"), (2, "System", "Pending")]
        pending = suite.pending_proposal()
        assert pending is not None
        assert [p["case_id"] for p in pending["proposed_order"]] == ["login", "create", "read"]

    def test_supersedes_a_pending_proposal_when_a_case_is_removed(self) -> None:
        suite = a_suite_with_cases(3)
        a_proposal(suite)

        suite.remove_case("create", meta=a_meta())

        assert proposal_statuses(suite) == [(1, "User", "Rejected"), (2, "System", "Pending")]
        suite.approve(2, notes="", reviewed_at=REVIEWED_AT, meta=review_meta())
        assert suite.execution_order() == ["login", "read"]

    def test_keeps_a_pending_proposal_that_still_covers_every_case(self) -> None:
        suite = a_suite_with_cases(2)
        a_proposal(suite)
        suite.collect_events()

        suite.record_case_edit("login", ["name"], meta=a_meta())

        assert proposal_statuses(suite) == [(1, "User", "Pending")]
        assert [type(e) for e in suite.collect_events()] == [TestSuite.CaseEdited]

    def test_leaves_a_suite_that_was_never_reviewed_out_of_review(self) -> None:
        suite = a_suite_with_cases(2)

        suite.record_case_edit("login", ["name"], meta=a_meta())

        assert suite.approval_status == ApprovalStatus.NOT_APPLICABLE
        assert suite.proposals == []


class TestArchivedSuite:
    @pytest.mark.parametrize(
        "edit",
        [
            lambda s: s.add_cases([{"id": "extra"}], meta=a_meta()),
            lambda s: s.remove_case("create", meta=a_meta()),
            lambda s: s.record_case_edit("login", ["name"], meta=a_meta()),
            lambda s: s.set_dependencies("create", ["login"], meta=a_meta()),
            lambda s: s.reorder(["create", "login"], meta=a_meta()),
            lambda s: a_proposal(s),
            lambda s: s.rename(name="New name", description="", meta=a_meta()),
            lambda s: s.archive(meta=a_meta()),
        ],
    )
    def test_refuses_every_edit(self, edit: Callable[[TestSuite], object]) -> None:
        suite = a_suite_with_cases(2)
        suite.archive(meta=a_meta())
        suite.collect_events()

        with pytest.raises(ConflictError, match="the suite is archived"):
            edit(suite)

        assert suite.collect_events() == []

    def test_refuses_to_approve_a_proposal_left_pending(self) -> None:
        suite = a_suite_with_cases(2)
        number = a_proposal(suite)
        suite.archive(meta=a_meta())

        with pytest.raises(ConflictError, match="archived"):
            suite.approve(number, notes="", reviewed_at=REVIEWED_AT, meta=review_meta())

    def test_refuses_to_reject_a_proposal_left_pending(self) -> None:
        suite = a_suite_with_cases(2)
        number = a_proposal(suite)
        suite.archive(meta=a_meta())

        with pytest.raises(ConflictError, match="archived"):
            suite.reject(number, notes="", reviewed_at=REVIEWED_AT, meta=review_meta())

    def test_is_not_runnable(self) -> None:
        suite = an_approved_suite(2)

        suite.archive(meta=a_meta())

        assert suite.status == SuiteStatus.ARCHIVED
        assert not suite.is_runnable()
        assert suite.why_not_runnable() == "the suite is archived"


class TestRenameSuite:
    def test_renames_and_redescribes_without_a_new_review(self) -> None:
        suite = an_approved_suite(1)

        suite.rename(name=" Pets ", description=" all of them ", meta=a_meta())

        assert (suite.name, suite.description) == ("Pets", "all of them")
        assert suite.approval_status == ApprovalStatus.APPROVED

    def test_refuses_an_empty_name(self) -> None:
        with pytest.raises(InvalidValueError) as refused:
            a_suite().rename(name=" ", description="", meta=a_meta())

        assert refused.value.field == "name"


class TestSuiteEvents:
    def test_replay_to_the_same_state(self) -> None:
        suite = a_suite_with_cases(3, read=["create"])
        suite.modify_and_approve(
            a_proposal(suite),
            ["create", "read", "login"],
            notes="",
            reviewed_at=REVIEWED_AT,
            meta=review_meta(),
        )
        suite.record_case_edit("login", ["name"], meta=review_meta(reason="typo"))

        rebuilt = replay(suite.collect_events())

        assert rebuilt.__dict__ == suite.__dict__

    def test_stay_as_recorded_when_later_commands_move_the_cases(self) -> None:
        suite = a_suite_with_cases(3)

        suite.reorder(["read", "create", "login"], meta=a_meta())
        suite.modify_and_approve(
            a_proposal(suite),
            ["create", "read", "login"],
            notes="",
            reviewed_at=REVIEWED_AT,
            meta=review_meta(),
        )

        added = next(e for e in suite.collect_events() if isinstance(e, TestSuite.CasesAdded))
        assert added.cases == [
            {"id": name, "order_index": i, "custom_order_index": None, "depends_on": []}
            for i, name in enumerate(["login", "create", "read"])
        ]

    def test_carry_the_meta_of_the_command(self) -> None:
        meta = review_meta(reason="tidy up")
        suite = a_suite_with_cases(1)

        suite.rename(name="Tidy", description="", meta=meta)

        renamed = last_event(suite)
        assert isinstance(renamed, TestSuite.Renamed)
        assert renamed.meta == meta
        assert renamed.originator_version == 3
