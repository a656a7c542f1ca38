"""What each case of a plan waits for, beyond its dependencies (ordering_waits)."""

from typing import Any

from application.testexec.execution import ExecutionCase
from infrastructure.execution.ordering import ordering_waits


def a_case(
    case_id: str, url: str = "/x", extracts: tuple[str, ...] = (), **request: Any
) -> ExecutionCase:
    return ExecutionCase(
        id=case_id,
        name=case_id,
        endpoint_key=f"GET {url}",
        request={"method": "GET", "url": url, **request},
        expectations={"expected_status": [200]},
        variables=[{"name": name, "source": "body", "expression": "$.v"} for name in extracts],
    )


class TestOrderingWaits:
    def test_leaves_a_plan_without_extractions_entirely_concurrent(self) -> None:
        plan = [a_case("a", "/{{env}}"), a_case("b", "/{{env}}")]
        assert ordering_waits(plan) == {}

    def test_readers_wait_for_the_writer_and_not_for_each_other(self) -> None:
        auth = {"Authorization": "Bearer {{token}}"}
        plan = [
            a_case("login", extracts=("token",)),
            a_case("r1", headers=auth),
            a_case("r2", headers=auth),
            a_case("again", extracts=("token",)),
            a_case("r3", x={"deep": ["{{ token }}"]}),
        ]
        assert ordering_waits(plan) == {
            "r1": {"login"},
            "r2": {"login"},
            "again": {"login", "r1", "r2"},
            "r3": {"again"},
        }

    def test_cases_addressing_the_same_created_resource_form_one_chain(self) -> None:
        plan = [
            a_case("create", extracts=("petId",)),
            a_case("read", "/pets/{id}", path_params={"id": "{{petId}}"}),
            a_case("search", "/pets", query_params={"near": "{{petId}}"}),
            a_case("delete", "/pets/{{petId}}"),
        ]
        waits = ordering_waits(plan)
        assert waits["delete"] == {"create", "read"}
        assert waits["search"] == {"create"}  # reads the id, does not address the pet
        assert waits["read"] == {"create"}
