"""The testgen application on the in-memory store: suites, cases, order review and history."""

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4, uuid5

import pytest

from application.shared.base import ConcurrentChangeError
from application.testgen.app import TestgenApplication, state_diff, suite_state
from application.testgen.commands import (
    AddDataSet,
    AddTestCase,
    CaseCommand,
    CreateSuite,
    EditTestCase,
    GenerateSuite,
    RenameSuite,
    ReorderCases,
    ReviewProposal,
    SetCaseEnabled,
    SetDependencies,
    SuiteCommand,
)
from application.testgen.generation import UnknownEndpointsError
from domain.shared.errors import (
    ConflictError,
    InvalidValueError,
    NotFoundError,
    VersionMismatchError,
)
from domain.shared.meta import Meta
from domain.suites.enums import ApprovalStatus, SuiteStatus
from domain.suites.model import CaseNotInSuiteError, TestSuite
from domain.testcases.model import TestCase
from infrastructure.specs.service import SpecificationParser
from tests.unit.builders import POPO, FixedClock, a_meta, a_shared_store_env

PETSTORE = Path(__file__).parents[2] / "fixtures" / "specs" / "petstore-3.0.yaml"
REVIEW_TIME = datetime(2026, 3, 2, 12, 30, tzinfo=UTC)


@cache
def petstore() -> dict[str, Any]:
    parsed = SpecificationParser().parse(PETSTORE.read_bytes(), filename=PETSTORE.name)
    return parsed.to_json()


class OneProjectCatalog:
    """The apidoc context as testgen sees it: one project, one owner, the petstore spec."""

    def __init__(self) -> None:
        self.project_id, self.owner_id, self.spec_id = uuid4(), uuid4(), uuid4()

    def require_owned(self, project_id: UUID, user_id: UUID) -> None:
        if (project_id, user_id) != (self.project_id, self.owner_id):
            raise NotFoundError("project not found")

    def parsed_specification(
        self, project_id: UUID, spec_id: UUID | None, user_id: UUID
    ) -> tuple[UUID, dict[str, Any]]:
        self.require_owned(project_id, user_id)
        if spec_id not in (None, self.spec_id):
            raise NotFoundError("specification not found")
        return self.spec_id, petstore()

    def endpoint(self, key: str) -> UUID:
        return uuid5(self.spec_id, key)

    def require_endpoint(self, project_id: UUID, endpoint_id: UUID) -> None:
        keys = (f"{e['method']} {e['path']}" for e in petstore()["endpoints"])
        if project_id != self.project_id or endpoint_id not in map(self.endpoint, keys):
            raise NotFoundError("endpoint not found in this project")


class ReviewClock:
    """The application's clock: reviews happen at one known instant."""

    def now(self) -> datetime:
        return REVIEW_TIME


@pytest.fixture
def catalog() -> OneProjectCatalog:
    return OneProjectCatalog()


@pytest.fixture
def testgen(catalog: OneProjectCatalog) -> TestgenApplication:
    return TestgenApplication(env=POPO, catalog=catalog, clock=ReviewClock())


