"""The ApiSpecification aggregate: its parse status flow, activation and hand-typed endpoints."""

from collections.abc import Callable
from uuid import uuid4

import pytest

from domain.shared.errors import ConflictError, InvalidValueError, NotFoundError
from domain.specifications.model import ApiSpecification, ParseStatus, endpoint_key
from domain.specifications.parsed import (
    ParameterLocation,
    ParsedEndpoint,
    ParsedParameter,
    ParsedResponse,
    ParsedSpecification,
    ParseIssue,
    SourceType,
)
from tests.unit.builders import a_meta, replay

OWNER = uuid4()


def an_upload(
    *, name: str = "petstore.yaml", format_hint: SourceType | None = None
) -> ApiSpecification:
    return ApiSpecification.upload(
        project_id=uuid4(),
        owner_id=OWNER,
        name=name,
        original_file_id=uuid4(),
        format_hint=format_hint,
        meta=a_meta(user_id=OWNER),
    )


def a_manual_spec(name: str = "Typed in") -> ApiSpecification:
    return ApiSpecification.manual(
        project_id=uuid4(), owner_id=OWNER, name=name, meta=a_meta(user_id=OWNER)
    )


def an_endpoint(method: str = "GET", path: str = "/pets", **fields: object) -> ParsedEndpoint:
    return ParsedEndpoint(method=method, path=path, **fields)  # type: ignore[arg-type]


def a_parsed_spec(
    *endpoints: ParsedEndpoint, issues: list[ParseIssue] | None = None
) -> ParsedSpecification:
    return ParsedSpecification(
        source_type=SourceType.OpenApi30,
        title="Petstore",
        version="1.2.0",
        servers=["https://api.petstore.example.com/v1"],
        endpoints=list(endpoints or (an_endpoint(),)),
        issues=issues or [],
    )


def a_parsing_spec() -> ApiSpecification:
    spec = an_upload()
    spec.start_parsing(meta=a_meta())
    return spec


def a_parsed(*endpoints: ParsedEndpoint) -> ApiSpecification:
    spec = a_parsing_spec()
    spec.record_parsed(a_parsed_spec(*endpoints), meta=a_meta())
    return spec


def a_failed() -> ApiSpecification:
    spec = a_parsing_spec()
    spec.record_failure(
        [ParseIssue("line 3, column 7", "mapping values are not allowed")], meta=a_meta()
    )
    return spec


def event_types(spec: ApiSpecification) -> list[str]:
    return [type(e).__name__ for e in spec.collect_events()]


class TestEndpointKey:
    def test_names_an_endpoint_by_upper_case_method_and_path(self) -> None:
        assert endpoint_key("get", "/pets/{petId}") == "GET /pets/{petId}"


class TestUploadSpecification:
    def test_waits_to_be_parsed(self) -> None:
        spec = an_upload(name=" petstore.yaml ", format_hint=SourceType.OpenApi30)

        assert spec.status == ParseStatus.PENDING
        assert (spec.name, spec.format_hint, spec.source_type) == (
            "petstore.yaml",
            "OpenAPI 3.0",
            "OpenAPI 3.0",
        )
        assert (spec.attempts, spec.is_active, spec.parsed, spec.issues) == (0, False, None, [])
        assert spec.specification() is None
        assert spec.endpoint_keys() == []

    def test_keeps_no_format_when_none_is_given(self) -> None:
        assert an_upload().format_hint == ""

    @pytest.mark.parametrize("name", ["", "  ", "n" * 201])
    def test_refuses_a_bad_name(self, name: str) -> None:
        with pytest.raises(InvalidValueError) as refused:
            an_upload(name=name)

        assert refused.value.field == "name"


