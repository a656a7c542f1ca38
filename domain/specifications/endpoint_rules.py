"""Rules every endpoint follows, however it was described: the standard methods, the
``{name}`` parameters of a path template, and the body listed among the parameters."""

import re
from dataclasses import replace

from domain.specifications.parsed import (
    ParameterLocation,
    ParsedEndpoint,
    ParsedParameter,
    ParsedRequestBody,
)

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE_NAME = re.compile(r"{([^{}/]+)}")


def path_template_names(path: str) -> list[str]:
    """This function will list the ``{name}`` parameters of a path template, in order."""
    return _TEMPLATE_NAME.findall(path)


def with_body_parameter(
    parameters: list[ParsedParameter], request_body: ParsedRequestBody | None
) -> list[ParsedParameter]:
    """This function will list the body among the parameters, as the model requires."""
    if request_body is None:
        return parameters
    kept = [p for p in parameters if p.location is not ParameterLocation.Body]
    return [*kept, request_body.as_parameter()]


def with_body_listed(endpoint: ParsedEndpoint) -> ParsedEndpoint:
    """This function will return the endpoint with its body listed among its parameters."""
    parameters = with_body_parameter(endpoint.parameters, endpoint.request_body)
    return replace(endpoint, parameters=parameters)