class Author:
    """The owner of the catalog's project, issuing commands to one application."""

    def __init__(self, testgen: TestgenApplication, catalog: OneProjectCatalog) -> None:
        self.testgen, self.catalog = testgen, catalog
        self.id = catalog.owner_id

    def meta(self, reason: str | None = None) -> Meta:
        return a_meta(user_id=self.id, reason=reason)

    def a_suite(self, name: str = "Pets by hand") -> UUID:
        written = self.testgen.create_suite(
            CreateSuite(
                project_id=self.catalog.project_id,
                requester_id=self.id,
                name=name,
                description="written by hand",
                meta=self.meta(),
            )
        )
        return written.aggregate_id

    def a_case(self, suite_id: UUID, name: str, *depends_on: UUID, **fields: Any) -> UUID:
        written = self.testgen.add_test_case(
            AddTestCase(
                suite_id=suite_id,
                requester_id=self.id,
                fields=case_fields(name, **fields),
                meta=self.meta(),
                depends_on=list(depends_on),
            )
        )
        return written.aggregate_id

    def a_suite_with_cases(self, *names: str) -> tuple[UUID, list[UUID]]:
        suite_id = self.a_suite()
        return suite_id, [self.a_case(suite_id, name) for name in names]

    def edit(
        self, case_id: UUID, reason: str | None = None, version: int | None = None, **values: Any
    ) -> Any:
        return self.testgen.edit_test_case(
            EditTestCase(
                case_id=case_id,
                requester_id=self.id,
                values=values,
                meta=self.meta(reason),
                expected_version=version,
            )
        )

    def depend(self, case_id: UUID, *targets: UUID) -> Any:
        return self.testgen.set_dependencies(
            SetDependencies(
                case_id=case_id, requester_id=self.id, meta=self.meta(), depends_on=list(targets)
            )
        )

    def propose(self, suite_id: UUID) -> int:
        self.testgen.request_proposal(
            SuiteCommand(suite_id=suite_id, requester_id=self.id, meta=self.meta())
        )
        return len(self.suite(suite_id).proposals)

    def review(
        self, suite_id: UUID, number: int, action: str, order: list[UUID] | None = None
    ) -> Any:
        return self.testgen.review_proposal(
            ReviewProposal(
                suite_id=suite_id,
                requester_id=self.id,
                meta=self.meta(),
                number=number,
                notes=f"{action} by the author",
                order=order,
            ),
            action,
        )

    def reorder(self, suite_id: UUID, order: list[UUID]) -> Any:
        return self.testgen.reorder_cases(
            ReorderCases(suite_id=suite_id, requester_id=self.id, meta=self.meta(), order=order)
        )

    def suite(self, suite_id: UUID, version: int | None = None) -> TestSuite:
        return self.testgen.suite(suite_id, self.id, version)

    def case(self, case_id: UUID, version: int | None = None) -> TestCase:
        return self.testgen.case(case_id, self.id, version)


@pytest.fixture
def author(testgen: TestgenApplication, catalog: OneProjectCatalog) -> Author:
    return Author(testgen, catalog)


def case_fields(name: str, **overrides: Any) -> dict[str, Any]:
    return {
        "name": name,
        "test_type": "HappyPath",
        "priority": "High",
        "request": {"method": "GET", "url": "/pets"},
        "expectations": {"expected_status": [200]},
        **overrides,
    }


def ids(case_ids: list[UUID]) -> list[str]:
    return [str(c) for c in case_ids]


def event_names(testgen: TestgenApplication, aggregate_id: UUID) -> list[str]:
    return [type(e).__name__ for e in testgen.events.get(aggregate_id)]


class TestCreateSuite:
    def test_creates_an_empty_manual_suite_at_version_one(self, author: Author) -> None:
        suite = author.suite(author.a_suite(name=" Pets by hand "))

        assert (suite.name, suite.description, suite.generation_type) == (
            "Pets by hand",
            "written by hand",
            "Manual",
        )
        assert (suite.status, suite.approval_status, suite.version) == (
            SuiteStatus.DRAFT,
            ApprovalStatus.NOT_APPLICABLE,
            1,
        )
        assert (suite.project_id, suite.case_ids()) == (author.catalog.project_id, [])

    def test_refuses_a_project_the_requester_does_not_own(
        self, testgen: TestgenApplication, catalog: OneProjectCatalog
    ) -> None:
        stranger = uuid4()

        with pytest.raises(NotFoundError):
            testgen.create_suite(
                CreateSuite(
                    project_id=catalog.project_id,
                    requester_id=stranger,
                    name="Mine now",
                    description="",
                    meta=a_meta(user_id=stranger),
                )
            )

        assert testgen.recorder.max_notification_id() in (None, 0)

    def test_hides_a_suite_from_anyone_but_the_projects_owner(self, author: Author) -> None:
        suite_id = author.a_suite()

        with pytest.raises(NotFoundError):
            author.testgen.suite(suite_id, uuid4())

    def test_renames_a_suite_checking_its_version(self, author: Author) -> None:
        suite_id = author.a_suite()
        rename = RenameSuite(
            suite_id=suite_id,
            requester_id=author.id,
            meta=author.meta(),
            expected_version=1,
            name="Renamed",
            description="new words",
        )

        assert author.testgen.rename_suite(rename).version == 2
        with pytest.raises(VersionMismatchError) as stale:
            author.testgen.rename_suite(rename)

        assert (stale.value.expected, stale.value.current) == (1, 2)
        assert author.suite(suite_id).name == "Renamed"


