"""What a curl command sends besides its URL: headers, cookies, data and form fields."""

from urllib.parse import quote

from domain.specifications.parsed import (
    ParameterLocation,
    ParsedParameter,
    ParsedRequestBody,
    ParsedSecurityRequirement,
    ParseIssue,
)
from infrastructure.specs.captured import (
    TRANSPORT_HEADERS,
    SchemeRegistry,
    add_parameter,
    authorization_scheme,
    captured_parameter,
    form_schema,
    media_essence,
)
from infrastructure.specs.curl_options import CurlRequest


def sort_headers(
    request: CurlRequest,
    parameters: list[ParsedParameter],
    security: list[ParsedSecurityRequirement],
    registry: SchemeRegistry,
) -> str:
    """This function will sort headers into parameters, security and the body's content type."""
    content_type = ""
    cookies = request.values.get("cookie", "")
    for header in request.headers:
        name, _, value = header.partition(":")
        name, value = name.strip().rstrip(";"), value.strip()
        lowered = name.lower()
        if not name:
            continue
        if lowered == "content-type":
            content_type = media_essence(value)
        elif lowered == "authorization":
            security.append(registry.require(authorization_scheme(value)))
        elif lowered == "cookie":
            cookies = f"{cookies}; {value}" if cookies else value
        elif lowered not in TRANSPORT_HEADERS:
            add_parameter(parameters, captured_parameter(name, ParameterLocation.Header, value))
    if "=" in cookies:
        for pair in cookies.split(";"):
            name = pair.split("=", 1)[0].strip()
            if name:
                add_parameter(parameters, captured_parameter(name, ParameterLocation.Cookie, ""))
    return content_type


def data_part(kind: str, value: str, where: str, issues: list[ParseIssue]) -> str:
    """This function will give the text one ``-d`` style option adds to the body."""
    if kind in ("data", "json") and value.startswith("@"):
        issues.append(ParseIssue(where, f"file '{value[1:]}' is not read"))
        return value
    if kind != "data-urlencode":
        return value
    name, separator, content = value.partition("=")
    if "@" in name and not separator:
        issues.append(ParseIssue(where, f"file '{name.split('@', 1)[1]}' is not read"))
        return value
    if not separator:
        return quote(value, safe="")
    return (f"{name}=" if name else "") + quote(content, safe="")


def form_body(request: CurlRequest, issues: list[ParseIssue]) -> ParsedRequestBody:
    """This function will describe ``-F`` fields as a multipart body; files are not read."""
    fields: dict[str, str] = {}
    files: set[str] = set()
    for kind, value in request.form:
        name, _, content = value.partition("=")
        content = content.split(";type=")[0] if kind == "form" else content
        if kind == "form" and content[:1] in ("@", "<"):
            files.add(name)
            issues.append(ParseIssue(f"line {request.line}", f"file '{content[1:]}' is not read"))
        fields[name] = content
    return ParsedRequestBody(
        content_type="multipart/form-data",
        required=True,
        schema=form_schema(fields, frozenset(files)),
        examples=[fields],
        content_types=["multipart/form-data"],
    )
