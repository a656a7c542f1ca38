"""Execution order and dependencies of a suite's cases: the pure functions behind TestSuite."""

from typing import Any

import pytest

from domain.shared.errors import InvalidValueError
from domain.suites.ordering import (
    OrderMismatchError,
    effective_index,
    execution_order,
    require_dependencies_first,
    require_no_cycle,
    require_permutation,
)


def a_case(case_id: str, order_index: int, custom_order_index: int | None = None) -> dict[str, Any]:
    return {
        "id": case_id,
        "order_index": order_index,
        "custom_order_index": custom_order_index,
        "depends_on": [],
    }


class TestEffectiveIndex:
    def test_is_the_order_index_when_no_custom_index_is_set(self) -> None:
        assert effective_index(a_case("login", 4)) == 4

    def test_is_the_custom_index_when_a_reviewer_set_one(self) -> None:
        assert effective_index(a_case("login", 4, custom_order_index=1)) == 1

    def test_keeps_a_custom_index_of_zero_rather_than_falling_back(self) -> None:
        assert effective_index(a_case("login", 4, custom_order_index=0)) == 0


class TestExecutionOrder:
    def test_runs_cases_by_order_index_when_none_is_customized(self) -> None:
        cases = [a_case("delete", 2), a_case("login", 0), a_case("create", 1)]

        assert execution_order(cases) == ["login", "create", "delete"]

    def test_runs_cases_by_custom_order_index_over_order_index(self) -> None:
        cases = [
            a_case("login", 0, custom_order_index=2),
            a_case("create", 1, custom_order_index=0),
            a_case("delete", 2, custom_order_index=1),
        ]

        assert execution_order(cases) == ["create", "delete", "login"]

    def test_places_an_uncustomized_case_by_its_order_index_among_custom_ones(self) -> None:
        cases = [
            a_case("login", 0, custom_order_index=1),
            a_case("create", 1, custom_order_index=0),
            a_case("added-later", 5),
        ]

        assert execution_order(cases) == ["create", "login", "added-later"]

    def test_breaks_ties_by_order_index_then_by_id(self) -> None:
        cases = [
            a_case("b", 3, custom_order_index=0),
            a_case("a", 3, custom_order_index=0),
            a_case("z", 1, custom_order_index=0),
        ]

        assert execution_order(cases) == ["z", "a", "b"]

    def test_is_empty_for_a_suite_without_cases(self) -> None:
        assert execution_order([]) == []


class TestRequireNoCycle:
    def test_accepts_a_chain_and_a_diamond(self) -> None:
        require_no_cycle(
            {
                "login": [],
                "create": ["login"],
                "read": ["create", "login"],
                "delete": ["read", "create"],
            }
        )

    def test_refuses_a_case_that_depends_on_itself(self) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_no_cycle({"login": ["login"]})

        assert refused.value.field == "depends_on"
        assert "login -> login" in refused.value.message

    def test_refuses_a_loop_naming_every_case_on_it_in_order(self) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_no_cycle({"login": ["delete"], "create": ["login"], "delete": ["create"]})

        assert refused.value.field == "depends_on"
        assert "the dependencies form a cycle: login -> delete -> create -> login" in str(
            refused.value
        )

    def test_names_only_the_loop_and_not_the_path_that_led_to_it(self) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_no_cycle({"entry": ["a"], "a": ["b"], "b": ["a"]})

        assert refused.value.message.endswith("cycle: a -> b -> a")

    def test_accepts_dependencies_on_cases_it_has_no_entry_for(self) -> None:
        require_no_cycle({"create": ["login"]})


class TestRequireDependenciesFirst:
    def test_accepts_an_order_that_runs_every_dependency_first(self) -> None:
        require_dependencies_first(
            ["login", "create", "delete"], {"create": ["login"], "delete": ["create", "login"]}
        )

    def test_refuses_an_order_that_runs_a_dependency_later_naming_both_cases(self) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_dependencies_first(["create", "login"], {"create": ["login"]})

        assert refused.value.field == "order"
        assert refused.value.message == (
            "order: case create depends on case login, which the order runs after it"
        )

    def test_ignores_dependencies_on_cases_the_order_does_not_hold(self) -> None:
        require_dependencies_first(["create"], {"create": ["gone"]})


class TestRequirePermutation:
    def test_accepts_every_case_exactly_once_in_any_order(self) -> None:
        require_permutation(["c", "a", "b"], ["a", "b", "c"])

    def test_refuses_a_case_listed_twice(self) -> None:
        with pytest.raises(InvalidValueError, match="more than once") as refused:
            require_permutation(["a", "a", "b"], ["a", "b"])

        assert refused.value.field == "order"

    def test_refuses_an_order_that_leaves_a_case_out_naming_it(self) -> None:
        with pytest.raises(OrderMismatchError, match=r"leaves out cases: \['c'\]"):
            require_permutation(["a", "b"], ["a", "b", "c"])

    def test_refuses_a_case_of_another_suite_naming_it(self) -> None:
        with pytest.raises(OrderMismatchError, match=r"not cases of this suite: \['x'\]"):
            require_permutation(["a", "b", "x"], ["a", "b"])
