"""Swagger 2.0 parameters: simple ones become parameters, body and form data the body.

``in: body`` becomes the request body; ``formData`` parameters become one form body
(multipart when a file is among them or ``consumes`` says so, urlencoded otherwise).
"""

from typing import Any

from domain.shared.json_types import SchemaDialect
from domain.specifications.parsed import (
    ParameterLocation,
    ParsedParameter,
    ParsedRequestBody,
    ParseIssue,
    json_schema_type,
)
from infrastructure.specs.common import (
    InvalidNode,
    child,
    optional_list,
    preferred_media_type,
    require_mapping,
    text,
)
from infrastructure.specs.refs import RefResolver
from infrastructure.specs.swagger2_parts import form_body, parameter_schema

_PLACES = ("path", "query", "header", "body", "formData")


class Swagger2ParameterReader:
    """The reader of an operation's parameters, sharing one resolver and one list of issues."""

    def __init__(self, resolver: RefResolver, issues: list[ParseIssue]) -> None:
        self.resolver = resolver
        self.issues = issues

    def raw_parameters(
        self, node: Any, pointer: str
    ) -> dict[tuple[str, str], tuple[dict[str, Any], str]]:
        """This function will resolve and check parameters, keyed by name and location."""
        found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for index, raw in enumerate(optional_list(node, pointer, "parameters", self.issues)):
            try:
                resolved, where = self.resolver.deref(raw, child(pointer, index))
                parameter = require_mapping(resolved, where, "a parameter")
                name, place = text(parameter.get("name")), text(parameter.get("in"))
                if not name:
                    raise InvalidNode(where, "a parameter needs a name")
                if place not in _PLACES:
                    raise InvalidNode(
                        where, f"parameter '{name}' has an invalid location '{place}'"
                    )
            except InvalidNode as exc:
                self.issues.append(exc.as_issue())
                continue
            found[(name, place)] = (parameter, where)
        return found

    def parameters(
        self, raw: list[tuple[dict[str, Any], str]], consumes: list[str]
    ) -> tuple[list[ParsedParameter], ParsedRequestBody | None]:
        """This function will read checked parameters: the simple ones, and the body."""
        parameters: list[ParsedParameter] = []
        body: ParsedRequestBody | None = None
        form: list[tuple[dict[str, Any], str]] = []
        for node, where in raw:
            place = node["in"]
            if place == "body":
                body = ParsedRequestBody(
                    content_type=preferred_media_type(consumes) or "application/json",
                    required=node.get("required") is True,
                    schema=self.resolver.schema(node.get("schema"), child(where, "schema")),
                    description=text(node.get("description")),
                    content_types=consumes or ["application/json"],
                )
            elif place == "formData":
                form.append((node, where))
            else:
                schema = parameter_schema(node, where, self.resolver)
                parameters.append(
                    ParsedParameter(
                        name=node["name"],
                        location=ParameterLocation(place),
                        data_type=json_schema_type(schema, dialect=SchemaDialect.DRAFT_04),
                        format=text(schema.get("format")),
                        required=node.get("required") is True or place == "path",
                        default=schema.get("default"),
                        schema=schema,
                        examples=[node["x-example"]] if "x-example" in node else [],
                        description=text(node.get("description")),
                    )
                )
        if form and body is not None:
            self.issues.append(
                ParseIssue(form[0][1], "formData parameters are ignored next to a body parameter")
            )
        elif form:
            body = form_body(form, consumes, self.resolver)
        return parameters, body
