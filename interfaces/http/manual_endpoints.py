"""Turn an endpoint typed in through the API into the neutral parsed model (FE-11)."""

import re

from domain.shared.errors import InvalidValueError
from domain.specifications.parsed import (
    ParameterLocation,
    ParsedEndpoint,
    ParsedParameter,
    ParsedRequestBody,
    ParsedResponse,
    json_schema_type,
)
from interfaces.http.schemas.specifications import ManualEndpointCreate

_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"}
_PATH_PARAM = re.compile(r"\{([A-Za-z0-9_.\-]+)\}")


def to_parsed_endpoint(body: ManualEndpointCreate) -> ParsedEndpoint:
    """This function will check and convert a typed-in endpoint.

    Path parameters come from the `{name}` segments of the path (declared ones may add a
    schema); a path parameter declared but absent from the path is refused.
    """
    method = body.method.upper()
    if method not in _METHODS:
        raise InvalidValueError("method", f"must be one of {', '.join(sorted(_METHODS))}")
    path = body.path.strip()
    if not path.startswith("/") or " " in path:
        raise InvalidValueError("path", "must start with / and contain no spaces")
    in_path = _PATH_PARAM.findall(path)
    if len(set(in_path)) != len(in_path):
        raise InvalidValueError("path", "names a path parameter more than once")
    declared_keys = [(p.location, p.name) for p in body.parameters]
    if len(set(declared_keys)) != len(declared_keys):
        raise InvalidValueError("parameters", "a parameter is declared twice")
    declared = {p.name: p for p in body.parameters if p.location == "path"}
    for name in declared:
        if name not in in_path:
            raise InvalidValueError("parameters", f"path parameter {name!r} is not in the path")
    parameters = [
        ParsedParameter(
            name=name,
            location=ParameterLocation.Path,
            data_type=json_schema_type(declared[name].schema_) if name in declared else "string",
            required=True,
            schema=declared[name].schema_ if name in declared else {"type": "string"},
        )
        for name in in_path
    ]
    parameters += [
        ParsedParameter(
            name=p.name,
            location=ParameterLocation(p.location),
            data_type=json_schema_type(p.schema_),
            required=p.required,
            schema=p.schema_,
            description=p.description,
        )
        for p in body.parameters
        if p.location != "path"
    ]
    request_body = None
    if body.request_body_schema is not None:
        request_body = ParsedRequestBody(
            content_type="application/json", required=True, schema=body.request_body_schema
        )
        parameters.append(request_body.as_parameter())
    return ParsedEndpoint(
        method=method,
        path=path,
        operation_id=body.operation_id,
        summary=body.summary,
        description=body.description,
        tags=body.tags,
        parameters=parameters,
        request_body=request_body,
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