class TestAddTestCase:
    def test_names_an_endpoint_of_its_own_project(self, author: Author) -> None:
        endpoint_id = str(author.catalog.endpoint("GET /pets"))
        suite_id = author.a_suite()

        case = author.case(author.a_case(suite_id, "list", endpoint_id=endpoint_id))

        assert case.endpoint_id == endpoint_id

    def test_refuses_an_endpoint_of_another_project_and_records_nothing(
        self, author: Author
    ) -> None:
        suite_id = author.a_suite()
        foreign = str(uuid5(uuid4(), "GET /pets"))  # another tenant's spec has this endpoint

        with pytest.raises(NotFoundError):
            author.a_case(suite_id, "dangling", endpoint_id=foreign)
        case_id = author.a_case(suite_id, "mine")
        with pytest.raises(NotFoundError):
            author.edit(case_id, endpoint_id=foreign)

        assert author.suite(suite_id).version == 2 and author.case(case_id).version == 1

    def test_adds_cases_at_the_end_of_the_suite_with_their_order_index(
        self, author: Author
    ) -> None:
        suite_id, case_ids = author.a_suite_with_cases("login", "create", "read")

        suite = author.suite(suite_id)
        assert suite.execution_order() == ids(case_ids)
        assert [author.case(c).order_index for c in case_ids] == [0, 1, 2]
        assert all(author.case(c).suite_id == suite_id for c in case_ids)

    def test_fills_omitted_parts_of_the_request_and_expectations_with_defaults(
        self, author: Author
    ) -> None:
        suite_id = author.a_suite()

        case = author.case(author.a_case(suite_id, "list pets", tags=["pets", "pets"]))

        assert case.request == {
            "method": "GET",
            "url": "/pets",
            "headers": {},
            "path_params": {},
            "query_params": {},
            "body_type": "None",
            "body": None,
            "timeout_ms": 30_000,
        }
        assert case.expectations == {
            "expected_status": [200],
            "response_schema": None,
            "header_checks": [],
            "body_contains": [],
            "body_not_contains": [],
            "jsonpath_checks": [],
            "max_response_time_ms": None,
        }
        assert case.tags == ["pets"]

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"name": "  "}, "name"),
            ({"test_type": "Smoke"}, "test_type"),
            ({"priority": "Urgent"}, "priority"),
            ({"colour": "red"}, "colour"),
            ({"request": "GET /pets"}, "request"),
            ({"request": {"method": "FETCH", "url": "/pets"}}, "method"),
            ({"request": {"method": "GET"}}, "request.url"),
            ({"request": {"method": "GET", "url": "pets"}}, "url"),
            ({"request": {"method": "GET", "url": "/pets", "body": {"a": 1}}}, "body"),
            (
                {"request": {"method": "GET", "url": "/pets", "headers": {"Bad Name": "x"}}},
                "headers",
            ),
            ({"request": {"method": "GET", "url": "/pets", "timeout_ms": 0}}, "timeout_ms"),
            ({"expectations": {}}, "expectations.expected_status"),
            ({"expectations": {"expected_status": []}}, "expected_status"),
            ({"expectations": {"expected_status": [99]}}, "expected_status"),
            ({"expectations": {"expected_status": [200, 200]}}, "expected_status"),
            (
                {
                    "expectations": {
                        "expected_status": [200],
                        "jsonpath_checks": [{"path": "id", "operator": "exists"}],
                    }
                },
                "path",
            ),
            (
                {
                    "expectations": {
                        "expected_status": [200],
                        "jsonpath_checks": [{"path": "$.n", "operator": "gt", "expected": "1"}],
                    }
                },
                "expected",
            ),
            (
                {"expectations": {"expected_status": [200], "max_response_time_ms": 0}},
                "max_response_time_ms",
            ),
            ({"variables": [{"name": "1st", "source": "body", "expression": "$.id"}]}, "name"),
            (
                {"variables": [{"name": "pet_id", "source": "body", "expression": "id"}]},
                "expression",
            ),
            ({"data_sets": [{"name": "rows", "rows": ["not an object"]}]}, "rows"),
        ],
    )
    def test_refuses_a_bad_field_naming_it_and_writes_nothing(
        self, author: Author, fields: dict[str, Any], field: str
    ) -> None:
        suite_id = author.a_suite()

        with pytest.raises(InvalidValueError) as refused:
            author.testgen.add_test_case(
                AddTestCase(
                    suite_id=suite_id,
                    requester_id=author.id,
                    fields={**case_fields("bad"), **fields},
                    meta=author.meta(),
                )
            )

        assert refused.value.field == field
        assert author.suite(suite_id).version == 1

    def test_refuses_a_case_without_a_required_field_naming_it(self, author: Author) -> None:
        suite_id = author.a_suite()
        fields = case_fields("no expectations")
        del fields["expectations"]

        with pytest.raises(InvalidValueError) as refused:
            author.testgen.add_test_case(
                AddTestCase(
                    suite_id=suite_id, requester_id=author.id, fields=fields, meta=author.meta()
                )
            )

        assert refused.value.field == "expectations"

    def test_refuses_a_dependency_on_a_case_of_another_suite(self, author: Author) -> None:
        _, (elsewhere,) = author.a_suite_with_cases("login")
        suite_id = author.a_suite()

        with pytest.raises(InvalidValueError) as refused:
            author.a_case(suite_id, "create", elsewhere)

        assert refused.value.field == "depends_on"
        assert author.suite(suite_id).case_ids() == []

    def test_refuses_a_stale_suite_version(self, author: Author) -> None:
        suite_id, _ = author.a_suite_with_cases("login")

        with pytest.raises(VersionMismatchError) as stale:
            author.testgen.add_test_case(
                AddTestCase(
                    suite_id=suite_id,
                    requester_id=author.id,
                    fields=case_fields("late"),
                    meta=author.meta(),
                    expected_version=1,
                )
            )

        assert stale.value.current == 2

    def test_adds_a_data_set_and_refuses_a_second_with_the_same_name(self, author: Author) -> None:
        suite_id, (case_id,) = author.a_suite_with_cases("create")
        add = AddDataSet(
            case_id=case_id,
            requester_id=author.id,
            meta=author.meta(),
            data_set={"name": "cats", "rows": [{"name": "Tom"}]},
        )

        author.testgen.add_data_set(add)
        with pytest.raises(ConflictError, match="named 'cats'"):
            author.testgen.add_data_set(add)

        assert author.case(case_id).data_sets == [
            {"name": "cats", "rows": [{"name": "Tom"}], "enabled": True}
        ]
        assert event_names(author.testgen, suite_id)[-1] == "CaseEdited"


