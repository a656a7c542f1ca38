"""Execution order and dependencies of the cases of a suite: pure functions."""

from typing import Any

from domain.shared.errors import ConflictError, InconsistentValuesError, InvalidValueError


class OrderMismatchError(ConflictError):
    """An order that is not the suite's cases as they are now: the suite's state refuses it
    (a case added or deleted since the order was read), not the order's form."""


def effective_index(case: dict[str, Any]) -> int:
    """This function will give the index a case runs at: CustomOrderIndex ?? OrderIndex."""
    custom = case.get("custom_order_index")
    return int(custom if custom is not None else case["order_index"])


def execution_order(cases: list[dict[str, Any]]) -> list[str]:
    """This function will list case ids in the order they run (ties by OrderIndex, then id)."""
    return [
        c["id"]
        for c in sorted(cases, key=lambda c: (effective_index(c), c["order_index"], c["id"]))
    ]


def require_no_cycle(dependencies: dict[str, list[str]]) -> None:
    """This function will refuse dependencies that loop back on themselves."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            loop = " -> ".join([*path[path.index(node) :], node])
            raise InconsistentValuesError("depends_on", f"the dependencies form a cycle: {loop}")
        state[node] = 1
        for target in dependencies.get(node, []):
            visit(target, [*path, node])
        state[node] = 2

    for node in list(dependencies):
        visit(node, [])


def require_dependencies_first(order: list[str], dependencies: dict[str, list[str]]) -> None:
    """This function will refuse an order in which a case runs before one it depends on."""
    position = {case_id: i for i, case_id in enumerate(order)}
    for case_id, targets in dependencies.items():
        for target in targets:
            if target in position and case_id in position and position[target] > position[case_id]:
                raise InvalidValueError(
                    "order",
                    f"case {case_id} depends on case {target}, which the order runs after it",
                )


def require_permutation(order: list[str], case_ids: list[str]) -> None:
    """This function will refuse an order that is not exactly the suite's cases, once each."""
    if len(order) != len(set(order)):
        raise InvalidValueError("order", "a case appears more than once")
    missing = set(case_ids) - set(order)
    unknown = set(order) - set(case_ids)
    if unknown:
        raise OrderMismatchError(f"order: not cases of this suite: {sorted(unknown)}")
    if missing:
        raise OrderMismatchError(f"order: the order leaves out cases: {sorted(missing)}")
