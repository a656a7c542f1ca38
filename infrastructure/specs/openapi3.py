"""The reader of OpenAPI 3.0 and 3.1 documents."""

from typing import Any

from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import (
    ParsedEndpoint,
    ParsedSecurityRequirement,
    ParsedSecurityScheme,
    ParsedSpecification,
    ParseIssue,
    SourceType,
)
from infrastructure.specs.common import (
    InvalidNode,
    child,
    extensions_of,
    optional_mapping,
    string_list,
    text,
)
from infrastructure.specs.endpoints import (
    complete_path_parameters,
    merge_parameters,
    with_body_listed,
)
from infrastructure.specs.openapi3_parts import OpenApi3Reader
from infrastructure.specs.openapi3_responses import ResponseReader
from infrastructure.specs.operations import (
    OperationSite,
    duplicate_operation_ids,
    openapi3_servers,
    operation_sites,
)
from infrastructure.specs.refs import RefResolver
from infrastructure.specs.security import openapi3_schemes, requirements


def openapi3_version(document: Any) -> SourceType:
    """This function will tell 3.0 from 3.1, refusing documents of other versions."""
    version = text(document.get("openapi")) if isinstance(document, dict) else ""
    if version.startswith("3.0"):
        return SourceType.OpenApi30
    if version.startswith("3."):
        return SourceType.OpenApi31
    raise SpecParseError.single("/openapi", f"OpenAPI version '{version}' is not supported")


def parse_openapi3(document: Any) -> ParsedSpecification:
    """This function will read an OpenAPI 3.x document into the neutral model."""
    source_type = openapi3_version(document)
    issues: list[ParseIssue] = []
    version = text(document.get("openapi"))
    if source_type is SourceType.OpenApi31 and not version.startswith("3.1"):
        issues.append(ParseIssue("/openapi", f"OpenAPI {version} is read as 3.1"))
    resolver = RefResolver(document, issues)
    info = optional_mapping(document.get("info"), "/info", "info", issues)
    components = optional_mapping(document.get("components"), "/components", "components", issues)
    schemes = openapi3_schemes(
        components.get("securitySchemes"), "/components/securitySchemes", resolver, issues
    )
    operations = _Operations(resolver, issues, {s.name: s for s in schemes})
    if "security" in document:
        operations.default_security = requirements(
            document["security"], "/security", operations.schemes, issues
        )
    sites = list(operation_sites(document.get("paths"), resolver, issues))
    issues.extend(duplicate_operation_ids(sites))
    endpoints = []
    for site in sites:
        try:
            endpoints.append(operations.endpoint(site))
        except InvalidNode as exc:
            issues.append(exc.as_issue())
    return ParsedSpecification(
        source_type=source_type,
        title=text(info.get("title")),
        version=text(info.get("version")),
        description=text(info.get("description")),
        servers=openapi3_servers(document.get("servers"), "/servers", issues),
        endpoints=endpoints,
        security_schemes=schemes,
        issues=issues,
        schemas=resolver.kept_schemas(),
    )


class _Operations:
    """The builder of endpoints from operation objects."""

    def __init__(
        self,
        resolver: RefResolver,
        issues: list[ParseIssue],
        schemes: dict[str, ParsedSecurityScheme],
    ) -> None:
        self.reader = OpenApi3Reader(resolver, issues)
        self.response_reader = ResponseReader(resolver, issues)
        self.schemes = schemes
        self.default_security: tuple[list[ParsedSecurityRequirement], bool] = ([], False)

    def endpoint(self, site: OperationSite) -> ParsedEndpoint:
        """This function will build the endpoint of one operation."""
        reader, operation, pointer = self.reader, site.operation, site.pointer
        parameters = merge_parameters(
            reader.parameters(
                site.path_item.get("parameters"), child(site.path_item_pointer, "parameters")
            ),
            reader.parameters(operation.get("parameters"), child(pointer, "parameters")),
        )
        body = None
        if operation.get("requestBody") is not None:
            body = reader.request_body(operation["requestBody"], child(pointer, "requestBody"))
        responses, links = self.response_reader.responses(
            operation.get("responses"), child(pointer, "responses")
        )
        security, optional = self.default_security
        if "security" in operation:
            security, optional = requirements(
                operation["security"], child(pointer, "security"), self.schemes, reader.issues
            )
        servers_node = operation.get("servers", site.path_item.get("servers"))
        return with_body_listed(
            ParsedEndpoint(
                method=site.method.upper(),
                path=site.path,
                operation_id=text(operation.get("operationId")),
                summary=text(operation.get("summary") or site.path_item.get("summary")),
                description=text(operation.get("description") or site.path_item.get("description")),
                tags=string_list(operation.get("tags")),
                deprecated=operation.get("deprecated") is True,
                parameters=complete_path_parameters(site.path, parameters, pointer, reader.issues),
                request_body=body,
                responses=responses,
                security=security,
                security_optional=optional,
                links=links,
                servers=openapi3_servers(servers_node, child(pointer, "servers"), reader.issues),
                extensions=extensions_of(operation),
            )
        )