class TestEditTestCase:
    def test_changes_the_fields_and_notes_the_edit_on_the_suite(self, author: Author) -> None:
        suite_id, (case_id,) = author.a_suite_with_cases("list pets")

        written = author.edit(
            case_id,
            name="List cats",
            request={"method": "GET", "url": "/pets", "query_params": {"species": "cat"}},
        )

        case = author.case(case_id)
        assert (written.aggregate_id, written.version) == (case_id, case.version)
        assert (case.name, case.request["query_params"]) == ("List cats", {"species": "cat"})
        assert event_names(author.testgen, case_id) == [
            "Created",
            "DetailsChanged",
            "RequestChanged",
        ]
        edited = list(author.testgen.events.get(suite_id))[-1]
        assert isinstance(edited, TestSuite.CaseEdited)
        assert (edited.case_id, edited.fields) == (str(case_id), ["name", "request"])

    def test_records_nothing_when_no_value_changes(self, author: Author) -> None:
        suite_id, (case_id,) = author.a_suite_with_cases("list pets")

        written = author.edit(case_id, name="list pets", request={"method": "GET", "url": "/pets"})

        assert written.version == 1
        assert author.suite(suite_id).version == 2

    def test_puts_an_approved_suite_back_in_review_carrying_the_reason(
        self, author: Author
    ) -> None:
        suite_id, (login, _) = author.a_suite_with_cases("login", "create")
        author.review(suite_id, author.propose(suite_id), "approve")

        author.edit(
            login, reason="the token moved to a cookie", expectations={"expected_status": [204]}
        )

        suite = author.suite(suite_id)
        assert suite.approval_status == ApprovalStatus.PENDING_REVIEW
        pending = suite.pending_proposal()
        assert pending is not None and pending["source"] == "System"
        proposed = list(author.testgen.events.get(suite_id))[-1]
        assert isinstance(proposed, TestSuite.OrderProposed)
        assert proposed.reasoning == (
            "re-review after an edit of the approved suite: the token moved to a cookie"
        )

    def test_refuses_a_bad_value_naming_the_field(self, author: Author) -> None:
        _, (case_id,) = author.a_suite_with_cases("list pets")

        with pytest.raises(InvalidValueError) as refused:
            author.edit(case_id, expectations={"expected_status": [700]})

        assert refused.value.field == "expected_status"
        assert author.case(case_id).version == 1

    def test_refuses_a_stale_case_version(self, author: Author) -> None:
        _, (case_id,) = author.a_suite_with_cases("list pets")
        author.edit(case_id, version=1, name="first")

        with pytest.raises(VersionMismatchError) as stale:
            author.edit(case_id, version=1, name="second")

        assert (stale.value.expected, stale.value.current) == (1, 2)
        assert author.case(case_id).name == "first"

    def test_takes_read_only_fields_back_as_they_are(self, author: Author) -> None:
        suite_id, (case_id,) = author.a_suite_with_cases("list pets")

        author.testgen.edit_test_case(
            EditTestCase(
                case_id=case_id,
                requester_id=author.id,
                values={"name": "List cats"},
                meta=author.meta(),
                unchanged={"id": str(case_id), "suite_id": str(suite_id), "enabled": True},
            )
        )

        assert author.case(case_id).name == "List cats"

    def test_refuses_a_read_only_field_with_another_value(self, author: Author) -> None:
        _, (case_id,) = author.a_suite_with_cases("list pets")

        with pytest.raises(InvalidValueError) as refused:
            author.testgen.edit_test_case(
                EditTestCase(
                    case_id=case_id,
                    requester_id=author.id,
                    values={"name": "List cats"},
                    meta=author.meta(),
                    unchanged={"order_index": 7},
                )
            )

        assert refused.value.field == "order_index"
        assert author.case(case_id).name == "list pets"


