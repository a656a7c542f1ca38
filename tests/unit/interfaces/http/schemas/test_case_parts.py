"""The typed parts of a case agree with the domain's values and describe every kind."""

from typing import Any, get_args

import pytest
from pydantic import TypeAdapter, ValidationError

from domain.testing.enums import JSON_TYPE_NAMES
from domain.testing.rules import HTTP_METHODS
from domain.testing.values import RequestSpec
from interfaces.http.schemas.case_parts import (
    CaseRequest,
    CaseVariable,
    HttpMethod,
    JsonTypeName,
)
from interfaces.http.schemas.cases import CaseUpdate

requests: TypeAdapter[Any] = TypeAdapter(CaseRequest)
variables: TypeAdapter[Any] = TypeAdapter(CaseVariable)


class TestCaseParts:
    def test_name_the_domains_http_methods_and_json_types(self) -> None:
        assert set(get_args(HttpMethod)) == set(HTTP_METHODS)
        assert set(get_args(JsonTypeName)) == set(JSON_TYPE_NAMES)

    @pytest.mark.parametrize(
        "request_body",
        [
            {"method": "GET", "url": "/a"},
            {"method": "POST", "url": "/a", "body_type": "JSON", "body": "text"},
            {"method": "POST", "url": "/a", "body_type": "UrlEncoded", "body": {"a": "1"}},
            {"method": "POST", "url": "/a", "body_type": "Raw", "body": "<x/>"},
        ],
    )
    def test_take_every_body_the_domain_takes(self, request_body: dict[str, Any]) -> None:
        taken = requests.validate_python(request_body).model_dump(mode="json")

        assert RequestSpec.from_json(taken).to_json()["body"] == request_body.get("body")

    @pytest.mark.parametrize(
        "request_body",
        [
            {"method": "GET", "url": "/a", "body": {"a": 1}},
            {"method": "POST", "url": "/a", "body_type": "Raw", "body": {"a": 1}},
            {"method": "POST", "url": "/a", "body_type": "FormData", "body": "a=1"},
            {"method": "POST", "url": "/a", "body_type": "XML", "body": "<x/>"},
        ],
    )
    def test_refuse_a_body_that_does_not_go_with_its_type(
        self, request_body: dict[str, Any]
    ) -> None:
        with pytest.raises(ValidationError):
            requests.validate_python(request_body)

    def test_refuse_a_header_name_on_an_extraction_that_reads_no_header(self) -> None:
        with pytest.raises(ValidationError):
            variables.validate_python(
                {"name": "v", "source": "body", "expression": "$.a", "header_name": "X"}
            )

    def test_describe_each_kind_of_body_in_the_openapi_document(self) -> None:
        schema = CaseUpdate.model_json_schema()
        kinds = {
            title
            for title, definition in schema["$defs"].items()
            if title.startswith("RequestWith")
        }

        assert kinds == {
            "RequestWithoutBody",
            "RequestWithJsonBody",
            "RequestWithFormBody",
            "RequestWithRawBody",
        }
        assert schema["properties"]["order_index"]["readOnly"] is True