class TestParseFlow:
    def test_goes_from_pending_to_processing_counting_attempts(self) -> None:
        spec = an_upload()

        spec.start_parsing(meta=a_meta())
        assert (spec.status, spec.attempts) == (ParseStatus.PROCESSING, 1)

        spec.start_parsing(meta=a_meta())  # the worker died: another attempt
        assert (spec.status, spec.attempts) == (ParseStatus.PROCESSING, 2)

    def test_keeps_what_was_read_on_success(self) -> None:
        warning = ParseIssue("/paths/~1pets/get", "an unknown keyword was skipped")
        spec = a_parsing_spec()
        parsed = a_parsed_spec(
            an_endpoint("GET", "/pets"), an_endpoint("POST", "/pets"), issues=[warning]
        )

        spec.record_parsed(parsed, meta=a_meta())

        assert spec.status == ParseStatus.SUCCESS
        assert (spec.source_type, spec.title, spec.api_version) == (
            "OpenAPI 3.0",
            "Petstore",
            "1.2.0",
        )
        assert spec.specification() == parsed
        assert spec.endpoint_keys() == ["GET /pets", "POST /pets"]
        assert spec.issues == [warning.to_json()]

    def test_truncates_an_overlong_title_and_version(self) -> None:
        spec = a_parsing_spec()
        parsed = ParsedSpecification(
            source_type=SourceType.OpenApi31,
            title="t" * 300,
            version="v" * 80,
            endpoints=[an_endpoint()],
        )

        spec.record_parsed(parsed, meta=a_meta())

        assert (len(spec.title), len(spec.api_version)) == (200, 50)

    def test_records_why_nothing_could_be_read_on_failure(self) -> None:
        spec = a_failed()

        assert spec.status == ParseStatus.FAILED
        assert spec.issues == [
            {"location": "line 3, column 7", "message": "mapping values are not allowed"}
        ]
        assert spec.parsed is None

    def test_can_fail_a_parse_that_never_started(self) -> None:
        spec = an_upload()

        spec.record_failure([ParseIssue("/", "the parse job failed 3 times")], meta=a_meta())

        assert spec.status == ParseStatus.FAILED

    def test_refuses_a_result_for_a_spec_that_is_not_being_parsed(self) -> None:
        spec = an_upload()

        with pytest.raises(ConflictError, match=r"not being parsed \(Pending\)"):
            spec.record_parsed(a_parsed_spec(), meta=a_meta())

    @pytest.mark.parametrize("finished", [a_parsed, a_failed])
    @pytest.mark.parametrize(
        "step",
        [
            lambda s: s.start_parsing(meta=a_meta()),
            lambda s: s.record_failure([ParseIssue("/", "late")], meta=a_meta()),
            lambda s: s.record_parsed(a_parsed_spec(), meta=a_meta()),
        ],
    )
    def test_refuses_to_parse_a_finished_spec_again(
        self,
        finished: Callable[[], ApiSpecification],
        step: Callable[[ApiSpecification], None],
    ) -> None:
        spec = finished()
        status = spec.status
        spec.collect_events()

        with pytest.raises(ConflictError):
            step(spec)

        assert spec.status == status
        assert spec.collect_events() == []

    def test_records_each_step_as_an_event_that_replays_to_the_same_state(self) -> None:
        spec = a_parsed(an_endpoint())

        events = spec.collect_events()

        assert [type(e).__name__ for e in events] == ["Uploaded", "ParsingStarted", "Parsed"]
        assert replay(events).__dict__ == spec.__dict__


class TestActivateSpecification:
    def test_activates_a_parsed_spec_once(self) -> None:
        spec = a_parsed()
        spec.collect_events()

        spec.activate(meta=a_meta())
        spec.activate(meta=a_meta())

        assert spec.is_active
        assert event_types(spec) == ["Activated"]

    @pytest.mark.parametrize("unparsed", [an_upload, a_parsing_spec, a_failed])
    def test_refuses_a_spec_that_is_not_parsed(
        self, unparsed: Callable[[], ApiSpecification]
    ) -> None:
        spec = unparsed()

        with pytest.raises(ConflictError, match="only a parsed specification can be active"):
            spec.activate(meta=a_meta())

        assert not spec.is_active

    def test_deactivates_an_active_spec_and_ignores_an_inactive_one(self) -> None:
        spec = a_parsed()
        spec.activate(meta=a_meta())
        spec.collect_events()

        spec.deactivate(meta=a_meta())
        spec.deactivate(meta=a_meta())

        assert not spec.is_active
        assert event_types(spec) == ["Deactivated"]


