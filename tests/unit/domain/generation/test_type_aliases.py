"""Types that are not types: an alias is read as its real type, and the notes say so."""

from domain.generation.generator import GenerationOptions, generate_suite
from domain.testing.values import TestType
from tests.unit.domain.generation.builders import (
    a_body,
    a_parameter,
    a_response,
    a_specification,
    an_endpoint,
)


def _suite(**schema: object) -> tuple[object, list[str], list[object]]:
    spec = a_specification(
        an_endpoint(
            "GET",
            "/items",
            parameters=[a_parameter("count", required=True, **schema)],
            responses=[a_response("200")],
        )
    )
    suite = generate_suite(spec, None, GenerationOptions(max_cases_per_operation=40))
    happy = suite.case("GET /items#happy").request.query_params["count"]
    boundaries = [
        case.request.query_params.get("count")
        for case in suite.cases
        if case.test_type == TestType.Boundary
    ]
    return happy, suite.notes, boundaries


class TestTypeAliases:
    def test_an_int_parameter_gets_an_integer(self) -> None:
        happy, notes, boundaries = _suite(type="int", minimum=1, maximum=5)

        assert str(happy).isdigit() and 1 <= int(str(happy)) <= 5
        assert {"0", "1", "5", "6"} <= {str(value) for value in boundaries}
        assert (
            "GET /items: parameter 'count': type 'int' is not a type; it is read as 'integer'"
            in notes
        )

    def test_a_bool_parameter_gets_a_boolean(self) -> None:
        happy, notes, _ = _suite(type="bool")

        assert str(happy).lower() in ("true", "false")
        assert any("'bool' is not a type; it is read as 'boolean'" in note for note in notes)

    def test_an_alias_inside_a_body_is_read_too(self) -> None:
        body = {
            "type": "object",
            "required": ["age"],
            "properties": {"age": {"type": "integer32", "minimum": 3, "maximum": 9}},
        }
        spec = a_specification(
            an_endpoint("POST", "/people", request_body=a_body(body), responses=[a_response("201")])
        )

        suite = generate_suite(spec, None, GenerationOptions())

        age = suite.case("POST /people#happy").request.body["age"]  # type: ignore[index]
        assert isinstance(age, int) and 3 <= age <= 9
        assert any("'integer32' is not a type; it is read as 'integer'" in n for n in suite.notes)

    def test_an_unknown_type_is_left_out_and_said(self) -> None:
        _, notes, _ = _suite(type="widget")

        assert any("'widget' is not a type; values are generated without one" in n for n in notes)
