"""An endpoint typed in through the API, handed to the domain's one manual-endpoint builder."""

from domain.shared.errors import InconsistentValuesError, InvalidValueError
from domain.specifications.errors import InconsistentEndpointError, SpecParseError
from domain.specifications.manual import build_manual_endpoint
from domain.specifications.parsed import (
    ParameterLocation,
    ParsedEndpoint,
    ParsedParameter,
    ParsedRequestBody,
    ParsedResponse,
    json_schema_type,
)
from interfaces.http.schemas.specifications import ManualEndpointCreate


def to_parsed_endpoint(body: ManualEndpointCreate) -> ParsedEndpoint:
    """This function will check and convert a typed-in endpoint; a refusal is a 422 naming
    the first field at fault (method, path or parameters) and saying every problem."""
    try:
        return build_manual_endpoint(
            body.method,
            body.path,
            operation_id=body.operation_id,
            summary=body.summary,
            description=body.description,
            tags=body.tags,
            parameters=[
                ParsedParameter(
                    name=p.name,
                    location=ParameterLocation(p.location),
                    data_type=json_schema_type(p.schema_),
                    required=p.required,
                    schema=p.schema_,
                    description=p.description,
                )
                for p in body.parameters
            ],
            request_body=None
            if body.request_body_schema is None
            else ParsedRequestBody(
                content_type="application/json", required=True, schema=body.request_body_schema
            ),
            responses=[
                ParsedResponse(
                    status_code=r.status_code,
                    description=r.description,
                    content_type="application/json" if r.schema_ else "",
                    schema=r.schema_,
                )
                for r in body.responses
            ],
        )
    except SpecParseError as error:
        field = error.issues[0].location.split("/", 1)[0]
        message = "; ".join(i.message for i in error.issues)
        if isinstance(error, InconsistentEndpointError):
            raise InconsistentValuesError(field, message) from None
        raise InvalidValueError(field, message) from None