class TestEnableTestCase:
    def test_disables_and_enables_a_case_noting_it_on_the_suite(self, author: Author) -> None:
        suite_id, (case_id,) = author.a_suite_with_cases("list pets")

        def toggle(enabled: bool) -> int:
            command = SetCaseEnabled(
                case_id=case_id, requester_id=author.id, meta=author.meta(), enabled=enabled
            )
            return author.testgen.set_case_enabled(command).version

        assert toggle(False) == 2
        assert author.case(case_id).enabled is False
        assert toggle(False) == 2
        assert toggle(True) == 3
        assert author.case(case_id).enabled is True
        assert event_names(author.testgen, case_id) == ["Created", "Disabled", "Enabled"]
        assert event_names(author.testgen, suite_id).count("CaseEdited") == 2


class TestDuplicateTestCase:
    def test_copies_a_case_without_its_dependencies_to_the_end(self, author: Author) -> None:
        suite_id, (login, create) = author.a_suite_with_cases("login", "create")
        author.edit(
            create,
            tags=["pets"],
            request={
                "method": "POST",
                "url": "/pets",
                "body_type": "JSON",
                "body": {"name": "Tom"},
            },
        )
        author.depend(create, login)

        written = author.testgen.duplicate_test_case(
            CaseCommand(case_id=create, requester_id=author.id, meta=author.meta())
        )

        original, copy = author.case(create), author.case(written.aggregate_id)
        assert copy.id not in (login, create)
        assert copy.name == "create (copy)"
        assert (copy.request, copy.expectations, copy.tags) == (
            original.request,
            original.expectations,
            ["pets"],
        )
        assert (copy.depends_on, original.depends_on) == ([], [str(login)])
        assert copy.order_index == 2
        assert author.suite(suite_id).execution_order() == ids([login, create, copy.id])


class TestDeleteTestCase:
    def test_takes_the_case_out_of_its_suite_and_refuses_later_edits(self, author: Author) -> None:
        suite_id, (login, create) = author.a_suite_with_cases("login", "create")

        author.testgen.delete_test_case(
            CaseCommand(case_id=create, requester_id=author.id, meta=author.meta())
        )

        assert author.suite(suite_id).case_ids() == [str(login)]
        assert author.case(create).deleted is True
        with pytest.raises(ConflictError, match="deleted"):
            author.edit(create, name="back")

    def test_refuses_to_delete_a_case_another_depends_on(self, author: Author) -> None:
        suite_id, (login, create) = author.a_suite_with_cases("login", "create")
        author.depend(create, login)
        versions = (author.suite(suite_id).version, author.case(login).version)

        with pytest.raises(ConflictError, match=f"depend on case {login}"):
            author.testgen.delete_test_case(
                CaseCommand(case_id=login, requester_id=author.id, meta=author.meta())
            )

        assert (author.suite(suite_id).version, author.case(login).version) == versions
        assert author.case(login).deleted is False


