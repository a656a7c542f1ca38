"""The parts of a test case as the API takes and answers them: request, expectations,
variable extractions and data sets.

Where a part's shape depends on a kind (a body on its body_type, a check on its operator,
an extraction on its source) it is a discriminated union, so the OpenAPI document says
which fields go with which kind. The domain's value objects check the rest; a rule here is
never stricter than theirs, since stored cases (generated, imported) are answered through
these models too: no count limits here (the request body limit bounds a write).
"""

from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
)
from pydantic.config import JsonDict

from domain.testing.checks import MAX_SCRIPTS
from domain.testing.rules import MAX_TIMEOUT_MS
from interfaces.http.openapi_rules import NO_NUL
from interfaces.http.schemas.formats import NOT_BLANK_PATTERN

# The domain's HTTP_METHODS and JSON_TYPE_NAMES, spelled out for the OpenAPI document (a
# unit test keeps them equal).
HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT"]
JsonTypeName = Literal["string", "number", "integer", "boolean", "array", "object", "null"]

Milliseconds = Annotated[int, Field(ge=1, le=MAX_TIMEOUT_MS)]
StatusCode = Annotated[int, Field(ge=100, le=599)]
VariableName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=100)]
HeaderName = Annotated[str, Field(pattern=r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")]
# domain.testing.values: a header value holds no line break (and, like all text, no NUL).
HeaderValue = Annotated[str, Field(pattern=r"^[^\r\n\x00]*$")]
# No NUL either (interfaces.http.openapi_rules adds that only to strings without a pattern).
JsonPath = Annotated[str, Field(pattern=r"^\$[^\x00]*$", description="A JSONPath, starting with $")]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# -- the request -----------------------------------------------------------------------------


class _Request(_Part):
    method: HttpMethod = Field(
        validation_alias=AliasChoices("method", "http_method"),
        description="`http_method` is accepted too, deprecated",
    )
    url: str = Field(
        max_length=1000,
        # No whitespace as Python's str.isspace() sees it (the domain's rule), which also
        # counts \x1c-\x1f and \x85 that ECMAScript's \s (the schema's dialect) does not.
        pattern=r"^(/|\{\{|https?://)[^\s\x1c-\x1f\x85]*$",
        description="A path under the environment's base URL, {{variables}} allowed",
        examples=["/pets/{{petId}}"],
    )
    headers: dict[HeaderName, HeaderValue] = Field(default_factory=dict)
    path_params: dict[str, str] = Field(default_factory=dict)
    query_params: dict[str, str] = Field(default_factory=dict)
    timeout_ms: Milliseconds = Field(
        default=30_000,
        validation_alias=AliasChoices("timeout_ms", "timeout"),
        description="`timeout` is accepted too, deprecated",
    )
    without_credentials: bool = Field(
        default=False, description="Send it without the environment's authentication"
    )


class RequestWithoutBody(_Request):
    body_type: Literal["None"] = "None"
    body: None = None


class RequestWithJsonBody(_Request):
    body_type: Literal["JSON"]
    body: Any = Field(default=None, description="Any JSON value")


class RequestWithFormBody(_Request):
    body_type: Literal["FormData", "UrlEncoded"]
    body: dict[str, Any]


class RequestWithRawBody(_Request):
    body_type: Literal["Raw"]
    body: str


def _body_kind(value: Any) -> str:
    kind = (
        value.get("body_type", "None")
        if isinstance(value, dict)
        else getattr(value, "body_type", "None")
    )
    return "Form" if kind in ("FormData", "UrlEncoded") else str(kind)


CaseRequest = Annotated[
    Annotated[RequestWithoutBody, Tag("None")]
    | Annotated[RequestWithJsonBody, Tag("JSON")]
    | Annotated[RequestWithFormBody, Tag("Form")]
    | Annotated[RequestWithRawBody, Tag("Raw")],
    Discriminator(_body_kind),
]


# -- expectations ----------------------------------------------------------------------------


class HeaderPresent(_Part):
    name: HeaderName
    operator: Literal["present"]
    expected: None = None


class HeaderEquals(_Part):
    name: HeaderName
    operator: Literal["equals"]
    expected: str


class HeaderMatches(_Part):
    name: HeaderName
    operator: Literal["matches"]
    expected: str = Field(
        description="A regular expression (Python's re)",
        json_schema_extra={"format": "regex", "pattern": NO_NUL},
    )


HeaderCheck = Annotated[
    HeaderPresent | HeaderEquals | HeaderMatches, Field(discriminator="operator")
]


class JsonPathCompare(_Part):
    path: JsonPath
    operator: Literal["exists", "not_null", "equals", "not_equals", "contains"]
    expected: Any = None


class JsonPathMatches(_Part):
    path: JsonPath
    operator: Literal["matches"]
    expected: str = Field(
        description="A regular expression (Python's re)",
        json_schema_extra={"format": "regex", "pattern": NO_NUL},
    )


class JsonPathOrdered(_Part):
    path: JsonPath
    operator: Literal["gt", "gte", "lt", "lte"]
    expected: int | float


class JsonPathType(_Part):
    path: JsonPath
    operator: Literal["type"]
    expected: JsonTypeName


class JsonPathLength(_Part):
    path: JsonPath
    operator: Literal["length"]
    expected: int = Field(ge=0)


JsonPathCheck = Annotated[
    JsonPathCompare | JsonPathMatches | JsonPathOrdered | JsonPathType | JsonPathLength,
    Field(discriminator="operator"),
]


# domain.testing.assertions, stated on what a write takes (a stored assertion, imported, is
# answered as the importer made it): a condition's target goes with its subject, and
# `valid` with a schema only. The subset stated: an assertion with at least one condition.
_OPERATORS = [
    "exists", "not_null", "equals", "one_of", "contains", "matches",
    "gt", "gte", "lt", "lte", "type", "length", "has_key",
]  # fmt: skip
_JSON_VALUE: dict[str, Any] = {}  # any JSON: the OpenAPI document says JsonValue (no NUL)


def _condition(subject: str, target: dict[str, Any] | None) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "subject": {"const": subject},
        "operator": {"enum": _OPERATORS},
        "expected": _JSON_VALUE,
        "negate": {"type": "boolean"},
    }
    if target is not None:
        properties["target"] = target
    return {
        "type": "object",
        "properties": properties,
        "required": ["subject", "operator", *(["target"] if target else [])],
        "additionalProperties": False,
    }


_CONDITION = {
    "oneOf": [
        *(_condition(s, {"type": "string", "maxLength": 0}) for s in ("status", "body", "time")),
        _condition("json", {"type": "string", "pattern": r"^\$[^\x00]*$", "maxLength": 1000}),
        _condition("header", {"type": "string", "pattern": r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$"}),
        {
            "type": "object",
            "properties": {
                "subject": {"const": "schema"},
                "operator": {"const": "valid"},
                "expected": {"type": "object", "additionalProperties": True},
                "negate": {"type": "boolean"},
            },
            "required": ["subject", "operator", "expected"],
            "additionalProperties": False,
        },
    ]
}
_ASSERTION = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 300, "pattern": NOT_BLANK_PATTERN},
        "conditions": {"type": "array", "items": _CONDITION, "minItems": 1},
        "guards": {"type": "array", "items": _CONDITION},
        "translated": {"type": "boolean"},
        "source": {"type": "string", "maxLength": 10_000},
    },
    "required": ["name", "conditions"],
    "additionalProperties": False,
}


