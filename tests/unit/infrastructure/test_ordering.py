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
        assert waits["read"] == {"create"}
        assert waits["search"] == {"create", "read"}  # uses the pet the read addressed
        assert waits["delete"] == {"create", "read", "search"}

    def test_users_of_a_resource_run_together_between_the_cases_addressing_it(self) -> None:
        plan = [
            a_case("create", extracts=("petId",)),
            a_case("read", "/pets/{{petId}}"),
            a_case("order-1", "/orders", body={"petId": "{{petId}}"}),
            a_case("order-2", "/orders", body={"petId": "{{petId}}"}),
            a_case("delete", "/pets/{{petId}}"),
        ]
        waits = ordering_waits(plan)
        assert waits["order-1"] == waits["order-2"] == {"create", "read"}
        assert waits["delete"] == {"create", "read", "order-1", "order-2"}

    def test_every_case_reads_what_the_environments_headers_read(self) -> None:
        plan = [a_case("before"), a_case("login", extracts=("token",)), a_case("after")]
        waits = ordering_waits(plan, always_read={"token"})
        assert waits == {"login": {"before"}, "after": {"login"}}

    def test_extractions_of_one_variable_keep_their_order_so_the_last_one_wins(self) -> None:
        plan = [a_case(f"c{n}", extracts=("requestId",)) for n in range(3)]
        assert ordering_waits(plan) == {"c1": {"c0"}, "c2": {"c1"}}
