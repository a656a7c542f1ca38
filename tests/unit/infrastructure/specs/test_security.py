"""Security schemes and requirements of OpenAPI 3.x and Swagger 2.0."""

from typing import Any

from domain.specifications.parsed import (
    ParsedSecurityRequirement,
    ParsedSecurityScheme,
    ParseIssue,
)
from infrastructure.specs.refs import RefResolver
from infrastructure.specs.security import openapi3_schemes, requirements, swagger2_schemes


def v3(schemes: dict[str, Any]) -> tuple[list[ParsedSecurityScheme], list[ParseIssue]]:
    issues: list[ParseIssue] = []
    document = {"components": {"securitySchemes": schemes}}
    found = openapi3_schemes(
        schemes, "/components/securitySchemes", RefResolver(document, issues), issues
    )
    return found, issues


class TestOpenApi3Schemes:
    def test_reads_http_bearer_and_basic(self) -> None:
        found, issues = v3(
            {
                "jwt": {"type": "http", "scheme": "Bearer", "bearerFormat": "JWT"},
                "basic": {"type": "http", "scheme": "basic", "description": "Staff only"},
            }
        )

        assert found == [
            ParsedSecurityScheme("jwt", "http", scheme="bearer", bearer_format="JWT"),
            ParsedSecurityScheme("basic", "http", scheme="basic", description="Staff only"),
        ]
        assert issues == []

    def test_reads_api_keys_in_header_query_and_cookie(self) -> None:
        found, issues = v3(
            {
                place: {"type": "apiKey", "in": place, "name": f"key-{place}"}
                for place in ("header", "query", "cookie")
            }
        )

        assert [(s.in_, s.parameter_name) for s in found] == [
            ("header", "key-header"),
            ("query", "key-query"),
            ("cookie", "key-cookie"),
        ]
        assert issues == []

    def test_keeps_oauth2_flows_with_urls_and_scopes(self) -> None:
        flows = {
            "authorizationCode": {
                "authorizationUrl": "https://auth.example.com/authorize",
                "tokenUrl": "https://auth.example.com/token",
                "scopes": {"pets:read": "Read pets"},
            }
        }

        found, _ = v3({"oauth": {"type": "oauth2", "flows": flows}})

        assert found == [ParsedSecurityScheme("oauth", "oauth2", configuration={"flows": flows})]

    def test_keeps_the_open_id_connect_url(self) -> None:
        url = "https://auth.example.com/.well-known/openid-configuration"

        found, _ = v3({"oidc": {"type": "openIdConnect", "openIdConnectUrl": url}})

        assert found == [
            ParsedSecurityScheme("oidc", "openIdConnect", configuration={"openIdConnectUrl": url})
        ]

    def test_notes_malformed_schemes(self) -> None:
        found, issues = v3(
            {
                "typeless": {"scheme": "bearer"},
                "key": {"type": "apiKey", "in": "body"},
                "odd": {"type": "kerberos"},
            }
        )

        assert [s.name for s in found] == ["key", "odd"]
        assert issues == [
            ParseIssue(
                "/components/securitySchemes/typeless", "security scheme 'typeless' has no type"
            ),
            ParseIssue(
                "/components/securitySchemes/key", "apiKey scheme 'key' has invalid location 'body'"
            ),
            ParseIssue(
                "/components/securitySchemes/key", "apiKey scheme 'key' has no parameter name"
            ),
            ParseIssue(
                "/components/securitySchemes/odd",
                "security scheme 'odd' has unknown type 'kerberos'",
            ),
        ]


class TestSwagger2Schemes:
    def test_maps_swagger_flows_to_openapi_3_names(self) -> None:
        issues: list[ParseIssue] = []

        found = swagger2_schemes(
            {
                "app": {
                    "type": "oauth2",
                    "flow": "application",
                    "tokenUrl": "https://auth.example.com/token",
                    "scopes": {},
                },
                "code": {
                    "type": "oauth2",
                    "flow": "accessCode",
                    "authorizationUrl": "https://auth.example.com/authorize",
                    "tokenUrl": "https://auth.example.com/token",
                },
            },
            "/securityDefinitions",
            issues,
        )

        assert [list(s.configuration["flows"]) for s in found] == [
            ["clientCredentials"],
            ["authorizationCode"],
        ]
        assert found[1].configuration["flows"]["authorizationCode"] == {
            "authorizationUrl": "https://auth.example.com/authorize",
            "tokenUrl": "https://auth.example.com/token",
            "scopes": {},
        }
        assert issues == []

    def test_notes_definitions_of_unknown_type(self) -> None:
        issues: list[ParseIssue] = []

        assert swagger2_schemes({"x": {"type": "magic"}}, "/securityDefinitions", issues) == []
        assert issues == [
            ParseIssue("/securityDefinitions/x", "security definition 'x' has no known type")
        ]


class TestRequirements:
    SCHEMES = {"key": ParsedSecurityScheme("key", "apiKey")}

    def test_numbers_alternatives_and_keeps_scopes(self) -> None:
        issues: list[ParseIssue] = []

        found, optional = requirements(
            [{"key": [], "ghost": ["read"]}, {"key": []}], "/security", self.SCHEMES, issues
        )

        assert found == [
            ParsedSecurityRequirement("key", "apiKey", [], 0),
            ParsedSecurityRequirement("ghost", "", ["read"], 0),
            ParsedSecurityRequirement("key", "apiKey", [], 1),
        ]
        assert optional is False
        assert issues == [ParseIssue("/security/0/ghost", "unknown security scheme 'ghost'")]

    def test_reads_an_empty_alternative_as_optional_security(self) -> None:
        found, optional = requirements([{}, {"key": []}], "/security", self.SCHEMES, [])

        assert (found, optional) == ([ParsedSecurityRequirement("key", "apiKey", [], 1)], True)

    def test_notes_a_security_value_that_is_not_a_list(self) -> None:
        issues: list[ParseIssue] = []

        assert requirements({"key": []}, "/security", self.SCHEMES, issues) == ([], False)
        assert issues == [ParseIssue("/security", "security must be a list")]
