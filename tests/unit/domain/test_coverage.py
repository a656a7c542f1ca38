"""Coverage of a specification by sent requests: endpoints, statuses, parameters, body fields."""

from decimal import Decimal
from typing import Any

from domain.coverage.calculation import Exercise, calculate, merge, summarize


def endpoint(
    method: str,
    path: str,
    *,
    tags: list[str] | None = None,
    statuses: tuple[str, ...] = ("200",),
    parameters: list[tuple[str, str]] | None = None,
    body: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "method": method,
        "path": path,
        "tags": tags or [],
        "parameters": [{"name": n, "location": loc} for loc, n in parameters or []],
        "request_body": None
        if body is None
        else {"schema": {"type": "object", "properties": {name: {} for name in body}}},
        "responses": [{"status_code": s} for s in statuses],
    }


SPEC = [
    endpoint("GET", "/pets", tags=["pets"], parameters=[("query", "limit"), ("header", "X-Trace")]),
    endpoint("POST", "/pets", tags=["pets"], statuses=("201", "4XX"), body=["name", "tag"]),
    endpoint("GET", "/pets/mine", tags=["pets"]),
    endpoint(
        "GET",
        "/pets/{petId}",
        tags=["pets"],
        statuses=("200", "404", "default"),
        parameters=[("path", "petId")],
    ),
    endpoint("DELETE", "/pets/{petId}", tags=["pets"], parameters=[("path", "petId")]),
    endpoint("GET", "/stores", tags=["stores"]),
    endpoint("GET", "/health"),
]


def sent(method: str, url: str, status: int, body: str = "", **headers: str) -> Exercise:
    return Exercise(
        endpoint_key="",
        method=method,
        url=url,
        headers=headers,
        body=body,
        response_status=status,
    )


class TestCalculate:
    def test_names_every_endpoint_no_request_reached(self) -> None:
        found = calculate(
            SPEC,
            [
                sent("GET", "https://api.example.com/v1/pets?limit=5", 200),
                sent("POST", "https://api.example.com/v1/pets", 422, '{"name": "Rex", "x": 1}'),
                sent("GET", "https://api.example.com/v1/pets/abc", 404),
                sent("GET", "https://api.example.com/v1/pets/abc", 500),
                sent("GET", "https://api.example.com/v1/pets/mine", 200),
            ],
        )
        figures = summarize(found)
        assert (figures.total_endpoints, figures.tested_endpoints) == (7, 4)
        assert figures.coverage_percent == Decimal("57.14")
        assert figures.uncovered_paths == ["DELETE /pets/{petId}", "GET /stores", "GET /health"]
        assert figures.by_method == {"DELETE": 0.0, "GET": 60.0, "POST": 100.0}
        assert figures.by_tag == {"(untagged)": 0.0, "pets": 80.0, "stores": 0.0}

    def test_tells_documented_statuses_observed_from_those_not_documented(self) -> None:
        by_key = {
            e.key: e
            for e in calculate(
                SPEC,
                [
                    sent("POST", "/pets", 422, "{}"),
                    sent("GET", "/pets/1", 404),
                    sent("GET", "/pets/1", 503),
                    sent("GET", "/stores", 418),
                ],
            )
        }
        assert by_key["POST /pets"].statuses_observed == ["4XX"]
        assert by_key["GET /pets/{petId}"].statuses_observed == ["404", "default"]
        assert by_key["GET /stores"].statuses_undocumented == ["418"]
        assert summarize(list(by_key.values())).statuses == {
            "documented": 10,
            "exercised": 3,
            "percent": 30.0,
        }

    def test_counts_parameters_and_body_fields_that_were_sent(self) -> None:
        by_key = {
            e.key: e
            for e in calculate(
                SPEC,
                [
                    sent("GET", "/pets?limit=1", 200, **{"x-trace": "t"}),
                    sent("POST", "/pets", 201, '{"name": "Rex", "unknown": 1}'),
                    sent("POST", "/pets", 201, "tag=small"),
                ],
            )
        }
        assert by_key["GET /pets"].parameters_exercised == ["header:X-Trace", "query:limit"]
        assert by_key["POST /pets"].body_fields_sent == ["name", "tag"]
        assert by_key["GET /pets/{petId}"].parameters_exercised == []

    def test_prefers_the_endpoint_the_case_names_and_literal_paths_over_templates(
        self,
    ) -> None:
        named = Exercise(endpoint_key="DELETE /pets/{petId}", method="DELETE", url="/x", headers={})
        by_key = {e.key: e for e in calculate(SPEC, [named, sent("GET", "/pets/mine", 200)])}
        assert by_key["DELETE /pets/{petId}"].tested and by_key["GET /pets/mine"].tested
        assert not by_key["GET /pets/{petId}"].tested

    def test_calls_a_specification_without_endpoints_fully_covered(self) -> None:
        assert summarize(calculate([], [sent("GET", "/x", 200)])).coverage_percent == Decimal(
            "100.00"
        )


class TestMerge:
    def test_unites_what_several_runs_exercised(self) -> None:
        first = calculate(SPEC, [sent("GET", "/pets?limit=1", 200)])
        second = calculate(SPEC, [sent("GET", "/stores", 200), sent("GET", "/pets", 500)])
        figures = summarize(merge([first, second]))
        assert figures.tested_endpoints == 2
        united = {e.key: e for e in merge([first, second])}
        assert united["GET /pets"].statuses_undocumented == ["500"]
        assert united["GET /pets"].parameters_exercised == ["query:limit"]