class TestManualSpecification:
    def test_starts_parsed_and_empty(self) -> None:
        spec = a_manual_spec(" Typed in ")

        assert (spec.status, spec.source_type, spec.name) == (
            ParseStatus.SUCCESS,
            "Manual",
            "Typed in",
        )
        assert spec.original_file_id is None
        assert spec.specification() == ParsedSpecification(
            source_type=SourceType.Manual, title="Typed in"
        )

    def test_can_be_activated_at_once(self) -> None:
        spec = a_manual_spec()

        spec.activate(meta=a_meta())

        assert spec.is_active

    def test_adds_endpoints_by_hand(self) -> None:
        spec = a_manual_spec()
        detail = an_endpoint(
            "GET",
            "/pets/{petId}",
            parameters=[
                ParsedParameter(name="petId", location=ParameterLocation.Path, required=True)
            ],
            responses=[ParsedResponse(status_code="200")],
        )

        spec.add_endpoint(an_endpoint("GET", "/pets"), meta=a_meta())
        spec.add_endpoint(detail, meta=a_meta())

        assert spec.endpoint_keys() == ["GET /pets", "GET /pets/{petId}"]
        parsed = spec.specification()
        assert parsed is not None
        assert parsed.endpoints[1] == detail

    @pytest.mark.parametrize("method", ["GET", "get"])
    def test_refuses_an_endpoint_it_already_has(self, method: str) -> None:
        spec = a_manual_spec()
        spec.add_endpoint(an_endpoint("GET", "/pets"), meta=a_meta())
        spec.collect_events()

        with pytest.raises(ConflictError, match="already has GET /pets"):
            spec.add_endpoint(an_endpoint(method, "/pets"), meta=a_meta())

        assert spec.endpoint_keys() == ["GET /pets"]
        assert spec.collect_events() == []

    def test_accepts_the_same_path_with_another_method(self) -> None:
        spec = a_manual_spec()
        spec.add_endpoint(an_endpoint("GET", "/pets"), meta=a_meta())

        spec.add_endpoint(an_endpoint("POST", "/pets"), meta=a_meta())

        assert spec.endpoint_keys() == ["GET /pets", "POST /pets"]

    def test_removes_an_endpoint_whatever_the_case_of_its_method(self) -> None:
        spec = a_manual_spec()
        spec.add_endpoint(an_endpoint("GET", "/pets"), meta=a_meta())
        spec.add_endpoint(an_endpoint("POST", "/pets"), meta=a_meta())
        spec.collect_events()

        spec.remove_endpoint(method="get", path="/pets", meta=a_meta())

        assert spec.endpoint_keys() == ["POST /pets"]
        (removed,) = spec.collect_events()
        assert isinstance(removed, ApiSpecification.EndpointRemoved)
        assert (removed.method, removed.path) == ("GET", "/pets")

    def test_refuses_to_remove_an_endpoint_it_does_not_have(self) -> None:
        spec = a_manual_spec()

        with pytest.raises(NotFoundError) as refused:
            spec.remove_endpoint(method="DELETE", path="/pets", meta=a_meta())

        assert "no endpoint DELETE /pets" in refused.value.message

    @pytest.mark.parametrize("uploaded", [an_upload, a_parsed])
    def test_refuses_hand_edits_to_an_uploaded_spec(
        self, uploaded: Callable[[], ApiSpecification]
    ) -> None:
        spec = uploaded()

        with pytest.raises(ConflictError, match="only to a Manual specification"):
            spec.add_endpoint(an_endpoint("PATCH", "/pets"), meta=a_meta())
        with pytest.raises(ConflictError, match="only from a Manual specification"):
            spec.remove_endpoint(method="GET", path="/pets", meta=a_meta())

    def test_replays_added_and_removed_endpoints(self) -> None:
        spec = a_manual_spec()
        spec.add_endpoint(an_endpoint("GET", "/pets"), meta=a_meta())
        spec.add_endpoint(an_endpoint("POST", "/pets"), meta=a_meta())
        spec.remove_endpoint(method="GET", path="/pets", meta=a_meta())

        rebuilt = replay(spec.collect_events())

        assert rebuilt.endpoint_keys() == ["POST /pets"]
        assert rebuilt.__dict__ == spec.__dict__
