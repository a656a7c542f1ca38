"""The TestCase aggregate: each change recorded per kind of field, with its old and new values."""

from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.shared.errors import ConflictError
from domain.shared.meta import Meta
from domain.testcases.model import TestCase
from domain.testing.values import BodyType, CheckOperator, Expectations, JsonPathCheck, RequestSpec
from tests.unit.builders import a_meta, replay

EDITOR = uuid4()


def a_request(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"method": "GET", "url": "/pets/{{pet_id}}"}
    return RequestSpec(**{**fields, **overrides}).to_json()


def some_expectations(*statuses: int) -> dict[str, Any]:
    return Expectations(
        expected_status=list(statuses or (200,)),
        jsonpath_checks=[JsonPathCheck(path="$.id", operator=CheckOperator.Exists)],
    ).to_json()


def a_case(**overrides: Any) -> TestCase:
    fields: dict[str, Any] = {
        "name": "Find a pet",
        "description": "GET /pets/{petId} answers the pet",
        "endpoint_id": None,
        "endpoint_key": "GET /pets/{petId}",
        "test_type": "HappyPath",
        "priority": "High",
        "tags": ["pets"],
        "request": a_request(),
        "expectations": some_expectations(200),
        "variables": [],
        "data_sets": [],
        "depends_on": [],
        "order_index": 3,
        **overrides,
    }
    return TestCase(suite_id=uuid4(), fields=fields, meta=a_meta(user_id=EDITOR))


def a_saved_case(**overrides: Any) -> TestCase:
    case = a_case(**overrides)
    case.collect_events()
    return case


def an_edit_meta(reason: str | None = None) -> Meta:
    return a_meta(user_id=EDITOR, reason=reason)


def changes_by_event(case: TestCase) -> list[tuple[str, list[dict[str, Any]]]]:
    events: list[Any] = list(case.collect_events())
    return [(type(e).__name__, e.changes) for e in events]


class TestCreateTestCase:
    def test_starts_enabled_at_its_order_index_with_the_given_fields(self) -> None:
        case = a_case()

        assert (case.name, case.test_type, case.priority, case.tags) == (
            "Find a pet",
            "HappyPath",
            "High",
            ["pets"],
        )
        assert (case.order_index, case.custom_order_index, case.is_order_customized) == (
            3,
            None,
            False,
        )
        assert (case.enabled, case.deleted, case.version) == (True, False, 1)
        assert case.last_modified_by == str(EDITOR)
        assert case.request == a_request()

    def test_takes_the_id_given_in_its_fields(self) -> None:
        given = uuid4()

        assert a_case(id=str(given)).id == given

    def test_gets_a_fresh_id_when_none_is_given(self) -> None:
        assert isinstance(a_case().id, UUID)
        assert a_case().id != a_case().id