class TestSetDependencies:
    def test_records_the_dependency_on_the_suite_and_on_the_case(self, author: Author) -> None:
        suite_id, (login, create) = author.a_suite_with_cases("login", "create")

        author.depend(create, login)

        assert author.suite(suite_id).dependencies()[str(create)] == [str(login)]
        assert author.case(create).depends_on == [str(login)]

    def test_refuses_a_cycle_naming_the_loop(self, author: Author) -> None:
        _, (login, create, read) = author.a_suite_with_cases("login", "create", "read")
        author.depend(create, login)
        author.depend(read, create)

        with pytest.raises(InvalidValueError) as refused:
            author.depend(login, read)

        assert refused.value.field == "depends_on"
        assert f"cycle: {login} -> {read} -> {create} -> {login}" in refused.value.message
        assert author.case(login).depends_on == []

    def test_refuses_a_case_of_another_suite(self, author: Author) -> None:
        _, (elsewhere,) = author.a_suite_with_cases("login")
        _, (create,) = author.a_suite_with_cases("create")

        with pytest.raises(CaseNotInSuiteError) as refused:
            author.depend(create, elsewhere)

        assert f"depends_on: not cases of this suite: ['{elsewhere}']" == refused.value.message

    def test_refuses_a_dependency_the_order_runs_later(self, author: Author) -> None:
        _, (login, create) = author.a_suite_with_cases("login", "create")

        with pytest.raises(InvalidValueError) as refused:
            author.depend(login, create)

        assert refused.value.field == "order"


class TestReorderCases:
    def test_places_every_case_at_its_new_index(self, author: Author) -> None:
        suite_id, (login, create, read) = author.a_suite_with_cases("login", "create", "read")

        author.reorder(suite_id, [read, login, create])

        assert author.suite(suite_id).execution_order() == ids([read, login, create])
        assert [author.case(c).order_index for c in (login, create, read)] == [1, 2, 0]

    def test_refuses_an_order_that_runs_a_dependency_later(self, author: Author) -> None:
        suite_id, (login, create) = author.a_suite_with_cases("login", "create")
        author.depend(create, login)

        with pytest.raises(InvalidValueError) as refused:
            author.reorder(suite_id, [create, login])

        assert refused.value.field == "order"
        assert author.suite(suite_id).execution_order() == ids([login, create])


class TestReviewOrder:
    def test_requests_a_proposal_of_the_current_order(self, author: Author) -> None:
        suite_id, (login, create) = author.a_suite_with_cases("login", "create")
        author.depend(create, login)

        number = author.propose(suite_id)

        suite = author.suite(suite_id)
        assert (number, suite.approval_status) == (1, ApprovalStatus.PENDING_REVIEW)
        proposed = list(author.testgen.events.get(suite_id))[-1]
        assert isinstance(proposed, TestSuite.OrderProposed)
        assert proposed.source == "User"
        assert proposed.proposed_order == [
            {"case_id": str(login), "position": 0, "reason": "no dependencies"},
            {
                "case_id": str(create),
                "position": 1,
                "reason": f"runs after {login}, which it depends on",
            },
        ]

    def test_approves_applying_the_order_to_each_case(self, author: Author) -> None:
        suite_id, (login, create) = author.a_suite_with_cases("login", "create")
        author.reorder(suite_id, [create, login])
        number = author.propose(suite_id)

        author.review(suite_id, number, "approve")

        suite = author.suite(suite_id)
        assert (suite.approval_status, suite.status) == (ApprovalStatus.APPROVED, SuiteStatus.READY)
        assert (suite.approved_by, suite.approved_at) == (str(author.id), REVIEW_TIME.isoformat())
        assert [author.case(c).order_index for c in (create, login)] == [0, 1]

    def test_modifies_and_approves_with_custom_order_indexes_on_the_cases(
        self, author: Author
    ) -> None:
        suite_id, (login, create, read) = author.a_suite_with_cases("login", "create", "read")
        number = author.propose(suite_id)

        author.review(suite_id, number, "modify", order=[login, read, create])

        suite = author.suite(suite_id)
        assert suite.approval_status == ApprovalStatus.MODIFIED_AND_APPROVED
        assert suite.execution_order() == ids([login, read, create])
        placed = {c: author.case(c) for c in (login, create, read)}
        assert {
            c: (p.order_index, p.custom_order_index, p.is_order_customized)
            for c, p in placed.items()
        } == {
            login: (0, 0, True),
            create: (1, 2, True),
            read: (2, 1, True),
        }

    def test_refuses_a_modified_order_that_runs_a_dependency_later(self, author: Author) -> None:
        suite_id, (login, create) = author.a_suite_with_cases("login", "create")
        author.depend(create, login)
        number = author.propose(suite_id)

        with pytest.raises(InvalidValueError, match=f"case {create} depends on case {login}"):
            author.review(suite_id, number, "modify", order=[create, login])

        assert author.suite(suite_id).approval_status == ApprovalStatus.PENDING_REVIEW

    def test_rejects_then_takes_a_new_proposal(self, author: Author) -> None:
        suite_id, _ = author.a_suite_with_cases("login", "create")
        first = author.propose(suite_id)

        author.review(suite_id, first, "reject")
        assert author.suite(suite_id).approval_status == ApprovalStatus.REJECTED

        second = author.propose(suite_id)
        author.review(suite_id, second, "approve")

        suite = author.suite(suite_id)
        assert second == 2
        assert [(p["number"], p["status"]) for p in suite.proposals] == [
            (1, "Rejected"),
            (2, "Approved"),
        ]
        assert suite.approval_status == ApprovalStatus.APPROVED

    def test_refuses_to_review_without_a_pending_proposal(self, author: Author) -> None:
        suite_id, _ = author.a_suite_with_cases("login")

        with pytest.raises(NotFoundError, match="proposal 1 not found"):
            author.review(suite_id, 1, "approve")

    def test_refuses_an_unknown_review_action(self, author: Author) -> None:
        suite_id, _ = author.a_suite_with_cases("login")

        with pytest.raises(ValueError, match="unknown review action 'shrug'"):
            author.review(suite_id, author.propose(suite_id), "shrug")


