"""An endpoint typed in through the API, handed to the domain's one manual-endpoint builder."""

from domain.shared.errors import InconsistentValuesError, InvalidValueError
from domain.specifications.errors import InconsistentEndpointError, SpecParseError
from domain.specifications.manual import manual_endpoint_from_fields
from domain.specifications.parsed import ParsedEndpoint
from interfaces.http.schemas.specifications import ManualEndpointCreate


def to_parsed_endpoint(body: ManualEndpointCreate) -> ParsedEndpoint:
    """This function will check and convert a typed-in endpoint; a refusal is a 422 naming
    the first field at fault (method, path or parameters) and saying every problem."""
    try:
        return manual_endpoint_from_fields(body.model_dump(by_alias=True))
    except SpecParseError as error:
        field = error.issues[0].location.split("/", 1)[0]
        message = "; ".join(i.message for i in error.issues)
        if isinstance(error, InconsistentEndpointError):
            raise InconsistentValuesError(field, message) from None
        raise InvalidValueError(field, message) from None