class TestEditTestCase:
    def test_records_details_in_one_event_with_each_fields_old_and_new_value(self) -> None:
        case = a_saved_case()

        changed = case.edit(
            {"name": "Find a cat", "priority": "Critical", "tags": ["pets", "cats"]},
            meta=an_edit_meta(),
        )

        assert changed == ["name", "priority", "tags"]
        assert changes_by_event(case) == [
            (
                "DetailsChanged",
                [
                    {"field": "name", "old": "Find a pet", "new": "Find a cat"},
                    {"field": "priority", "old": "High", "new": "Critical"},
                    {"field": "tags", "old": ["pets"], "new": ["pets", "cats"]},
                ],
            )
        ]
        assert (case.name, case.priority, case.tags) == ("Find a cat", "Critical", ["pets", "cats"])

    def test_records_one_event_per_kind_of_field(self) -> None:
        case = a_saved_case()
        new_request = a_request(
            method="POST", url="/pets", body_type=BodyType.JSON, body={"name": "Tom"}
        )
        new_expectations = some_expectations(201)
        variables = [
            {
                "name": "pet_id",
                "source": "body",
                "expression": "$.id",
                "default": None,
                "header_name": None,
            }
        ]
        data_sets = [{"name": "cats", "rows": [{"name": "Tom"}], "enabled": True}]

        changed = case.edit(
            {
                "description": "creates a pet",
                "request": new_request,
                "expectations": new_expectations,
                "variables": variables,
                "data_sets": data_sets,
            },
            meta=an_edit_meta(reason="the endpoint moved"),
        )

        assert changed == ["description", "request", "expectations", "variables", "data_sets"]
        assert changes_by_event(case) == [
            (
                "DetailsChanged",
                [
                    {
                        "field": "description",
                        "old": "GET /pets/{petId} answers the pet",
                        "new": "creates a pet",
                    }
                ],
            ),
            ("RequestChanged", [{"field": "request", "old": a_request(), "new": new_request}]),
            (
                "ExpectationsChanged",
                [{"field": "expectations", "old": some_expectations(200), "new": new_expectations}],
            ),
            ("VariablesChanged", [{"field": "variables", "old": [], "new": variables}]),
            ("DataSetsChanged", [{"field": "data_sets", "old": [], "new": data_sets}]),
        ]
        assert (case.request, case.expectations, case.variables, case.data_sets) == (
            new_request,
            new_expectations,
            variables,
            data_sets,
        )

    def test_carries_the_commands_meta_and_records_who_changed_it(self) -> None:
        case = a_saved_case()
        someone_else = uuid4()
        meta = a_meta(user_id=someone_else, reason="clearer name")

        case.edit({"name": "Look up a pet"}, meta=meta)

        (changed,) = case.collect_events()
        assert isinstance(changed, TestCase.DetailsChanged)
        assert changed.meta == meta
        assert changed.originator_version == 2
        assert case.last_modified_by == str(someone_else)

    def test_records_nothing_when_no_value_differs(self) -> None:
        case = a_saved_case()

        changed = case.edit(
            {
                "name": "Find a pet",
                "tags": ["pets"],
                "request": a_request(),
                "expectations": some_expectations(200),
                "variables": [],
            },
            meta=an_edit_meta(),
        )

        assert changed == []
        assert case.collect_events() == []
        assert case.version == 1

    def test_leaves_out_of_the_event_the_fields_that_kept_their_value(self) -> None:
        case = a_saved_case()

        case.edit({"name": "Find a pet", "priority": "Low"}, meta=an_edit_meta())

        assert changes_by_event(case) == [
            ("DetailsChanged", [{"field": "priority", "old": "High", "new": "Low"}])
        ]

    def test_refuses_a_field_that_is_not_editable(self) -> None:
        case = a_saved_case()

        with pytest.raises(ValueError, match=r"not editable fields: \['order_index'\]"):
            case.edit({"order_index": 0}, meta=an_edit_meta())

        assert case.collect_events() == []


class TestDataSets:
    def test_adds_a_data_set_recording_the_list_before_and_after(self) -> None:
        cats = {"name": "cats", "rows": [{"name": "Tom"}], "enabled": True}
        dogs = {"name": "dogs", "rows": [{"name": "Rex"}], "enabled": True}
        case = a_saved_case(data_sets=[cats])

        case.add_data_set(dogs, meta=an_edit_meta())

        assert changes_by_event(case) == [
            ("DataSetAdded", [{"field": "data_sets", "old": [cats], "new": [cats, dogs]}])
        ]
        assert case.data_sets == [cats, dogs]

    def test_refuses_a_second_data_set_with_the_same_name(self) -> None:
        cats = {"name": "cats", "rows": [], "enabled": True}
        case = a_saved_case(data_sets=[cats])

        with pytest.raises(ConflictError, match="already has a data set named 'cats'"):
            case.add_data_set(
                {"name": "cats", "rows": [{"a": 1}], "enabled": True}, meta=an_edit_meta()
            )


class TestEnableTestCase:
    def test_disables_then_enables_recording_each_change(self) -> None:
        case = a_saved_case()

        assert case.set_enabled(False, meta=an_edit_meta()) is True
        assert case.set_enabled(True, meta=an_edit_meta()) is True

        assert changes_by_event(case) == [
            ("Disabled", [{"field": "enabled", "old": True, "new": False}]),
            ("Enabled", [{"field": "enabled", "old": False, "new": True}]),
        ]
        assert case.enabled is True

    def test_records_nothing_when_already_in_that_state(self) -> None:
        case = a_saved_case()

        assert case.set_enabled(True, meta=an_edit_meta()) is False
        assert case.collect_events() == []


