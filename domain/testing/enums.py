"""The enumerations of test cases, stored by value in events and read tables."""

from enum import StrEnum

from domain.shared.json_types import JSON_TYPES


class TestType(StrEnum):
    """The kind of behaviour a test case exercises."""

    __test__ = False

    HappyPath = "HappyPath"
    Boundary = "Boundary"
    Negative = "Negative"


class Priority(StrEnum):
    """How much a failure of a test case matters."""

    Critical = "Critical"
    High = "High"
    Medium = "Medium"
    Low = "Low"


class BodyType(StrEnum):
    """The encoding of a request body."""

    None_ = "None"
    JSON = "JSON"
    FormData = "FormData"
    UrlEncoded = "UrlEncoded"
    Raw = "Raw"


class CheckOperator(StrEnum):
    """A comparison a JSONPath check applies to the value it selects."""

    Exists = "exists"
    NotNull = "not_null"
    Equals = "equals"
    NotEquals = "not_equals"
    Contains = "contains"
    Matches = "matches"
    Gt = "gt"
    Gte = "gte"
    Lt = "lt"
    Lte = "lte"
    Type = "type"
    Length = "length"


class HeaderOperator(StrEnum):
    """A comparison a header check applies to a response header."""

    Present = "present"
    Equals = "equals"
    Matches = "matches"


class ExtractionSource(StrEnum):
    """The part of a response a variable is read from."""

    Body = "body"
    Header = "header"
    Regex = "regex"
    Status = "status"


JSON_TYPE_NAMES = JSON_TYPES