# domain.testing.checks.Expectations: statuses to expect, or any status and none named.
_STATUS_OR_ANY: JsonDict = {
    "anyOf": [
        {
            "properties": {"any_status": {"const": True}, "expected_status": {"maxItems": 0}},
            "required": ["any_status"],
        },
        {
            "properties": {"any_status": {"const": False}, "expected_status": {"minItems": 1}},
            "required": ["expected_status"],
        },
        {"not": {"required": ["any_status"]}, "properties": {"expected_status": {"minItems": 1}}},
    ]
}


class CaseExpectations(_Part):
    model_config = ConfigDict(json_schema_extra=_STATUS_OR_ANY)

    expected_status: list[StatusCode] = Field(
        description="Empty only when any_status is true; each status once",
        examples=[[200]],
        json_schema_extra={"uniqueItems": True},
    )
    response_schema: dict[str, Any] | None = Field(default=None, description="A JSON Schema")
    header_checks: list[HeaderCheck] = Field(default_factory=list)
    body_contains: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    body_not_contains: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    jsonpath_checks: list[JsonPathCheck] = Field(
        default_factory=list,
        validation_alias=AliasChoices("jsonpath_checks", "json_path_checks"),
        description="`json_path_checks` is accepted too, deprecated",
    )
    max_response_time_ms: Milliseconds | None = Field(
        default=None,
        validation_alias=AliasChoices("max_response_time_ms", "max_response_time"),
        description="`max_response_time` is accepted too, deprecated",
    )
    any_status: bool = Field(default=False, description="Accept every status")
    scripts: list[
        Annotated[str, Field(min_length=1, json_schema_extra={"pattern": NOT_BLANK_PATTERN})]
    ] = Field(
        default_factory=list,
        description="Postman test scripts the import could not translate, run in the sandbox"
        f" (at most {MAX_SCRIPTS} characters together)",
    )
    assertions: list[Annotated[dict[str, Any], WithJsonSchema(_ASSERTION, mode="validation")]] = (
        Field(
            default_factory=list,
            description="Named assertions (from a Postman import): name, conditions, guards, "
            "translated, source",
        )
    )