class TestPlaceTestCase:
    def test_records_a_new_order_index_alone(self) -> None:
        case = a_saved_case()

        case.place(order_index=0, custom_order_index=None, meta=an_edit_meta())

        assert changes_by_event(case) == [
            ("OrderChanged", [{"field": "order_index", "old": 3, "new": 0}])
        ]

    def test_records_a_custom_order_index_and_marks_the_order_customized(self) -> None:
        case = a_saved_case()

        case.place(order_index=3, custom_order_index=1, meta=an_edit_meta())

        assert changes_by_event(case) == [
            (
                "CustomOrderSet",
                [
                    {"field": "custom_order_index", "old": None, "new": 1},
                    {"field": "is_order_customized", "old": False, "new": True},
                ],
            )
        ]
        assert (case.custom_order_index, case.is_order_customized) == (1, True)

    def test_clears_a_custom_order_index(self) -> None:
        case = a_saved_case()
        case.place(order_index=3, custom_order_index=1, meta=an_edit_meta())
        case.collect_events()

        case.place(order_index=2, custom_order_index=None, meta=an_edit_meta())

        assert changes_by_event(case) == [
            ("OrderChanged", [{"field": "order_index", "old": 3, "new": 2}]),
            (
                "CustomOrderSet",
                [
                    {"field": "custom_order_index", "old": 1, "new": None},
                    {"field": "is_order_customized", "old": True, "new": False},
                ],
            ),
        ]

    def test_records_nothing_when_the_case_does_not_move(self) -> None:
        case = a_saved_case()

        case.place(order_index=3, custom_order_index=None, meta=an_edit_meta())

        assert case.collect_events() == []


class TestCaseDependencies:
    def test_records_a_change_of_dependencies(self) -> None:
        login = str(uuid4())
        case = a_saved_case()

        case.set_dependencies([login], meta=an_edit_meta())
        case.set_dependencies([login], meta=an_edit_meta())

        assert changes_by_event(case) == [
            ("DependencyChanged", [{"field": "depends_on", "old": [], "new": [login]}])
        ]


class TestDeleteTestCase:
    def test_records_the_deletion_as_a_change(self) -> None:
        case = a_saved_case()

        case.delete(meta=an_edit_meta(reason="duplicate"))

        assert changes_by_event(case) == [
            ("Deleted", [{"field": "deleted", "old": False, "new": True}])
        ]
        assert case.deleted is True

    @pytest.mark.parametrize(
        "change",
        [
            lambda c: c.edit({"name": "x"}, meta=a_meta()),
            lambda c: c.set_enabled(False, meta=a_meta()),
            lambda c: c.add_data_set({"name": "d", "rows": [], "enabled": True}, meta=a_meta()),
            lambda c: c.set_dependencies([str(uuid4())], meta=a_meta()),
            lambda c: c.place(order_index=0, custom_order_index=None, meta=a_meta()),
            lambda c: c.delete(meta=a_meta()),
        ],
    )
    def test_refuses_every_change_after_deletion(self, change: Any) -> None:
        case = a_saved_case()
        case.delete(meta=an_edit_meta())
        case.collect_events()

        with pytest.raises(ConflictError, match="the test case is deleted"):
            change(case)

        assert case.collect_events() == []


class TestTestCaseEvents:
    def test_replay_to_the_same_state(self) -> None:
        case = a_case()
        case.edit({"name": "Find a cat", "request": a_request(url="/cats/1")}, meta=an_edit_meta())
        case.set_enabled(False, meta=an_edit_meta())
        case.place(order_index=1, custom_order_index=0, meta=an_edit_meta())

        rebuilt = replay(case.collect_events())

        assert rebuilt.snapshot_fields() == case.snapshot_fields()
        assert rebuilt.version == case.version == 6
