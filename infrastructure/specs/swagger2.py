"""The reader of Swagger 2.0 documents, mapped onto the OpenAPI 3 shaped neutral model."""

from typing import Any

from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import (
    ParsedEndpoint,
    ParsedResponse,
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
from infrastructure.specs.endpoints import complete_path_parameters, with_body_listed
from infrastructure.specs.operations import (
    OperationSite,
    duplicate_operation_ids,
    operation_sites,
    swagger2_servers,
)
from infrastructure.specs.refs import RefResolver
from infrastructure.specs.security import requirements, swagger2_schemes
from infrastructure.specs.swagger2_parameters import Swagger2ParameterReader
from infrastructure.specs.swagger2_parts import response


def parse_swagger2(document: Any) -> ParsedSpecification:
    """This function will read a Swagger 2.0 document into the neutral model."""
    if not isinstance(document, dict) or text(document.get("swagger")) != "2.0":
        version = text(document.get("swagger")) if isinstance(document, dict) else ""
        raise SpecParseError.single("/swagger", f"Swagger version '{version}' is not supported")
    issues: list[ParseIssue] = []
    resolver = RefResolver(document, issues)
    info = optional_mapping(document.get("info"), "/info", "info", issues)
    schemes = swagger2_schemes(document.get("securityDefinitions"), "/securityDefinitions", issues)
    reader = _Swagger2Operations(document, resolver, issues, {s.name: s for s in schemes})
    sites = list(operation_sites(document.get("paths"), resolver, issues))
    issues.extend(duplicate_operation_ids(sites))
    endpoints = []
    for site in sites:
        try:
            endpoints.append(reader.endpoint(site))
        except InvalidNode as exc:
            issues.append(exc.as_issue())
    return ParsedSpecification(
        source_type=SourceType.Swagger20,
        title=text(info.get("title")),
        version=text(info.get("version")),
        description=text(info.get("description")),
        servers=swagger2_servers(document),
        endpoints=endpoints,
        security_schemes=schemes,
        issues=issues,
        schemas=resolver.kept_schemas(),
    )


class _Swagger2Operations:
    """The builder of endpoints from Swagger 2.0 operation objects."""

    def __init__(
        self,
        document: dict[str, Any],
        resolver: RefResolver,
        issues: list[ParseIssue],
        schemes: dict[str, ParsedSecurityScheme],
    ) -> None:
        self.resolver = resolver
        self.issues = issues
        self.schemes = schemes
        self.parameter_reader = Swagger2ParameterReader(resolver, issues)
        self.consumes = string_list(document.get("consumes"))
        self.produces = string_list(document.get("produces"))
        self.default_security: tuple[list[ParsedSecurityRequirement], bool] = ([], False)
        if "security" in document:
            self.default_security = requirements(document["security"], "/security", schemes, issues)

    def endpoint(self, site: OperationSite) -> ParsedEndpoint:
        """This function will build the endpoint of one operation."""
        operation, pointer = site.operation, site.pointer
        raw = self.parameter_reader.raw_parameters(
            site.path_item.get("parameters"), child(site.path_item_pointer, "parameters")
        )
        raw.update(
            self.parameter_reader.raw_parameters(
                operation.get("parameters"), child(pointer, "parameters")
            )
        )
        consumes = string_list(operation.get("consumes")) or self.consumes
        produces = string_list(operation.get("produces")) or self.produces
        parameters, body = self.parameter_reader.parameters(list(raw.values()), consumes)
        security, optional = self.default_security
        if "security" in operation:
            security, optional = requirements(
                operation["security"], child(pointer, "security"), self.schemes, self.issues
            )
        return with_body_listed(
            ParsedEndpoint(
                method=site.method.upper(),
                path=site.path,
                operation_id=text(operation.get("operationId")),
                summary=text(operation.get("summary")),
                description=text(operation.get("description")),
                tags=string_list(operation.get("tags")),
                deprecated=operation.get("deprecated") is True,
                parameters=complete_path_parameters(site.path, parameters, pointer, self.issues),
                request_body=body,
                responses=self._responses(
                    operation.get("responses"), child(pointer, "responses"), produces
                ),
                security=security,
                security_optional=optional,
                extensions=extensions_of(operation),
            )
        )

    def _responses(self, node: Any, pointer: str, produces: list[str]) -> list[ParsedResponse]:
        found = []
        for status, raw in optional_mapping(node, pointer, "responses", self.issues).items():
            if status.startswith("x-"):
                continue
            try:
                found.append(response(status, raw, child(pointer, status), produces, self.resolver))
            except InvalidNode as exc:
                self.issues.append(exc.as_issue())
        return found