# -- variables (extractions) -----------------------------------------------------------------


class _Extraction(_Part):
    name: VariableName
    default: str | None = Field(default=None, description="Used when nothing matches")


class BodyExtraction(_Extraction):
    source: Literal["body"]
    expression: JsonPath
    header_name: None = None


class HeaderExtraction(_Extraction):
    source: Literal["header"]
    expression: HeaderName = Field(description="The header to read")
    header_name: None = None


# domain.testing.values.VariableExtraction: a regex that compiles, with a group to capture.
_LITERAL = r"[A-Za-z0-9 _:=,;'\"/<>-]*"
_ONE_GROUP = rf"^{_LITERAL}\((\.\*\??|\.\+\??|\\d\+|\\w\+|[A-Za-z0-9_-]+)\){_LITERAL}$"


class RegexExtraction(_Extraction):
    source: Literal["regex"]
    expression: Annotated[
        str,
        # Stated on what a write takes only: a stored case (imported, generated) may hold any
        # regular expression the domain accepts, and is answered through this model too.
        WithJsonSchema(
            {
                "type": "string",
                "pattern": _ONE_GROUP,
                "description": "A Python regular expression with a capturing group. The"
                " pattern states a plain subset (one group, no other special characters):"
                " whether a text is a regular expression, and how many groups it has, no"
                " JSON Schema can say",
            },
            mode="validation",
        ),
    ]
    header_name: HeaderName | None = Field(
        default=None, description="Read this header instead of the body"
    )


class StatusExtraction(_Extraction):
    source: Literal["status"]
    expression: Literal[""] = ""
    header_name: None = None


CaseVariable = Annotated[
    BodyExtraction | HeaderExtraction | RegexExtraction | StatusExtraction,
    Field(discriminator="source"),
]


# -- data sets -------------------------------------------------------------------------------


# A row's keys are the variables it sets (domain.testing.values.DataSet), its values any JSON.
DataSetRow = dict[VariableName, Any]


class CaseDataSet(_Part):
    name: str = Field(min_length=1, max_length=100)
    rows: list[DataSetRow] = Field(description="One object of variable values per run of the case")
    enabled: bool = True