class TestGenerateSuite:
    def test_generates_a_suite_waiting_for_review_that_logs_in_first(self, author: Author) -> None:
        written = author.testgen.generate_suite(
            GenerateSuite(
                project_id=author.catalog.project_id,
                requester_id=author.id,
                name="Generated petstore",
                meta=author.meta(),
            )
        )

        suite = author.suite(written.aggregate_id)
        assert (suite.generation_type, suite.approval_status) == (
            "Auto",
            ApprovalStatus.PENDING_REVIEW,
        )
        pending = suite.pending_proposal()
        assert pending is not None and pending["source"] == "System"
        first = author.case(UUID(suite.execution_order()[0]))
        assert first.endpoint_key == "POST /auth/login"
        assert first.test_type == "HappyPath"

    def test_refuses_an_endpoint_the_specification_does_not_have(self, author: Author) -> None:
        with pytest.raises(UnknownEndpointsError) as refused:
            author.testgen.generate_suite(
                GenerateSuite(
                    project_id=author.catalog.project_id,
                    requester_id=author.id,
                    name="Generated",
                    meta=author.meta(),
                    endpoint_keys=["GET /owners"],
                )
            )

        assert (
            refused.value.message
            == "endpoints: not endpoints of the specification: ['GET /owners']"
        )


class TestHistory:
    def test_lists_every_event_with_who_and_why(self, author: Author) -> None:
        _, (case_id,) = author.a_suite_with_cases("list pets")
        author.edit(case_id, reason="clearer", name="List every pet")

        history = author.testgen.history(case_id)

        assert [(h.type, h.version) for h in history] == [
            ("TestCase.Created", 1),
            ("TestCase.DetailsChanged", 2),
        ]
        assert (history[1].user_id, history[1].reason, history[1].ip) == (
            str(author.id),
            "clearer",
            "203.0.113.7",
        )
        assert history[1].payload["changes"] == [
            {"field": "name", "old": "list pets", "new": "List every pet"}
        ]

    def test_replays_a_suite_as_of_a_version(self, author: Author) -> None:
        suite_id, (login, create) = author.a_suite_with_cases("login", "create")
        author.reorder(suite_id, [create, login])

        as_of_two = author.suite(suite_id, version=2)
        as_of_four = author.suite(suite_id, version=4)

        assert (as_of_two.version, as_of_two.case_ids()) == (2, [str(login)])
        assert as_of_four.execution_order() == ids([create, login])
        assert state_diff(suite_state(author.suite(suite_id, 3)), suite_state(as_of_four)) == [
            {"field": "execution_order", "old": ids([login, create]), "new": ids([create, login])}
        ]

    def test_refuses_a_version_the_suite_never_had(self, author: Author) -> None:
        suite_id = author.a_suite()

        with pytest.raises(NotFoundError, match="version 5 not found; the suite is at version 1"):
            author.suite(suite_id, version=5)

    def test_replays_a_case_as_of_a_version(self, author: Author) -> None:
        _, (case_id,) = author.a_suite_with_cases("list pets")
        author.edit(case_id, name="renamed")

        assert author.case(case_id, version=1).name == "list pets"
        assert author.case(case_id).name == "renamed"

    def test_finds_the_version_an_aggregate_had_at_a_moment(
        self, author: Author, clock: FixedClock
    ) -> None:
        suite_id = author.a_suite()  # event 0 of the clock
        author.testgen.rename_suite(
            RenameSuite(
                suite_id=suite_id,
                requester_id=author.id,
                meta=author.meta(),
                name="Second",
                description="",
            )
        )  # event 1
        author.testgen.rename_suite(
            RenameSuite(
                suite_id=suite_id,
                requester_id=author.id,
                meta=author.meta(),
                name="Third",
                description="",
            )
        )  # event 2

        assert author.testgen.version_at(suite_id, clock.at(0)) == 1
        assert author.testgen.version_at(suite_id, clock.at(1)) == 2
        assert author.testgen.version_at(suite_id, clock.at(1) + (clock.step / 2)) == 2
        assert author.testgen.version_at(suite_id, clock.at(9)) == 3
        with pytest.raises(NotFoundError, match="did not exist yet"):
            author.testgen.version_at(suite_id, clock.at(0) - clock.step)
        assert (
            author.suite(suite_id, author.testgen.version_at(suite_id, clock.at(1))).name
            == "Second"
        )


