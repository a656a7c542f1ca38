"""Negative cases of an operation: requests a correct server must refuse.

In order of importance (the order a case budget is spent in): missing and invalid
credentials, an unknown resource id, a missing required field or parameter, a
malformed JSON body, a value outside an enum, and a value of the wrong type.
"""

from domain.generation.drafts import CaseDraft, negative_draft
from domain.generation.fields import request_fields
from domain.generation.mutations import with_parameter
from domain.generation.request_builder import HappyRequest, RequestBuilder, parameter_schema
from domain.generation.resources import endpoint_key, is_id_like
from domain.generation.responses import validation_statuses
from domain.generation.security_negatives import security_cases
from domain.generation.unknown_ids import unknown_id
from domain.generation.validation_negatives import (
    empty_body,
    malformed_json,
    missing_required,
    outside_enums,
    wrong_types,
)
from domain.specifications.parsed import ParameterLocation, ParsedEndpoint, ParsedParameter


def negative_cases(
    endpoint: ParsedEndpoint,
    happy: HappyRequest,
    builder: RequestBuilder,
    *,
    include_security: bool,
    include_enum: bool,
) -> list[CaseDraft]:
    """This function will give the negative cases of an operation, most important first.

    ``include_enum`` adds values outside an enum; it is off when boundary cases already
    probe them, so no request is generated twice.
    """
    fields = request_fields(endpoint, happy, builder)
    invalid = validation_statuses(endpoint)
    drafts = security_cases(endpoint, happy) if include_security else []
    drafts += unknown_ids(endpoint, happy, builder)
    drafts += missing_required(fields, invalid)
    # Malformed JSON is a syntax error, which HTTP answers 400 (RFC 9110 15.5.1) even where
    # the document names 422 for its validation failures: both prove the refusal.
    drafts += malformed_json(happy.request, sorted({400, *invalid}))
    required_body = endpoint.request_body is not None and endpoint.request_body.required
    drafts += empty_body(required_body, happy.request, invalid)
    if include_enum:
        drafts += outside_enums(fields, invalid)
    drafts += wrong_types(fields, invalid)
    return drafts


def unknown_ids(
    endpoint: ParsedEndpoint, happy: HappyRequest, builder: RequestBuilder
) -> list[CaseDraft]:
    """This function will address, one case each, a resource that does not exist.

    A path parameter qualifies when another operation produces it or its name designates
    an identifier ("id", "petId", "pet_id", "uuid"). The id has the parameter's type and
    format; when the documented constraints leave no value free (orderId in 1..10: any of
    them may exist), it lies outside them, and a validation refusal is accepted too.
    """
    key = endpoint_key(endpoint)
    declared = {
        item.name: item for item in endpoint.parameters if item.location == ParameterLocation.Path
    }
    drafts = []
    for name in happy.request.path_params:
        if builder.plan.binding(key, name) is None and not is_id_like(name):
            continue
        parameter = declared.get(name, ParsedParameter(name=name, location=ParameterLocation.Path))
        schema = builder.reader.resolve(parameter_schema(parameter))
        known = [happy.request.path_params[name], *map(str, parameter.examples)]
        found = unknown_id(schema, known=known, salt=f"{key} {name}")
        statuses = [404]
        description = f"Addresses {name} = {found.value}, which no resource has"
        if found.outside:
            statuses += [s for s in validation_statuses(endpoint) if s not in statuses]
            description += (
                f"; every value the specification allows may exist, so it lies outside "
                f"them ({found.outside}) and a refusal as invalid is accepted too"
            )
        drafts.append(
            negative_draft(
                f"unknownId:{name}",
                f"unknown {name} is not found",
                description,
                with_parameter(happy.request, endpoint.path, "path", name, found.value),
                statuses,
                tags=["not-found"],
            )
        )
    return drafts
