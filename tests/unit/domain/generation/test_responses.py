"""The status a valid call is expected to get comes from what the operation documents."""

from domain.generation.generator import GenerationOptions, generate_suite
from domain.specifications.parsed import ParsedResponse
from tests.unit.domain.generation.builders import a_response, a_specification, an_endpoint

HAPPY = GenerationOptions(max_cases_per_operation=1)


def _happy(method: str, *responses: ParsedResponse) -> tuple[list[int], list[str]]:
    suite = generate_suite(
        a_specification(an_endpoint(method, "/things", responses=list(responses))), None, HAPPY
    )
    return suite.case(f"{method} /things#happy").expectations.expected_status, suite.notes


class TestExpectedStatuses:
    def test_an_operation_documenting_only_refusals_expects_them(self) -> None:
        statuses, notes = _happy("PUT", a_response("405"), a_response("404"))

        assert statuses == [405, 404]
        assert any("documents no success response" in note for note in notes)

    def test_a_documented_redirect_is_the_expected_status(self) -> None:
        statuses, notes = _happy("GET", a_response("302", headers={"Location": {}}))

        assert statuses == [302]
        assert any("redirects are not followed" in note for note in notes)

    def test_a_documented_redirect_is_expected_for_a_post_and_a_delete_too(self) -> None:
        assert _happy("POST", a_response("303"))[0] == [303]
        assert _happy("DELETE", a_response("301"), a_response("400"))[0] == [301]

    def test_every_documented_success_is_accepted(self) -> None:
        statuses, notes = _happy("POST", a_response("201"), a_response("200"), a_response("400"))

        assert statuses == [201, 200]
        assert notes == []

    def test_only_an_undocumented_operation_falls_back_and_says_so(self) -> None:
        statuses, notes = _happy("POST")

        assert statuses == [200, 201]
        assert any("documents no response status" in note for note in notes)

    def test_a_default_only_response_falls_back_and_says_so(self) -> None:
        statuses, notes = _happy("DELETE", a_response("default"))

        assert statuses == [200, 202, 204]
        assert any("documents no response status" in note for note in notes)
