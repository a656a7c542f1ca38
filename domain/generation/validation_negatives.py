"""Negative cases a request validator must refuse: missing, malformed or mistyped values."""

import dataclasses

from domain.generation.boundaries import outside_enum
from domain.generation.constraints import main_type
from domain.generation.drafts import CaseDraft, negative_draft, preview
from domain.generation.fields import RequestField
from domain.generation.mutations import with_header
from domain.shared.json_fields import JsonValue
from domain.testing.values import BodyType, Priority, RequestSpec

MALFORMED_JSON = '{"broken": '
WRONG_TYPE: dict[str, JsonValue] = {
    "string": 12345,
    "integer": "not-a-number",
    "number": "not-a-number",
    "boolean": "not-a-boolean",
    "array": "not-an-array",
    "object": "not-an-object",
}
_SCALARS = ("integer", "number", "boolean")


def missing_required(fields: list[RequestField], statuses: list[int]) -> list[CaseDraft]:
    """This function will leave out, one case each, every required field the request sends."""
    return [
        negative_draft(
            f"missingRequired:{field.name}",
            f"missing required {field.name} is refused",
            f"Leaves out the required {_kind(field)} {field.key}",
            field.without(),
            statuses,
            tags=["validation"],
        )
        for field in fields
        if field.required and field.sent and field.key and field.location != "path"
    ]


def malformed_json(request: RequestSpec, statuses: list[int]) -> list[CaseDraft]:
    """This function will send truncated JSON text in place of a JSON body."""
    if request.body_type != BodyType.JSON:
        return []
    content_type = request.headers.get("Content-Type", "application/json")
    broken = dataclasses.replace(request, body_type=BodyType.Raw, body=MALFORMED_JSON)
    return [
        negative_draft(
            "malformedJson",
            "malformed JSON body is refused",
            f"Sends the truncated JSON text {MALFORMED_JSON}",
            with_header(broken, "Content-Type", content_type),
            statuses,
            tags=["validation"],
            priority=Priority.Low,
        )
    ]


def empty_body(required: bool, request: RequestSpec, statuses: list[int]) -> list[CaseDraft]:
    """This function will send no body at all where the operation requires one.

    A server that reads the body without checking that one came crashes on it (a 500), the
    bug a body of the wrong shape never finds.
    """
    # A form with no fields is what the missing-required cases already send, field by field.
    if not required or request.body_type in (
        BodyType.None_,
        BodyType.FormData,
        BodyType.UrlEncoded,
    ):
        return []
    empty = dataclasses.replace(request, body_type=BodyType.Raw, body="")
    return [
        negative_draft(
            "emptyBody",
            "an empty body is refused",
            "Sends the request without its required body (Content-Length: 0)",
            empty,
            statuses,
            tags=["validation"],
            priority=Priority.Low,
        )
    ]


def outside_enums(fields: list[RequestField], statuses: list[int]) -> list[CaseDraft]:
    """This function will send, one case each, a value outside every enum of the request."""
    drafts = []
    for field in _spoilable(fields):
        members = field.schema.get("enum")
        if isinstance(members, list) and members:
            value = outside_enum(members)
            drafts.append(
                negative_draft(
                    f"notInEnum:{field.name}",
                    f"{field.name} outside its enum is refused",
                    f"Sends {field.name} = {preview(value)}, not one of {preview(members)}",
                    field.with_value(value),
                    statuses,
                    tags=["validation"],
                )
            )
    return drafts


def wrong_types(fields: list[RequestField], statuses: list[int]) -> list[CaseDraft]:
    """This function will send, one case each, a value of the wrong JSON type."""
    drafts = []
    for field in _spoilable(fields):
        kind = main_type(field.schema)
        # Query and header values are all text, and "a" is a one-item form-style array:
        # outside a body only numbers and booleans can be sent with the wrong type.
        if kind not in WRONG_TYPE or not (field.in_body or kind in _SCALARS):
            continue
        if "type" not in field.schema:
            # A type only implied ("properties" without "type": object, keyvault's
            # CertificateAttributes) constrains nothing else: JSON Schema accepts a string
            # there, so a value "of the wrong type" would be valid.
            continue
        value = WRONG_TYPE[kind]
        drafts.append(
            negative_draft(
                f"wrongType:{field.name}",
                f"{field.name} of the wrong type is refused",
                f"Sends {field.name} = {preview(value)} where {kind} is expected",
                field.with_value(value),
                statuses,
                tags=["validation"],
                priority=Priority.Low,
            )
        )
    return drafts


def _spoilable(fields: list[RequestField]) -> list[RequestField]:
    """This function will keep the sent body properties, and query and sent header values.

    Path values are left alone: a server may answer 404 rather than 400 for them.
    """
    return [
        field
        for field in fields
        if field.location != "path"
        and (field.sent or field.location == "query")
        and not (field.in_body and field.key == "")
    ]


def _kind(field: RequestField) -> str:
    return "body property" if field.in_body else f"{field.location} parameter"
