"""Every command's events are checked for strict JSON before anything is written."""

from uuid import uuid4

import pytest

from application.apidoc.app import ApidocApplication
from application.apidoc.commands import (
    AddManualEndpoint,
    CreateManualSpecification,
    CreateProject,
)
from domain.shared.errors import InvalidValueError
from domain.specifications.parsed import ParsedEndpoint, ParsedRequestBody
from tests.unit.builders import POPO, a_meta
from tests.unit.domain.test_strict_json import nested


def an_endpoint_with_schema(schema: object) -> ParsedEndpoint:
    body = ParsedRequestBody(content_type="application/json", required=True, schema=schema)  # type: ignore[arg-type]
    return ParsedEndpoint(method="POST", path="/pets", request_body=body)


@pytest.mark.parametrize(
    "schema",
    [{"maximum": float("nan")}, {"maximum": float("inf")}, {"enum": ["a\x00"]}, nested(150)],
    ids=["NaN", "Infinity", "NUL", "nested 150 levels"],
)
def test_a_value_no_reader_could_take_back_is_refused_and_nothing_is_written(
    schema: object,
) -> None:
    apidoc, owner = ApidocApplication(env=POPO), uuid4()
    meta = a_meta(user_id=owner)
    project = apidoc.create_project(
        CreateProject(owner_id=owner, name="p", description="", base_url="", meta=meta)
    ).aggregate_id
    spec = apidoc.create_manual_specification(
        CreateManualSpecification(project_id=project, requester_id=owner, name="m", meta=meta)
    ).aggregate_id
    head = apidoc.recorder.max_notification_id()

    with pytest.raises(InvalidValueError) as refused:
        apidoc.add_manual_endpoint(
            AddManualEndpoint(
                project_id=project,
                spec_id=spec,
                requester_id=owner,
                endpoint=an_endpoint_with_schema(schema),
                meta=meta,
            )
        )

    assert refused.value.field.startswith("endpoint.request_body.schema")
    assert apidoc.recorder.max_notification_id() == head