class TestConcurrentEdits:
    @pytest.fixture
    def rivals(self, catalog: OneProjectCatalog) -> tuple[Author, Author]:
        """Two application instances on one in-memory store, like two processes on one database."""
        env = a_shared_store_env()
        return (
            Author(TestgenApplication(env=env, catalog=catalog, clock=ReviewClock()), catalog),
            Author(TestgenApplication(env=env, catalog=catalog, clock=ReviewClock()), catalog),
        )

    def test_the_second_of_two_edits_of_the_same_version_loses_and_nothing_is_lost(
        self, rivals: tuple[Author, Author], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        first, second = rivals
        suite_id, (case_id,) = first.a_suite_with_cases("list pets")
        loaded = second.testgen.case

        def load_then_let_the_first_write(*args: Any) -> TestCase:
            case = loaded(*args)
            first.edit(case_id, version=1, name="first wins")
            return case

        monkeypatch.setattr(second.testgen, "case", load_then_let_the_first_write)

        with pytest.raises(ConcurrentChangeError) as lost:
            second.edit(case_id, version=1, name="second loses", tags=["late"])

        assert lost.value.current_version == 2
        case = first.case(case_id)
        assert (case.name, case.tags, case.version) == ("first wins", [], 2)
        assert event_names(first.testgen, case_id) == ["Created", "DetailsChanged"]
        assert event_names(first.testgen, suite_id).count("CaseEdited") == 1

    def test_a_reorder_made_on_a_stale_suite_loses(
        self, rivals: tuple[Author, Author], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        first, second = rivals
        suite_id, (login, create) = first.a_suite_with_cases("login", "create")
        loaded = second.testgen.suite

        def load_then_let_the_first_write(*args: Any) -> TestSuite:
            suite = loaded(*args)
            first.edit(login, name="renamed meanwhile")
            return suite

        monkeypatch.setattr(second.testgen, "suite", load_then_let_the_first_write)

        with pytest.raises(ConcurrentChangeError):
            second.reorder(suite_id, [create, login])

        assert first.suite(suite_id).execution_order() == ids([login, create])
        assert first.case(login).order_index == 0

    def test_edits_of_two_cases_of_one_suite_both_land(
        self, rivals: tuple[Author, Author], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        first, second = rivals
        suite_id, (login, create) = first.a_suite_with_cases("login", "create")
        loaded = second.testgen.suite
        interrupted = []

        def load_then_let_the_first_write(*args: Any) -> TestSuite:
            suite = loaded(*args)
            if not interrupted:  # once: the retry then finds a quiet suite
                interrupted.append(True)
                first.edit(login, name="login renamed")
            return suite

        monkeypatch.setattr(second.testgen, "suite", load_then_let_the_first_write)

        second.edit(create, name="create renamed")

        assert (first.case(login).name, first.case(create).name) == (
            "login renamed",
            "create renamed",
        )
        assert event_names(first.testgen, suite_id).count("CaseEdited") == 2
