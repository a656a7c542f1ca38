"""A shared boundary budget, and the generation report that says what was kept and dropped."""

from domain.generation.generator import GenerationOptions, generate_suite
from domain.generation.report import MAX_VALUES, GenerationReport, OperationReport, ReportedValue
from domain.testing.values import TestType
from tests.unit.domain.generation.builders import a_body, a_response, a_specification, an_endpoint

BOOKING = {
    "type": "object",
    "required": ["guest", "room", "nights"],
    "properties": {
        "guest": {"type": "string", "minLength": 2, "maxLength": 40},
        "room": {"type": "string", "enum": ["single", "double", "suite"]},
        "nights": {"type": "integer", "minimum": 1, "maximum": 365},
    },
}


def _booking_suite() -> tuple[list[str], GenerationReport]:
    spec = a_specification(
        an_endpoint(
            "POST",
            "/bookings",
            request_body=a_body(BOOKING),
            responses=[a_response("201"), a_response("400")],
        )
    )
    suite = generate_suite(spec, None, GenerationOptions())
    keys = [case.key.partition("#")[2] for case in suite.cases]
    return keys, suite.report


class TestSharedBudget:
    def test_a_later_field_keeps_boundaries_under_the_default_budget(self) -> None:
        keys, _ = _booking_suite()

        boundaries = [key for key in keys if key.startswith("boundary:")]
        assert any(key.startswith("boundary:nights:") for key in boundaries), keys
        assert any(key.startswith("boundary:room:") for key in boundaries), keys
        assert any(key.startswith("boundary:guest:") for key in boundaries), keys

    def test_every_field_keeps_its_values_outside_the_range_under_the_default_budget(
        self,
    ) -> None:
        # An off-by-one server (366 nights accepted) is found only by the value just past
        # the maximum: the budget cuts values inside a range before values outside it.
        keys, _ = _booking_suite()

        assert "boundary:nights:maximum+1" in keys, keys
        assert "boundary:nights:minimum-1" in keys, keys
        assert "boundary:guest:maxLength+1" in keys, keys
        assert "boundary:room:notInEnum" in keys, keys

    def test_free_text_is_sent_beyond_ascii_at_the_defaults(self) -> None:
        note = {"type": "object", "properties": {"text": {"type": "string", "maxLength": 200}}}
        spec = a_specification(
            an_endpoint(
                "POST",
                "/notes",
                request_body=a_body(note),
                responses=[a_response("201"), a_response("400")],
            )
        )

        suite = generate_suite(spec, None, GenerationOptions())

        case = suite.case("POST /notes#boundary:text:nonAscii")
        assert isinstance(case.request.body, dict)
        assert not str(case.request.body["text"]).isascii()
        assert case.expectations.expected_status == [201]


class TestGenerationReport:
    def test_names_the_rules_the_kept_and_the_dropped_values(self) -> None:
        keys, report = _booking_suite()

        operation = report.operations[0]
        assert operation.endpoint_key == "POST /bookings"
        assert {"guest: length", "room: enum", "nights: range"} <= set(operation.rules)
        assert [item.case for item in operation.kept] == keys
        assert any("over the budget of 10 cases" in item.reason for item in operation.dropped)
        assert all(item.reason for item in operation.dropped)
        nights = [item for item in operation.kept if item.case.startswith("boundary:nights")]
        assert nights and all(item.value for item in nights)

    def test_survives_a_round_trip_through_json(self) -> None:
        _, report = _booking_suite()

        assert GenerationReport.from_json(report.to_json()) == report

    def test_is_bounded_and_keeps_the_counts(self) -> None:
        dropped = [ReportedValue(case=f"c{i}", reason="r") for i in range(MAX_VALUES + 5)]
        report = GenerationReport(
            operations=[OperationReport(endpoint_key="GET /x", dropped=dropped)]
        ).bounded()

        assert len(report.operations[0].dropped) == MAX_VALUES
        assert report.operations[0].dropped_count == MAX_VALUES + 5

    def test_only_boundaries_asked_still_reports(self) -> None:
        spec = a_specification(
            an_endpoint(
                "POST", "/bookings", request_body=a_body(BOOKING), responses=[a_response("201")]
            )
        )
        suite = generate_suite(spec, None, GenerationOptions(test_types=[TestType.Boundary]))

        assert suite.report.operations[0].kept
